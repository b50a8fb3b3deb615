"""Issue a credit note against a finalized invoice (R15), and send back what it frees: the use
case every entrypoint (API, console) calls. The note, the invoice's new state, the end of its
collection, the points given back and the refund's record commit together; a card refund is then
asked of the gateway outside the transaction, as a charge is, and asked again when unanswered."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_credit_notes as cn
from ..adapters.db import schema_payments as p
from ..adapters.db.audit import audit
from ..adapters.db.repository import from_ppm, to_ppm
from ..adapters.db.views_credit_notes import credit_note_view
from ..domain.credit_notes import (
    Creditable,
    CreditableLine,
    CreditRequest,
    credit_effect,
    draft_credit_note,
)
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import CollectionState, InvoiceState, check_move, sources
from ..domain.rating import TierCharge
from ..domain.tax import TaxAmount, TaxRounding
from .collect_invoice import cancel_upgrade_bought_by
from .event_payloads import invoice_ref
from .points import grant_points
from .reactions import emit
from .refunds import Refunding, lock_invoice_to_correct, plan_refund, record_refund


def issue_credit_note(
    conn: Connection,
    now: datetime,
    invoice_id: str,
    request: CreditRequest,
    refunding: Refunding,
    actor: str,
    rounding: TaxRounding = TaxRounding.DOWN,
) -> dict:
    """R15: the credit note, numbered in its own gapless series, and its effect, in the caller's
    transaction. The invoice's row lock makes two at once on one invoice wait for each other, so
    together they never take more than it has (and the database's CHECK refuses it anyway)."""
    invoice = lock_invoice_to_correct(conn, invoice_id)
    draft = draft_credit_note(_creditable(conn, invoice), request, rounding)
    received = pay.amount_received(conn, invoice.id)
    status = InvoiceState(invoice.status)
    effect = credit_effect(
        status=status,
        total=invoice.total,
        amount_due=invoice.amount_due,
        credited_before=invoice.amount_credited,
        credit=draft.total,
        received=received,
    )
    refund = plan_refund(conn, invoice, effect.refund_due, refunding)
    sequence = _next_sequence(conn, invoice.issuer_id)
    prefix = conn.execute(select(t.issuers.c.invoice_prefix).where(t.issuers.c.id == invoice.issuer_id)).scalar_one()
    note_id, number = repo.new_id(), f"{prefix}-CN-{sequence:08d}"
    conn.execute(
        insert(cn.credit_notes),
        dict(
            id=note_id,
            number=number,
            issuer_id=invoice.issuer_id,
            sequence=sequence,
            invoice_id=invoice.id,
            account_id=invoice.account_id,
            currency=invoice.currency,
            subtotal=draft.subtotal,
            tax_total=draft.tax_total,
            total=draft.total,
            points_back=effect.points_back,
            refund_due=effect.refund_due,
            reason=draft.reason,
            actor=actor,
            issued_at=now,
        ),
    )
    conn.execute(
        insert(cn.credit_note_lines),
        [
            dict(
                credit_note_id=note_id,
                position=i,
                invoice_position=x.invoice_position,
                description=x.description,
                quantity=x.quantity,
                amount=x.amount,
                tax_rate_ppm=to_ppm(x.tax_rate),
            )
            for i, x in enumerate(draft.lines, 1)
        ],
    )
    conn.execute(
        insert(cn.credit_note_taxes),
        [
            dict(credit_note_id=note_id, tax_rate_ppm=to_ppm(x.rate), taxable_amount=x.taxable_amount, tax=x.tax)
            for x in draft.taxes
        ],
    )
    _move_invoice(conn, now, invoice, status, effect.status, draft.total)
    audit(
        conn,
        now,
        actor,
        "credit_note.issued",
        account_id=invoice.account_id,
        subject=number,
        amount=-draft.total,
        currency=invoice.currency,
        invoice=invoice.number,
        reason=draft.reason,
    )
    note = dict(id=note_id, number=number, invoice=invoice_ref(invoice) | {"status": effect.status.value})
    note |= dict(total=draft.total, points_back=effect.points_back, refund_due=effect.refund_due, actor=actor)
    events = [NewEvent(EventType.CREDIT_NOTE_ISSUED, invoice.account_id, note)]
    if effect.status is InvoiceState.PAID and status is not InvoiceState.PAID:
        paid = dict(invoice=note["invoice"], method="credit_note", paid_at=now, actor=actor)
        events.append(NewEvent(EventType.INVOICE_PAID, invoice.account_id, paid))
    emit(conn, now, *events)
    if effect.points_back:
        grant_points(conn, now, invoice.account_id, effect.points_back, f"points back: credit note {number}", actor)
    if refund is not None:
        record_refund(conn, now, invoice, note_id, f"credit note {number}", refund, actor)
    return credit_note_view(conn, note_id)


def _creditable(conn: Connection, invoice) -> Creditable:
    lines = conn.execute(
        select(t.invoice_lines).where(t.invoice_lines.c.invoice_id == invoice.id).order_by(t.invoice_lines.c.position)
    ).all()
    taxes = conn.execute(select(t.invoice_taxes).where(t.invoice_taxes.c.invoice_id == invoice.id)).all()
    notes = select(cn.credit_notes.c.id).where(cn.credit_notes.c.invoice_id == invoice.id)
    line_credits: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for r in conn.execute(
        select(
            cn.credit_note_lines.c.invoice_position,
            func.sum(cn.credit_note_lines.c.quantity),
            func.sum(cn.credit_note_lines.c.amount),
        )
        .where(cn.credit_note_lines.c.credit_note_id.in_(notes), cn.credit_note_lines.c.invoice_position.is_not(None))
        .group_by(cn.credit_note_lines.c.invoice_position)
    ):
        line_credits[r[0]] = (int(r[1]), int(r[2]))
    taxable, tax = defaultdict(int), defaultdict(int)
    for r in conn.execute(select(cn.credit_note_taxes).where(cn.credit_note_taxes.c.credit_note_id.in_(notes))):
        taxable[from_ppm(r.tax_rate_ppm)] += r.taxable_amount
        tax[from_ppm(r.tax_rate_ppm)] += r.tax
    return Creditable(
        number=invoice.number,
        status=InvoiceState(invoice.status),
        currency=invoice.currency,
        total=invoice.total,
        amount_due=invoice.amount_due,
        lines=tuple(
            CreditableLine(
                x.position,
                x.description,
                x.quantity,
                x.amount,
                from_ppm(x.tax_rate_ppm),
                tuple(TierCharge(*band) for band in json.loads(x.tiers)),
                *line_credits[x.position],
            )
            for x in lines
        ),
        taxes={from_ppm(x.tax_rate_ppm): TaxAmount(from_ppm(x.tax_rate_ppm), x.taxable_amount, x.tax) for x in taxes},
        credited_taxable=dict(taxable),
        credited_tax=dict(tax),
    )


def _next_sequence(conn: Connection, issuer_id: str) -> int:
    """R14: the next number of the issuer's credit notes, gapless (taken in the note's transaction,
    so a rollback gives it back), from a row of their own: not the issuer's row, which a month's
    close holds for as long as it runs."""
    s = cn.credit_note_sequences
    insert_ = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    upsert = insert_(s).values(issuer_id=issuer_id, last_sequence=1)
    upsert = upsert.on_conflict_do_update(index_elements=["issuer_id"], set_={"last_sequence": s.c.last_sequence + 1})
    return conn.execute(upsert.returning(s.c.last_sequence)).scalar_one()


def _move_invoice(
    conn: Connection, now: datetime, invoice, status: InvoiceState, after: InvoiceState, credit: int
) -> None:
    """The invoice takes the credit and its new state; its collection ends or is paid with it."""
    inv = t.invoices
    values: dict = dict(amount_credited=inv.c.amount_credited + credit)
    if after is not status:
        check_move(status, after, f"invoice {invoice.number}")
        values["status"] = after.value
    conn.execute(update(inv).where(inv.c.id == invoice.id, inv.c.status == status.value).values(**values))
    if after is InvoiceState.PAID:
        c = p.collections
        conn.execute(
            update(c)
            .where(c.c.invoice_id == invoice.id, c.c.state.in_(sources(CollectionState.PAID)))
            .values(state=CollectionState.PAID, next_try_at=None)
        )
    elif after in (InvoiceState.VOID, InvoiceState.CREDITED):
        pay.cancel_collection(conn, invoice.id)
        if after is InvoiceState.VOID:
            cancel_upgrade_bought_by(conn, now, invoice)  # R10: an upgrade voided is not delivered
