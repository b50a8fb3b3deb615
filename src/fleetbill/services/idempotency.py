"""Stored responses of retry-safe requests (Idempotency-Key) are kept for a day, then purged."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete

from ..adapters.db import schema as t

# As Stripe does: long enough for any client's retries, short enough that a response holding a
# secret (a device key is shown once, R1) does not stay in the database.
RETENTION = timedelta(hours=24)


def purge_idempotency_records(
    conn: Connection, now: datetime, api_key_id: str | None = None, key: str | None = None
) -> int:
    """Delete the stored responses older than RETENTION (all of them, or one key's)."""
    r = t.idempotency_records
    q = delete(r).where(r.c.created_at <= now - RETENTION)
    if api_key_id is not None:
        q = q.where(r.c.api_key_id == api_key_id, r.c.key == key)
    return conn.execute(q).rowcount
