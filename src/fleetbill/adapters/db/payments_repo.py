"""Reading and writing cards, collections, attempts and payments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from ...domain.cards import Card
from . import schema as t
from . import schema_payments as p
from .audit import audit


def load_cards(conn: Connection, account_id: str, *, lock: bool = False) -> list[Card]:
    """The cards on file (not removed), default first."""
    # The account's zone rides along: a card's expiry month is read in it (R19).
    zone = select(t.accounts.c.timezone).where(t.accounts.c.id == account_id).scalar_subquery()
    q = (
        select(p.cards, zone.label("account_timezone"))
        .where(p.cards.c.account_id == account_id, p.cards.c.removed_at.is_(None))
        .order_by(p.cards.c.is_default.desc(), p.cards.c.added_at)
    )
    if lock:
        q = q.with_for_update()
    return [
        Card(r.id, r.account_id, r.token, r.brand, r.last4, r.exp_month, r.exp_year, r.is_default, r.account_timezone)
        for r in conn.execute(q)
    ]


def billing_settings(conn: Connection, account_id: str):
    return conn.execute(select(p.billing_settings).where(p.billing_settings.c.account_id == account_id)).first()


def collection_method(conn: Connection, account_id: str) -> str:
    row = billing_settings(conn, account_id)
    return row.collection_method if row else "card"


def amount_received(conn: Connection, invoice_id: str) -> int:
    return int(
        conn.execute(
            select(func.coalesce(func.sum(p.payments.c.amount), 0)).where(p.payments.c.invoice_id == invoice_id)
        ).scalar()
    )


def record_payment(
    conn: Connection,
    invoice,
    method: str,
    amount: int,
    reference: str,
    actor: str,
    now: datetime,
    attempt_id: str | None = None,
) -> bool:
    """Add a payment; marks the invoice and its collection paid once fully paid. True if paid."""
    conn.execute(
        insert(p.payments),
        dict(
            invoice_id=invoice.id,
            account_id=invoice.account_id,
            method=method,
            amount=amount,
            reference=reference,
            attempt_id=attempt_id,
            actor=actor,
            received_at=now,
        ),
    )
    audit(
        conn,
        now,
        actor,
        "payment.received",
        account_id=invoice.account_id,
        subject=invoice.number,
        amount=amount,
        currency=invoice.currency,
        method=method,
        reference=reference,
    )
    if amount_received(conn, invoice.id) < invoice.amount_due:
        return False
    conn.execute(update(t.invoices).where(t.invoices.c.id == invoice.id).values(status="paid"))
    conn.execute(
        update(p.collections).where(p.collections.c.invoice_id == invoice.id).values(state="paid", next_try_at=None)
    )
    return True


def open_suspension(conn: Connection, account_id: str):
    s = p.suspensions
    return conn.execute(
        select(s).where(s.c.account_id == account_id, s.c.lifted_at.is_(None)).order_by(s.c.suspended_at)
    ).first()
