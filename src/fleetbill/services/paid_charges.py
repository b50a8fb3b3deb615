"""Card charges that paid their invoices, recorded together (issue 11 item 3; R16-R18, R22): the
common case of a collection batch, set-based, with the same rows and events as record_outcome and
receive_payment write one invoice at a time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, insert, select, update

from ..adapters.db import schema as t
from ..adapters.db import schema_credit_notes as cn
from ..adapters.db import schema_payments as p
from ..adapters.db.audit import audit_many
from ..domain.credit_notes import RefundState
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import AttemptOutcome, CollectionState, InvoiceState, owed, sources
from .collection_claims import among
from .event_payloads import invoice_ref
from .events import record


def amounts_received(conn: Connection, ids: list[str]) -> dict[str, int]:
    """What was received for each invoice and kept (payments_repo.amount_received, for many)."""
    pm, r = p.payments, cn.refunds
    got = conn.execute(
        select(pm.c.invoice_id, func.sum(pm.c.amount))
        .where(among(conn, pm.c.invoice_id, ids))
        .group_by(pm.c.invoice_id)
    ).all()
    back = conn.execute(
        select(r.c.invoice_id, func.sum(r.c.amount))
        .where(among(conn, r.c.invoice_id, ids), r.c.state != RefundState.FAILED)
        .group_by(r.c.invoice_id)
    ).all()
    received: dict[str, int] = defaultdict(int)
    for invoice_id, amount in got:
        received[invoice_id] += int(amount)
    for invoice_id, amount in back:
        received[invoice_id] -= int(amount)
    return received


def record_paid_charges(conn: Connection, now: datetime, answered, report) -> set[str]:
    """The common case set-based: charges that paid exactly what their open invoice still owed, of
    accounts with no suspension to lift and no upgrade to start (else record_outcome, one by one,
    runs the reactions). The same rows and events as record_outcome and receive_payment: the
    attempt succeeded, a payment and its audit row, the invoice and its collection paid,
    payment.received and invoice.paid (R17, R22). The attempts recorded here (their ids)."""
    if not answered:
        return set()
    inv, a, s, pc = t.invoices, p.payment_attempts, p.suspensions, p.plan_changes
    ids = [attempt["invoice_id"] for (_, attempt), _ in answered]
    invoices = {
        r.id: r
        for r in conn.execute(select(inv).where(among(conn, inv.c.id, ids)).order_by(inv.c.id).with_for_update())
    }
    received = amounts_received(conn, ids)
    accounts = {r.account_id for r in invoices.values()}
    suspended = set(
        conn.execute(
            select(s.c.account_id).where(among(conn, s.c.account_id, accounts), s.c.lifted_at.is_(None))
        ).scalars()
    )
    upgrades = set(
        conn.execute(select(pc.c.purchase_invoice_id).where(among(conn, pc.c.purchase_invoice_id, ids))).scalars()
    )
    plain = {
        attempt["id"]: (attempt, result, invoices[attempt["invoice_id"]])
        for (_, attempt), result in answered
        if (invoice := invoices[attempt["invoice_id"]]).status == InvoiceState.OPEN
        and invoice.kind != "purchase"
        and invoice.account_id not in suspended
        and invoice.id not in upgrades
        and owed(invoice.amount_due, invoice.amount_credited, received[invoice.id]) == attempt["amount"]
    }
    if not plain:
        return set()
    succeeded = AttemptOutcome.SUCCEEDED
    changed = set(
        conn.execute(
            update(a)
            .where(among(conn, a.c.id, plain), a.c.outcome.in_(sources(succeeded)))
            .values(outcome=succeeded.value, resolved_at=now)
            .returning(a.c.id)
        ).scalars()
    )
    if not changed:
        return set(plain)  # recorded already elsewhere: nothing more, as record_outcome does
    done = [plain[i] for i in sorted(changed)]
    conn.execute(
        update(a)
        .where(a.c.id == bindparam("b_id"))
        .values(code=bindparam("b_code"), message=bindparam("b_message"), reference=bindparam("b_reference")),
        [dict(b_id=at["id"], b_code=r.code, b_message=r.message, b_reference=r.reference) for at, r, _ in done],
    )
    payments = [
        dict(
            invoice_id=invoice.id,
            account_id=invoice.account_id,
            method="card",
            amount=attempt["amount"],
            reference=result.reference or attempt["idempotency_key"],
            attempt_id=attempt["id"],
            actor="gateway",
            received_at=now,
        )
        for attempt, result, invoice in done
    ]
    conn.execute(insert(p.payments), payments)
    audit_many(
        conn,
        now,
        "gateway",
        "payment.received",
        [
            dict(
                account_id=invoice.account_id,
                subject=invoice.number,
                amount=attempt["amount"],
                currency=invoice.currency,
                method="card",
                reference=pm["reference"],
            )
            for (attempt, _, invoice), pm in zip(done, payments, strict=True)
        ],
    )
    paid_ids = [invoice.id for _, _, invoice in done]
    paid, c = InvoiceState.PAID, p.collections
    conn.execute(
        update(inv).where(among(conn, inv.c.id, paid_ids), inv.c.status.in_(sources(paid))).values(status=paid)
    )
    conn.execute(
        update(c)
        .where(among(conn, c.c.invoice_id, paid_ids), c.c.state.in_(sources(CollectionState.PAID)))
        .values(state=CollectionState.PAID, next_try_at=None)
    )
    events = []
    for (attempt, _, invoice), pm in zip(done, payments, strict=True):
        ref = invoice_ref(invoice)
        received_ = dict(
            invoice=ref,
            amount=attempt["amount"],
            method="card",
            reference=pm["reference"],
            left_to_pay=0,
            paid=True,
            overpaid=0,
            actor="gateway",
        )
        events.append(NewEvent(EventType.PAYMENT_RECEIVED, invoice.account_id, received_))
        done_ = dict(invoice=ref | {"status": paid.value}, method="card", paid_at=now, actor="gateway")
        events.append(NewEvent(EventType.INVOICE_PAID, invoice.account_id, done_))
    record(conn, now, *events)
    report.paid.extend(paid_ids)
    return set(plain)
