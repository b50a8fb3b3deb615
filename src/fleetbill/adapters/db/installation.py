"""The installation's generated secrets: made once, at the first start, and read by every process
that shares the database, so that what one process signs another accepts."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from .engine import Database
from .schema_access import installation_secrets as s

SECRET_KEY = "secret_key"


def generated_secret(db: Database, name: str, now: datetime) -> str:
    """The secret called `name`, made (256 random bits) and stored the first time it is asked for."""
    found = select(s.c.value).where(s.c.name == name)
    with db.read() as conn:
        value = conn.execute(found).scalar()
    if value:
        return value
    try:
        with db.transaction() as conn:
            conn.execute(insert(s), dict(name=name, value=secrets.token_urlsafe(32), created_at=now))
    except IntegrityError:
        pass  # another process made it at the same instant: use theirs
    with db.read() as conn:
        return conn.execute(found).scalar_one()
