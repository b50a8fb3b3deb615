"""Retry-safe requests (Idempotency-Key): a key is claimed before its request runs, completed with
the response after, and kept for a day; a claim left by a crash is taken over after a timeout."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..adapters.db import schema as t
from ..domain.errors import InvalidInput

# As Stripe does: long enough for any client's retries, short enough that a response holding a
# secret (a device key is shown once, R1) does not stay in the database.
RETENTION = timedelta(hours=24)
# A request runs for seconds; one claimed longer ago than this has died with its process (a
# crash, a kill -9), and the key is free again. The work behind every key is idempotent by
# itself or ran in the transaction that a crash rolled back, so running it again is safe.
CLAIM_TIMEOUT = timedelta(minutes=5)


def real_now() -> datetime:
    """Keys age in real time: the test clock simulates billing months, not a client's retries."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Claimed:
    """This request holds the key: run the work, then `complete` (or `release` on failure)."""

    token: str


@dataclass(frozen=True)
class Stored:
    """The key's request completed: replay its response."""

    status_code: int
    response_body: str


@dataclass(frozen=True)
class InProgress:
    """Another request holds the key and is still running."""

    since: datetime


def claim_key(conn: Connection, api_key_id: str, key: str, fingerprint: str) -> Claimed | Stored | InProgress:
    """Claim `key` for a request (its `fingerprint`), or say who has it.

    The claim is an INSERT that does nothing if the key is taken: one statement when it is free.
    Claimed in the transaction that then runs the work and stores its response (the API's usual
    way, issue 11), the key is committed with the work or not at all, and a request sent at once
    with the same key waits on the key's unique index until that transaction ends, then finds
    the response stored (or, if it rolled back, the key free). Claimed in a transaction of its
    own (work that commits in steps), the key says "in progress" until its response is stored."""
    now = real_now()
    token = str(uuid.uuid4())
    if _insert_claim(conn, api_key_id, key, fingerprint, now, token):
        return Claimed(token)
    r = t.idempotency_records
    row = conn.execute(select(r).where(r.c.api_key_id == api_key_id, r.c.key == key)).first()
    if row is None or _expired(row, now):  # released meanwhile, or an expired key: a new request
        if row is not None:
            conn.execute(delete(r).where(r.c.id == row.id))
        return Claimed(token) if _insert_claim(conn, api_key_id, key, fingerprint, now, token) else InProgress(now)
    if row.request_fingerprint != fingerprint:
        raise _different_request(key)
    if row.status_code is not None:
        return Stored(row.status_code, row.response_body)
    if row.claimed_at > now - CLAIM_TIMEOUT:
        return InProgress(row.claimed_at)
    # the request that claimed it died: take it over, if no one did first
    taken = conn.execute(
        update(r)
        .where(r.c.id == row.id, r.c.claim_token == row.claim_token, r.c.status_code.is_(None))
        .values(claimed_at=now, claim_token=token)
    ).rowcount
    return Claimed(token) if taken else InProgress(now)


def _insert_claim(conn: Connection, api_key_id: str, key: str, fingerprint: str, now: datetime, token: str) -> bool:
    r = t.idempotency_records
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    claim = dialect.insert(r).values(
        api_key_id=api_key_id,
        key=key,
        request_fingerprint=fingerprint,
        created_at=now,
        claimed_at=now,
        claim_token=token,
    )
    return (
        conn.execute(claim.on_conflict_do_nothing(index_elements=["api_key_id", "key"]).returning(r.c.id)).first()
        is not None
    )


def _expired(row, now: datetime) -> bool:
    """As purge_idempotency_records judges it: a stored response past RETENTION, or a dead claim as old."""
    if row.created_at > now - RETENTION:
        return False
    return row.status_code is not None or row.claimed_at <= now - CLAIM_TIMEOUT


def key_state(conn: Connection, api_key_id: str, key: str, fingerprint: str) -> Stored | InProgress | None:
    """Read-only: what became of a key another request holds (None: free to claim again)."""
    r = t.idempotency_records
    row = conn.execute(select(r).where(r.c.api_key_id == api_key_id, r.c.key == key)).first()
    if row is None or (row.status_code is None and row.claimed_at <= real_now() - CLAIM_TIMEOUT):
        return None
    if row.request_fingerprint != fingerprint:
        raise _different_request(key)
    return Stored(row.status_code, row.response_body) if row.status_code is not None else InProgress(row.claimed_at)


def _different_request(key: str) -> InvalidInput:
    return InvalidInput(f"Idempotency-Key {key!r} was used for a different request; use a new key for a new request")


def complete_key(conn: Connection, api_key_id: str, key: str, token: str, status_code: int, body: str) -> bool:
    """Store the response under the key; False if the claim was lost (taken over after the timeout)."""
    r = t.idempotency_records
    return bool(
        conn.execute(
            update(r)
            .where(r.c.api_key_id == api_key_id, r.c.key == key, r.c.claim_token == token, r.c.status_code.is_(None))
            .values(status_code=status_code, response_body=body)
        ).rowcount
    )


def release_key(conn: Connection, api_key_id: str, key: str, token: str) -> None:
    """Free the key of a request that failed: errors are not stored, it may be retried as it is."""
    r = t.idempotency_records
    conn.execute(
        delete(r).where(
            r.c.api_key_id == api_key_id, r.c.key == key, r.c.claim_token == token, r.c.status_code.is_(None)
        )
    )


def purge_idempotency_records(
    conn: Connection, now: datetime, api_key_id: str | None = None, key: str | None = None
) -> int:
    """Delete the stored responses older than RETENTION (all of them, or one key's), and claims
    whose request died; a claim still running is never purged."""
    # A test clock moved ahead of real time must not expire keys a client may still retry.
    now = min(now, real_now())
    r = t.idempotency_records
    q = delete(r).where(
        r.c.created_at <= now - RETENTION,
        or_(r.c.status_code.is_not(None), r.c.claimed_at <= now - CLAIM_TIMEOUT),
    )
    if api_key_id is not None:
        q = q.where(r.c.api_key_id == api_key_id, r.c.key == key)
    return conn.execute(q).rowcount
