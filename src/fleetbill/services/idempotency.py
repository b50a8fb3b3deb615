"""Retry-safe requests (Idempotency-Key): a key is claimed before its request runs, completed with
the response after, and kept for a day; a claim left by a crash is taken over after a timeout."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, insert, or_, select, update

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
    """Claim `key` for a request (its `fingerprint`), or say who has it. A concurrent first claim
    raises IntegrityError (the unique key): the caller claims again in a new transaction."""
    now = real_now()
    purge_idempotency_records(conn, now, api_key_id, key)  # an expired key is a new request
    r = t.idempotency_records
    row = conn.execute(select(r).where(r.c.api_key_id == api_key_id, r.c.key == key)).first()
    if row is None:
        token = str(uuid.uuid4())
        conn.execute(
            insert(r),
            dict(
                api_key_id=api_key_id,
                key=key,
                request_fingerprint=fingerprint,
                created_at=now,
                claimed_at=now,
                claim_token=token,
            ),
        )
        return Claimed(token)
    if row.request_fingerprint != fingerprint:
        raise _different_request(key)
    if row.status_code is not None:
        return Stored(row.status_code, row.response_body)
    if row.claimed_at > now - CLAIM_TIMEOUT:
        return InProgress(row.claimed_at)
    token = str(uuid.uuid4())  # the request that claimed it died: take it over, if no one did first
    taken = conn.execute(
        update(r)
        .where(r.c.id == row.id, r.c.claim_token == row.claim_token, r.c.status_code.is_(None))
        .values(claimed_at=now, claim_token=token)
    ).rowcount
    return Claimed(token) if taken else InProgress(now)


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
