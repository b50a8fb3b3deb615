"""Write an invoice off (uncollectible): the operator stops pursuing it. Its collection ends and a
suspension it caused is lifted; the debt stays on record, and a transfer received later still pays
it (R18). The use case the API and the console call."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from ..adapters.db import payments_repo as pay
from ..adapters.db import schema as t
from ..adapters.db.audit import audit
from ..domain.catalog import has_visible_character
from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import InvoiceState, can_move
from .event_payloads import invoice_ref
from .reactions import emit


def write_off(conn: Connection, now: datetime, invoice_id: str, reason: str, actor: str) -> dict:
    if not has_visible_character(reason) or len(reason.strip()) > 300:
        raise InvalidInput("reason: say why the invoice is written off, in 1 to 300 characters")
    invoice = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id).with_for_update()).first()
    if invoice is None:
        raise NotFound(f"no invoice {invoice_id}")
    status = InvoiceState(invoice.status)
    if not can_move(status, InvoiceState.UNCOLLECTIBLE):
        raise Conflict(f"invoice {invoice.number} is {status}: only an open invoice can be written off")
    inv = t.invoices
    conn.execute(
        update(inv)
        .where(inv.c.id == invoice.id, inv.c.status == status.value)
        .values(status=InvoiceState.UNCOLLECTIBLE.value)
    )
    pay.cancel_collection(conn, invoice.id)
    left = invoice.amount_due - invoice.amount_credited - pay.amount_received(conn, invoice.id)
    audit(
        conn,
        now,
        actor,
        "invoice.written_off",
        account_id=invoice.account_id,
        subject=invoice.number,
        amount=-left,
        currency=invoice.currency,
        reason=reason.strip(),
    )
    ref = invoice_ref(invoice) | {"status": InvoiceState.UNCOLLECTIBLE.value}
    payload = dict(invoice=ref, amount_left=left, reason=reason.strip(), actor=actor)
    emit(conn, now, NewEvent(EventType.INVOICE_MARKED_UNCOLLECTIBLE, invoice.account_id, payload))
    return dict(invoice_id=invoice.id, status=InvoiceState.UNCOLLECTIBLE.value, amount_left=left)
