"""Money received for an invoice, by card or by transfer, whole or in part (R17, R18): one use
case for both, which records the payment and says what happened (R22); what follows from an
invoice paid (the upgrade it bought starts, a suspension it settles is lifted) reacts to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from ..adapters.db import payments_repo as pay
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import InvoiceState, owed
from .event_payloads import invoice_ref
from .reactions import emit


def receive_payment(
    conn: Connection,
    now: datetime,
    invoice,
    method: str,
    amount: int,
    reference: str,
    actor: str,
    attempt_id: str | None = None,
    overpaid: int = 0,
) -> bool:
    """Record `amount` received for `invoice` (its row, locked by the caller); True if that pays it."""
    paid = pay.record_payment(conn, invoice, method, amount, reference, actor, now, attempt_id=attempt_id)
    left = max(0, owed(invoice.amount_due, invoice.amount_credited, pay.amount_received(conn, invoice.id)))
    received = dict(
        invoice=invoice_ref(invoice),
        amount=amount,
        method=method,
        reference=reference,
        left_to_pay=left,
        paid=paid,
        overpaid=overpaid,
        actor=actor,
    )
    events = [NewEvent(EventType.PAYMENT_RECEIVED, invoice.account_id, received)]
    if paid and invoice.status != InvoiceState.PAID:  # a late success on an invoice paid meanwhile pays nothing new
        done = dict(
            invoice=invoice_ref(invoice) | {"status": InvoiceState.PAID.value}, method=method, paid_at=now, actor=actor
        )
        events.append(NewEvent(EventType.INVOICE_PAID, invoice.account_id, done))
    emit(conn, now, *events)
    return paid
