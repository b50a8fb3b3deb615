"""Money going back (R15): the refunds a credit note frees, and money an invoice kept beyond what
it asks for (an overpayment, a charge that succeeded after a credit note voided it, a refund the
gateway refused). By card (sent to the gateway after the commit, idempotent by key, an unknown
answer asked again, never sent twice), as credit points, or by a bank transfer the operator
records. The use cases the API, the console and the worker call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_credit_notes as cn
from ..adapters.db import schema_payments as p
from ..adapters.db.audit import audit
from ..adapters.db.engine import Database
from ..adapters.db.views_credit_notes import refunds_view
from ..adapters.gateway.port import ChargeOutcome, PaymentGateway, RefundRequest
from ..domain.credit_notes import RefundMethod, RefundState, refundable
from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import UNRESOLVED
from .points import grant_points
from .reactions import emit


@dataclass(frozen=True, slots=True)
class Refunding:
    """How the money a credit note frees goes back, when some was received (R15)."""

    method: RefundMethod | None = None
    reference: str = ""  # bank_transfer: the operator's reference of the transfer it sent


def lock_invoice_to_correct(conn: Connection, invoice_id: str):
    """The invoice's row, locked (as a charge and a transfer lock it first), or why it cannot be
    corrected now: a card charge awaiting the gateway's answer may still take money for it."""
    invoice = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id).with_for_update()).first()
    if invoice is None:
        raise NotFound(f"no invoice {invoice_id}")
    a = p.payment_attempts
    if conn.execute(select(a.c.id).where(a.c.invoice_id == invoice.id, a.c.outcome.in_(UNRESOLVED))).first():
        raise Conflict(
            f"a card charge for {invoice.number} is awaiting the gateway's answer; try again after the next "
            "collection run has resolved it"
        )
    return invoice


@dataclass(frozen=True, slots=True)
class _PlannedRefund:
    method: RefundMethod
    amount: int
    reference: str
    charges: tuple[tuple[str, int], ...] = ()  # card: (charge reference, amount) to refund from each


def plan_refund(conn: Connection, invoice, due: int, refunding: Refunding) -> _PlannedRefund | None:
    """R15: what goes back, and how; InvalidInput when money is freed and no way back was chosen."""
    if due <= 0:
        return None
    if refunding.method is None:
        raise InvalidInput(
            f"{due:,} {invoice.currency} received on {invoice.number} goes back with this credit note: "
            "say how in `refund_method`: card (to the card that paid), points, or bank_transfer (with its reference)"
        )
    reference = refunding.reference.strip()
    if refunding.method is RefundMethod.BANK_TRANSFER and not reference:
        raise InvalidInput("refund_reference: name the bank transfer that sends the money back")
    if refunding.method is not RefundMethod.BANK_TRANSFER and reference:
        raise InvalidInput("refund_reference: only a bank_transfer refund takes a reference; leave it out")
    if len(reference) > 200:
        raise InvalidInput(f"refund_reference must fit in 200 characters, not {len(reference)}")
    if refunding.method is not RefundMethod.CARD:
        return _PlannedRefund(refunding.method, due, reference)
    return _PlannedRefund(RefundMethod.CARD, due, reference, _card_sources(conn, invoice, due))


def _card_sources(conn: Connection, invoice, due: int) -> tuple[tuple[str, int], ...]:
    """The card charges the refund is taken from, newest first, each at most what is left of it."""
    pm, r = p.payments, cn.refunds
    charges = conn.execute(
        select(pm.c.reference, pm.c.amount)
        .where(pm.c.invoice_id == invoice.id, pm.c.method == "card", pm.c.amount > 0)
        .order_by(pm.c.received_at.desc())
    ).all()
    refunded = dict(
        conn.execute(
            select(r.c.payment_reference, func.sum(r.c.amount))
            .where(r.c.invoice_id == invoice.id, r.c.method == RefundMethod.CARD, r.c.state != RefundState.FAILED)
            .group_by(r.c.payment_reference)
        ).all()
    )
    plan, left = [], due
    for reference, amount in charges:
        take = min(left, amount - int(refunded.get(reference) or 0))
        if take > 0:
            plan.append((reference, take))
            left -= take
    if left > 0:
        raise InvalidInput(
            f"the cards that paid {invoice.number} can take back {due - left:,} {invoice.currency} of {due:,}: "
            "choose points or bank_transfer for this credit note"
        )
    return tuple(plan)


