"""Operator API keys: shown once, stored as a SHA-256 hash (the keys are 256-bit random)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Connection, insert, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..domain.catalog import has_visible_character
from ..domain.errors import InvalidInput

MAX_NAME = 64  # "api:" + the name is the actor on the status history (R4)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(conn: Connection, now: datetime, name: str) -> tuple[str, str]:
    """Returns (key id, the key itself): the key is never shown again."""
    if not has_visible_character(name):
        raise InvalidInput("an API key needs a name that says who uses it (in visible characters)")
    if len(name.strip()) > MAX_NAME:
        raise InvalidInput(
            f"an API key's name is at most {MAX_NAME} characters; it is recorded as the actor of changes"
        )
    key = "fb_" + secrets.token_urlsafe(32)
    key_id = repo.new_id()
    conn.execute(insert(t.api_keys), dict(id=key_id, name=name.strip(), key_hash=_hash(key), created_at=now))
    return key_id, key


def authenticate(conn: Connection, key: str) -> tuple[str, str] | None:
    """The (id, name) of a live key, or None."""
    k = t.api_keys
    row = conn.execute(select(k.c.id, k.c.name).where(k.c.key_hash == _hash(key), k.c.revoked_at.is_(None))).first()
    return (row.id, row.name) if row else None
