"""The notification outbox: what the account must be told. Sending it (email) is an adapter's job."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, insert

from ..adapters.db import schema as t


def notify(conn: Connection, now: datetime, account_id: str, kind: str, subject: str, **body) -> None:
    conn.execute(
        insert(t.notifications),
        dict(account_id=account_id, kind=kind, subject=subject, body=json.dumps(body, default=str), created_at=now),
    )
