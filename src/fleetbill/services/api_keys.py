"""Operator API keys (R22's "the operator's platform"): created with a name and a scope, the
secret shown once and stored as a SHA-256 hash (secrets are 256-bit random), listed without
secrets, revoked at once; the last full key cannot be revoked."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, and_, insert, or_, select, update

from ..adapters.db import schema as t
from ..adapters.db.audit import audit
from ..domain.api_keys import ID_PREFIX, LAST_USED_EVERY, Scope, secret_prefix
from ..domain.catalog import has_visible_character
from ..domain.errors import Conflict, InvalidInput, NotFound

MAX_NAME = 64  # "api:" + the name is the actor on the status history (R4)


class NewKey(NamedTuple):
    id: str
    secret: str  # shown once, never stored


@dataclass(frozen=True)
class ApiKey:
    """A key as an operator sees it: never its secret."""

    id: str
    name: str
    scope: Scope
    created_at: datetime
    created_by: str | None  # the actor; None for a key made before it was recorded
    last_used_at: datetime | None  # to the minute (domain.api_keys.LAST_USED_EVERY)
    revoked_at: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_key_id() -> str:
    """key_ and 10 base32 characters (50 random bits): an id, not a secret, short enough for the
    CLI's 80-column table. Keys made before keep their UUIDs."""
    return ID_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode().lower()[:10]


def _checked_name(name: str) -> str:
    if not has_visible_character(name):
        raise InvalidInput("an API key needs a name that says who uses it (in visible characters)")
    if len(name.strip()) > MAX_NAME:
        raise InvalidInput(
            f"an API key's name is at most {MAX_NAME} characters; it is recorded as the actor of changes"
        )
    return name.strip()


def create_api_key(
    conn: Connection,
    now: datetime,
    name: str,
    scope: Scope = Scope.FULL,
    *,
    actor: str = "system",
    test_mode: bool = False,
) -> NewKey:
    """A new key; its secret is in the result and never again."""
    name = _checked_name(name)
    scope = Scope(scope)
    secret = secret_prefix(test_mode) + secrets.token_urlsafe(32)
    key_id = _new_key_id()
    row = dict(id=key_id, name=name, key_hash=_hash(secret), scope=scope.value, created_at=now, created_by=actor)
    conn.execute(insert(t.api_keys), row)
    audit(conn, now, actor, "api_key.created", subject=key_id, name=name, scope=scope.value)
    return NewKey(key_id, secret)


def _key(row) -> ApiKey:
    return ApiKey(row.id, row.name, Scope(row.scope), row.created_at, row.created_by, row.last_used_at, row.revoked_at)


def list_api_keys(conn: Connection) -> list[ApiKey]:
    """Every key, live ones first, the newest first within each."""
    k = t.api_keys
    rows = conn.execute(select(k).order_by(k.c.revoked_at.is_not(None), k.c.created_at.desc(), k.c.id))
    return [_key(row) for row in rows]


def get_api_key(conn: Connection, key_id: str) -> ApiKey:
    k = t.api_keys
    row = conn.execute(select(k).where(k.c.id == key_id)).first()
    if row is None:
        raise NotFound(f"no API key {key_id!r}; `fleetbill api-key list` or GET /v1/api-keys lists them")
    return _key(row)


def revoke_api_key(conn: Connection, now: datetime, key_id: str, actor: str) -> ApiKey:
    """Revoke a key; its next request is refused. Revoking a revoked key changes nothing."""
    k = t.api_keys
    # The key and every live full key, locked in one order (PostgreSQL): two full keys revoked at
    # once cannot both find the other still live, and cannot deadlock. SQLite serializes writers.
    live_full = and_(k.c.scope == Scope.FULL.value, k.c.revoked_at.is_(None))
    rows = conn.execute(select(k).where(or_(k.c.id == key_id, live_full)).order_by(k.c.id).with_for_update()).all()
    row = next((r for r in rows if r.id == key_id), None)
    if row is None:
        raise NotFound(f"no API key {key_id!r}; `fleetbill api-key list` or GET /v1/api-keys lists them")
    if row.revoked_at is not None:
        return _key(row)
    if row.scope == Scope.FULL and len(rows) == 1:
        raise Conflict(
            f"{key_id} is the last full API key: without one, no one could manage keys or change anything "
            "through the API. Create another full key first (`fleetbill api-key create NAME`, or "
            "POST /v1/api-keys with scope 'full'), then revoke this one"
        )
    conn.execute(update(k).where(k.c.id == key_id).values(revoked_at=now))
    audit(conn, now, actor, "api_key.revoked", subject=key_id, name=row.name, scope=row.scope)
    return replace(_key(row), revoked_at=now)


@dataclass(frozen=True)
class Presented:
    """The key a request presented, found by its secret's hash."""

    id: str
    name: str
    scope: Scope
    last_used_at: datetime | None
    revoked_at: datetime | None


def authenticate(conn: Connection, secret: str) -> Presented | None:
    """The key whose secret this is, revoked or not (the caller says which); None if no key has it.

    One indexed read, no write: this runs on every API request."""
    k = t.api_keys
    row = conn.execute(
        select(k.c.id, k.c.name, k.c.scope, k.c.last_used_at, k.c.revoked_at).where(k.c.key_hash == _hash(secret))
    ).first()
    return Presented(row.id, row.name, Scope(row.scope), row.last_used_at, row.revoked_at) if row else None


def record_use(conn: Connection, key_id: str, now: datetime) -> bool:
    """Set last_used_at to now unless a write within the last minute did; True if this one did.

    Callers write only when `last_use_due` says so; the condition here makes requests that
    saw the same stale time at once (or other processes) write it once between them."""
    k = t.api_keys
    fresh_since = now - LAST_USED_EVERY
    done = conn.execute(
        update(k)
        .where(k.c.id == key_id, or_(k.c.last_used_at.is_(None), k.c.last_used_at <= fresh_since))
        .values(last_used_at=now)
    )
    return done.rowcount == 1
