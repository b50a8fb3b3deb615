"""Credit points (R16): grants, the ledger, the balance, and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.audit import audit
from ..domain.catalog import has_visible_character
from ..domain.errors import InvalidInput
from ..domain.events import EventType, NewEvent
from ..domain.points import usable_balance
from .events import record
from .timeline import SERVER, Timeline


def grant_points(
    conn: Connection,
    now: datetime,
    account_id: str,
    amount: int,
    reason: str,
    actor: str,
    expires_at: datetime | None = None,
) -> dict:
    account = repo.get_account(conn, account_id)
    if amount <= 0:
        raise InvalidInput(f"amount must be a positive number of points, not {amount}")
    if not has_visible_character(reason):
        raise InvalidInput("reason must say why the points are granted (in visible characters)")
    if len(reason.strip()) > 300:
        raise InvalidInput(f"reason must fit in 300 characters, not {len(reason.strip())}")
    if expires_at is not None and expires_at <= now:
        raise InvalidInput(f"expires_at {expires_at.isoformat()} is not in the future")
    grant = dict(
        id=repo.new_id(),
        account_id=account.id,
        amount=amount,
        reason=reason.strip(),
        granted_at=now,
        expires_at=expires_at,
        actor=actor,
    )
    conn.execute(insert(t.point_grants), grant)
    audit(
        conn,
        now,
        actor,
        "points.granted",
        account_id=account.id,
        amount=amount,
        currency=account.currency,
        reason=grant["reason"],
        expires_at=expires_at,
        grant=grant["id"],
    )
    conn.execute(
        insert(t.point_entries),
        dict(
            account_id=account.id, grant_id=grant["id"], kind="grant", amount=amount, invoice_id=None, effective_at=now
        ),
    )
    granted = {k: grant[k] for k in ("id", "amount", "reason", "granted_at", "expires_at", "actor")}
    record(conn, now, NewEvent(EventType.POINTS_GRANTED, account.id, {"grant": granted}))  # NOTE: R22
    return grant


@dataclass(frozen=True)
class PointsView:
    balance: int  # usable now
    ledger: list[dict]


def points_view(conn: Connection, now: datetime, account_id: str) -> PointsView:
    account = repo.get_account(conn, account_id)
    grants = repo.load_open_grants(conn, t.point_grants.c.account_id == account.id).get(account.id, [])
    e, g = t.point_entries, t.point_grants
    rows = conn.execute(
        select(e.c.id, e.c.kind, e.c.amount, e.c.grant_id, e.c.invoice_id, e.c.effective_at, g.c.reason, g.c.expires_at)
        .join(g, g.c.id == e.c.grant_id)
        .where(e.c.account_id == account.id)
        .order_by(e.c.effective_at, e.c.id)
    )
    return PointsView(usable_balance(grants, now), [dict(r._mapping) for r in rows])


def expire_points(conn: Connection, now: datetime, timeline: Timeline = SERVER) -> int:
    """R16: write an expiry entry for what is left of every grant of the timeline's accounts whose
    expiry has passed."""
    repo.lock_issuer(conn, repo.DEFAULT_ISSUER)  # never at the same time as a close uses points
    g, e = t.point_grants, t.point_entries
    remaining = func.sum(e.c.amount)
    rows = conn.execute(
        select(g.c.id, g.c.account_id, g.c.expires_at, remaining.label("remaining"))
        .join(e, e.c.grant_id == g.c.id)
        .where(and_(g.c.expires_at.is_not(None), g.c.expires_at <= now), timeline.owns(g.c.account_id))
        .group_by(g.c.id, g.c.account_id, g.c.expires_at)
        .having(remaining > 0)
    ).all()
    if rows:
        conn.execute(
            insert(e),
            [
                dict(
                    account_id=r.account_id,
                    grant_id=r.id,
                    kind="expire",
                    amount=-int(r.remaining),
                    invoice_id=None,
                    effective_at=r.expires_at,
                )
                for r in rows
            ],
        )
        for r in rows:
            audit(conn, now, "worker", "points.expired", account_id=r.account_id, amount=-int(r.remaining), grant=r.id)
        record(conn, now, *(_expired(r) for r in rows))
    return sum(int(r.remaining) for r in rows)


def _expired(row) -> NewEvent:
    """points.expired for what was left of a grant (R16, R22)."""
    left = dict(grant_id=row.id, amount=int(row.remaining), expired_at=row.expires_at)
    return NewEvent(EventType.POINTS_EXPIRED, row.account_id, left)