def record_refund(
    conn: Connection, now: datetime, invoice, note_id: str | None, subject: str, plan: _PlannedRefund, actor: str
) -> list[str]:
    """The refund's rows (one per card charge it comes from), each with its own idempotency key:
    a card's is sent to the gateway after the commit; points are granted and a bank transfer
    recorded at once."""
    rows = []
    if plan.method is RefundMethod.CARD:
        rows = [(amount, RefundState.PENDING, charge, None) for charge, amount in plan.charges]
    else:
        rows = [(plan.amount, RefundState.SUCCEEDED, None, plan.reference or None)]
        if plan.method is RefundMethod.POINTS:
            grant_points(conn, now, invoice.account_id, plan.amount, f"refund: {subject}", actor)
    ids = []
    for amount, state, charge, reference in rows:
        ids.append(repo.new_id())
        conn.execute(
            insert(cn.refunds),
            dict(
                id=ids[-1],
                invoice_id=invoice.id,
                credit_note_id=note_id,
                account_id=invoice.account_id,
                method=plan.method.value,
                amount=amount,
                currency=invoice.currency,
                state=state.value,
                payment_reference=charge,
                reference=reference,
                idempotency_key=f"refund:{ids[-1]}",
                actor=actor,
                created_at=now,
                resolved_at=None if state is RefundState.PENDING else now,
            ),
        )
    audit(
        conn,
        now,
        actor,
        "refund.recorded",
        account_id=invoice.account_id,
        subject=subject,
        amount=-plan.amount,
        currency=invoice.currency,
        method=plan.method.value,
    )
    return ids


def refund_kept(conn: Connection, now: datetime, invoice_id: str, refunding: Refunding, actor: str) -> list[dict]:
    """R15: send back what the invoice kept beyond what it asks for after its credits: an
    overpayment (two payments crossed), a charge that succeeded after a credit note voided the
    invoice, or a refund the gateway refused. The refunds recorded (a card's is sent after)."""
    invoice = lock_invoice_to_correct(conn, invoice_id)
    due = refundable(invoice.amount_due, invoice.amount_credited, pay.amount_received(conn, invoice.id))
    if due <= 0:
        raise InvalidInput(
            f"invoice {invoice.number} keeps nothing beyond what it asks for: there is nothing to refund"
        )
    plan = plan_refund(conn, invoice, due, refunding)
    assert plan is not None  # due > 0
    ids = record_refund(conn, now, invoice, None, invoice.number, plan, actor)
    return refunds_view(conn, cn.refunds.c.id.in_(ids))


def send_card_refunds(db: Database, gateway: PaymentGateway, now: datetime, invoice_id: str | None = None) -> int:
    """Ask the gateway for every card refund not answered yet (pending or unknown), each with its
    own idempotency key: a lost answer is asked again and the money is never sent twice. The
    number of refunds that succeeded."""
    r = cn.refunds
    open_states = [RefundState.PENDING.value, RefundState.UNKNOWN.value]
    with db.read() as conn:
        q = select(r).where(r.c.method == RefundMethod.CARD, r.c.state.in_(open_states))
        if invoice_id is not None:
            q = q.where(r.c.invoice_id == invoice_id)
        todo = conn.execute(q.order_by(r.c.created_at, r.c.id)).all()
    done = 0
    for refund in todo:
        result = gateway.refund(
            RefundRequest(refund.payment_reference, refund.amount, refund.currency, refund.idempotency_key)
        )
        state = {
            ChargeOutcome.SUCCEEDED: RefundState.SUCCEEDED,
            ChargeOutcome.DECLINED: RefundState.FAILED,
            ChargeOutcome.UNKNOWN: RefundState.UNKNOWN,
        }[result.outcome]
        with db.transaction() as conn:
            changed = conn.execute(
                update(r)
                .where(r.c.id == refund.id, r.c.state.in_(open_states))
                .values(
                    state=state.value,
                    reference=result.reference,
                    code=result.code,
                    message=result.message,
                    resolved_at=None if state is RefundState.UNKNOWN else now,
                )
            ).rowcount
            if changed and state is RefundState.SUCCEEDED:
                done += 1
                sent = dict(
                    refund_id=refund.id, invoice_id=refund.invoice_id, amount=refund.amount, reference=result.reference
                )
                emit(conn, now, NewEvent(EventType.REFUND_SUCCEEDED, refund.account_id, sent | {"method": "card"}))
    return done
