"""Reading and writing cards, collections, attempts and payments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from ...domain.cards import Card
from ...domain.credit_notes import RefundState
from ...domain.lifecycle import CollectionState, InvoiceState, settled, sources
from . import schema as t
from . import schema_credit_notes as cn
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
    """What was received for the invoice and kept: its payments less the refunds sent or being
    sent back (R15; a refund the gateway refused is still owed, so it counts as kept)."""
    received = select(func.coalesce(func.sum(p.payments.c.amount), 0)).where(p.payments.c.invoice_id == invoice_id)
    r = cn.refunds
    returned = select(func.coalesce(func.sum(r.c.amount), 0)).where(
        r.c.invoice_id == invoice_id, r.c.state != RefundState.FAILED
    )
    return int(conn.execute(received).scalar()) - int(conn.execute(returned).scalar())


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
    """Add a payment; marks the invoice and its collection paid once it covers what is owed. True
    if this payment made it paid (False while something is left, or if it was not open)."""
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
    if not settled(invoice.amount_due, invoice.amount_credited, amount_received(conn, invoice.id)):
        return False
    inv, c = t.invoices, p.collections
    paid = InvoiceState.PAID
    became = conn.execute(
        update(inv).where(inv.c.id == invoice.id, inv.c.status.in_(sources(paid))).values(status=paid)
    )
    if not became.rowcount:
        # Paid, void or credited already: this money was not owed. It stays on the record, kept
        # beyond what the invoice asks, for a refund to send back (R15: services/refunds).
        return False
    conn.execute(
        update(c)
        .where(c.c.invoice_id == invoice.id, c.c.state.in_(sources(CollectionState.PAID)))
        .values(state=CollectionState.PAID, next_try_at=None)
    )
    return True


def cancel_collection(conn: Connection, invoice_id: str) -> None:
    """Nothing is left to collect on the invoice (voided, credited, written off): no more tries."""
    c, cancelled = p.collections, CollectionState.CANCELLED
    conn.execute(
        update(c)
        .where(c.c.invoice_id == invoice_id, c.c.state.in_(sources(cancelled)))
        .values(state=cancelled, next_try_at=None)
    )


def open_suspension(conn: Connection, account_id: str):
    s = p.suspensions
    return conn.execute(
        select(s).where(s.c.account_id == account_id, s.c.lifted_at.is_(None)).order_by(s.c.suspended_at)
    ).first()
