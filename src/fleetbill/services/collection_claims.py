"""Which collecting process has an invoice (issue 11 items 3 and 5): a claim on its collection row,
written in a short transaction, so several processes (workers, the CLI, the console's "retry now")
take disjoint invoices, and an attempt one of them has in flight is never asked about by another
as if its outcome were unknown. A process that dies leaves its claims to lapse (claimed_until);
whoever claims the invoice next asks about its unresolved attempt with the same idempotency key.

On PostgreSQL the batch's candidates are locked with SKIP LOCKED, so two claimers never wait for
each other; on SQLite the one writer serializes them. Either way the UPDATE checks the claim again."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import ARRAY, ColumnElement, Connection, String, and_, any_, bindparam, func, or_, select, update

from ..adapters.db import schema_payments as p
from ..adapters.db.engine import Database
from ..domain.lifecycle import UNRESOLVED, CollectionState
from .timeline import Timeline


def among(conn: Connection, column, values) -> ColumnElement[bool]:
    """`column IN values`, for a batch's hundreds of ids: one array parameter on PostgreSQL
    (`= ANY`), rather than a parameter each to render, send and plan."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(list(values))


def claimant() -> str:
    """A name for this collecting run, unique among processes and runs: host, process, random."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _free(now: datetime):
    c = p.collections
    return or_(c.c.claimed_until.is_(None), c.c.claimed_until <= now)


def _to_collect(now: datetime, timeline: Timeline):
    """R15, R19: card invoices whose try is due now, and invoices with an attempt whose outcome is not known."""
    c, a = p.collections, p.payment_attempts
    due = and_(c.c.method == "card", c.c.state == CollectionState.COLLECTING, c.c.next_try_at <= now)
    unresolved = c.c.invoice_id.in_(select(a.c.invoice_id).where(a.c.outcome.in_(UNRESOLVED)))
    return and_(or_(due, unresolved), timeline.owns(c.c.account_id))


def count_to_collect(db: Database, now: datetime, timeline: Timeline) -> int:
    """How many invoices are due or unresolved now, claimed or not (for progress only)."""
    c = p.collections
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(c).where(_to_collect(now, timeline))).scalar())


def claim_batch(db: Database, now: datetime, me: str, size: int, lease: timedelta, timeline: Timeline) -> list[str]:
    """Claim up to `size` invoices to collect that no live claim holds, until now + lease; their ids."""
    c = p.collections
    free = _free(now)
    with db.transaction() as conn:
        q = select(c.c.invoice_id).where(_to_collect(now, timeline), free).order_by(c.c.next_try_at, c.c.invoice_id)
        q = q.limit(size)
        if conn.dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True, of=c)
        ids = list(conn.execute(q).scalars())
        if not ids:
            return []
        claimed = (
            update(c).where(among(conn, c.c.invoice_id, ids), free).values(claimed_by=me, claimed_until=now + lease)
        )
        return list(conn.execute(claimed.returning(c.c.invoice_id)).scalars())


def claim_invoice(db: Database, now: datetime, me: str, invoice_id: str, lease: timedelta) -> bool:
    """Claim one invoice's collection (the console's "retry now", a new card): False when another
    live claim holds it (that process is collecting it now) or it has no collection."""
    c = p.collections
    with db.transaction() as conn:
        claimed = update(c).where(c.c.invoice_id == invoice_id, _free(now))
        return bool(conn.execute(claimed.values(claimed_by=me, claimed_until=now + lease)).rowcount)


def still_mine(conn: Connection, me: str, invoice_ids: list[str]) -> set[str]:
    """Of `invoice_ids`, those this run's claim still holds (their rows locked until the transaction ends)."""
    c = p.collections
    q = select(c.c.invoice_id).where(among(conn, c.c.invoice_id, invoice_ids), c.c.claimed_by == me).with_for_update()
    return set(conn.execute(q).scalars())


def extend(conn: Connection, me: str, invoice_ids: list[str], until: datetime) -> None:
    """Keep this run's claim on invoices whose attempts are about to be in flight."""
    c = p.collections
    conn.execute(
        update(c).where(among(conn, c.c.invoice_id, invoice_ids), c.c.claimed_by == me).values(claimed_until=until)
    )


def release(db: Database, me: str, invoice_ids: list[str] | None = None) -> None:
    """Let go of this run's claims (all of them, or those on `invoice_ids`)."""
    c = p.collections
    mine = c.c.claimed_by == me
    if invoice_ids is not None:
        mine = and_(mine, c.c.invoice_id.in_(invoice_ids))
    with db.transaction() as conn:
        conn.execute(update(c).where(mine).values(claimed_by=None, claimed_until=None))
