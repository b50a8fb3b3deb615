"""After the close (R15): every finalized invoice with something left to pay starts its collection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, insert, select

from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..domain.periods import BillingMonth


def bank_transfer_due(issued_at: datetime, billing_month: int | None, tz: str) -> datetime:
    """R18: a bank-transfer invoice is due at the end of the month after its billing month (for a
    purchase invoice, the month after it was issued), in the account's time zone."""
    month = BillingMonth(billing_month) if billing_month is not None else BillingMonth.containing(issued_at, tz)
    return month.next().end(tz)


def open_collections(conn: Connection, now: datetime) -> int:
    """Set-based: card invoices are due for their first try now; bank-transfer ones get a due date."""
    inv, a, bs, c = t.invoices, t.accounts, p.billing_settings, p.collections
    method = select(bs.c.collection_method).where(bs.c.account_id == inv.c.account_id).scalar_subquery()
    pending = and_(
        inv.c.status == "open", inv.c.amount_due > 0, ~select(c.c.invoice_id).where(c.c.invoice_id == inv.c.id).exists()
    )
    rows = conn.execute(
        select(inv.c.id, inv.c.account_id, inv.c.issued_at, inv.c.billing_month, a.c.timezone, method.label("method"))
        .join(a, a.c.id == inv.c.account_id)
        .where(pending)
    ).all()
    if not rows:
        return 0
    conn.execute(
        insert(c),
        [
            dict(
                invoice_id=r.id,
                account_id=r.account_id,
                method=r.method or "card",
                state="collecting",
                tries_made=0,
                first_try_at=None,
                next_try_at=now if (r.method or "card") == "card" else None,
                due_at=bank_transfer_due(r.issued_at, r.billing_month, r.timezone)
                if r.method == "bank_transfer"
                else None,
                reminders_sent=0,
            )
            for r in rows
        ],
    )
    return len(rows)
