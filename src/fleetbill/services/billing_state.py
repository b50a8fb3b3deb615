"""R10, R19: where accounts stand (domain.billing_state), read in four queries however many
accounts: the one function the entitlements API, the console and the billing page all call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, exists, false, func, or_, select

from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..domain.billing_state import AccountBillingState, Late, billing_state
from ..domain.errors import NotFound
from ..domain.lifecycle import CollectionState, InvoiceState


def _suspensions(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, datetime]]:
    """Each account's oldest open suspension: (the unpaid invoice's number, since when)."""
    s, inv = p.suspensions, t.invoices
    rows = conn.execute(
        select(s.c.account_id, inv.c.number, s.c.suspended_at)
        .join(inv, inv.c.id == s.c.invoice_id)
        .where(s.c.account_id.in_(ids), s.c.lifted_at.is_(None))
        .order_by(s.c.suspended_at.desc())
    )
    return {a: (number, at) for a, number, at in rows}  # the oldest wins: rows come newest first


def _awaiting_purchases(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """R10: each account's open purchase invoice for its plan, not an upgrade's (an upgrade keeps
    the old plan on until it is paid), by number; whether it holds the features back depends on
    how the account pays."""
    inv, pc = t.invoices, p.plan_changes
    rows = conn.execute(
        select(inv.c.account_id, inv.c.number)
        .where(
            inv.c.account_id.in_(ids),
            inv.c.kind == "purchase",
            inv.c.status == InvoiceState.OPEN,
            ~exists().where(pc.c.purchase_invoice_id == inv.c.id),
        )
        .order_by(inv.c.sequence.desc())
    )
    return {a: number for a, number in rows}


def _late(conn: Connection, now: datetime | None, ids: Sequence[str]) -> dict[str, Late]:
    """R18, R19: each account's oldest invoice still being collected whose card try failed, or
    whose transfer is past its due date (not looked for without `now`)."""
    c, inv = p.collections, t.invoices
    failed_try = and_(c.c.method == "card", c.c.tries_made > 0)
    overdue = and_(c.c.method == "bank_transfer", c.c.due_at < now) if now is not None else false()
    rows = conn.execute(
        select(c.c.account_id, inv.c.number, c.c.method, c.c.next_try_at, c.c.due_at)
        .join(inv, inv.c.id == c.c.invoice_id)
        .where(c.c.account_id.in_(ids), c.c.state == CollectionState.COLLECTING, or_(failed_try, overdue))
        .order_by(inv.c.sequence.desc())
    )
    return {
        r.account_id: Late(r.number, r.method == "bank_transfer", r.next_try_at, r.due_at) for r in rows
    }  # the oldest wins


def billing_states(
    conn: Connection, now: datetime | None, account_ids: Sequence[str]
) -> dict[str, AccountBillingState]:
    """Each account's billing state at `now` (accounts that do not exist are left out)."""
    ids = list(dict.fromkeys(account_ids))
    a, bs = t.accounts, p.billing_settings
    method = func.coalesce(bs.c.collection_method, "card")
    accounts = conn.execute(
        select(a.c.id, a.c.timezone, method.label("method"))
        .outerjoin(bs, bs.c.account_id == a.c.id)
        .where(a.c.id.in_(ids))
    ).all()
    suspensions, purchases, late = _suspensions(conn, ids), _awaiting_purchases(conn, ids), _late(conn, now, ids)
    return {
        r.id: billing_state(
            timezone=r.timezone,
            by_transfer=r.method == "bank_transfer",
            suspended=suspensions.get(r.id),
            # NOTE: R10 a purchase paid by transfer is accepted at once; a card one starts on payment
            awaiting_purchase=purchases.get(r.id) if r.method == "card" else None,
            late=late.get(r.id),
        )
        for r in accounts
    }


def account_billing_state(conn: Connection, now: datetime | None, account_id: str) -> AccountBillingState:
    """One account's billing state at `now`."""
    found = billing_states(conn, now, [account_id]).get(account_id)
    if found is None:
        raise NotFound(f"no account {account_id}")
    return found
