"""After the close (R15): every finalized invoice with something left to pay starts its collection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, func, insert, literal, null, select
from sqlalchemy.dialects import postgresql, sqlite

from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db.schema import UTCDateTime
from ..domain.lifecycle import CollectionState, InvoiceState
from ..domain.periods import BillingMonth


def bank_transfer_due(issued_at: datetime, billing_month: int | None, tz: str) -> datetime:
    """R18: a bank-transfer invoice is due at the end of the month after its billing month (for a
    purchase invoice, the month after it was issued), in the account's time zone."""
    month = BillingMonth(billing_month) if billing_month is not None else BillingMonth.containing(issued_at, tz)
    return month.next().end(tz)


def open_collections(conn: Connection, now: datetime, invoices: ColumnElement[bool]) -> int:
    """R15: the `invoices` (a condition on t.invoices) that are open with something left to pay
    and no collection yet get one, in the transaction that finalized them: card invoices are due
    for their first try now (one INSERT ... SELECT for all of them), bank-transfer ones get their
    due date in their account's zone (R18). Idempotent."""
    inv, a, bs, c = t.invoices, t.accounts, p.billing_settings, p.collections
    method = func.coalesce(
        select(bs.c.collection_method).where(bs.c.account_id == inv.c.account_id).scalar_subquery(), "card"
    )
    to_pay = and_(invoices, inv.c.status == InvoiceState.OPEN, inv.c.amount_due > 0)
    cards = select(
        inv.c.id,
        inv.c.account_id,
        literal("card"),
        literal(CollectionState.COLLECTING.value),
        literal(0),
        null(),
        literal(now, UTCDateTime()),
        null(),
        literal(0),
    ).where(to_pay, method == "card")
    columns = ["invoice_id", "account_id", "method", "state", "tries_made", "first_try_at", "next_try_at"]
    columns += ["due_at", "reminders_sent"]
    # An invoice that has its collection already is skipped by its primary key, not by NOT EXISTS:
    # on the rows this statement adds, a planner that believes the table empty (a first close)
    # re-reads the table for every invoice, 100,000 times (28 s of a 39 s close).
    add = _insert(conn)(c).from_select(columns, cards).on_conflict_do_nothing(index_elements=["invoice_id"])
    opened = len(conn.execute(add.returning(c.c.invoice_id)).all())
    transfers = conn.execute(
        select(inv.c.id, inv.c.account_id, inv.c.issued_at, inv.c.billing_month, a.c.timezone)
        .join(a, a.c.id == inv.c.account_id)
        .where(to_pay, method == "bank_transfer", ~select(c.c.invoice_id).where(c.c.invoice_id == inv.c.id).exists())
    ).all()
    if transfers:
        conn.execute(
            insert(c),
            [
                dict(
                    invoice_id=r.id,
                    account_id=r.account_id,
                    method="bank_transfer",
                    state=CollectionState.COLLECTING.value,
                    tries_made=0,
                    first_try_at=None,
                    next_try_at=None,
                    due_at=bank_transfer_due(r.issued_at, r.billing_month, r.timezone),
                    reminders_sent=0,
                )
                for r in transfers
            ],
        )
    return opened + len(transfers)


def _insert(conn: Connection):
    """The dialect's INSERT, which has ON CONFLICT DO NOTHING."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
