"""Credit notes and refunds as the API, the pages and the PDFs show them (R15): a few queries for
any number of them."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from ...domain.errors import NotFound
from . import schema as t
from . import schema_credit_notes as cn
from .repository import from_ppm


def _refund(x) -> dict:
    return dict(
        id=x.id,
        method=x.method,
        amount=x.amount,
        state=x.state,
        reference=x.reference,
        failure_code=x.code,
        resolved_at=x.resolved_at,
    )


def refunds_view(conn: Connection, where) -> list[dict]:
    r = cn.refunds
    return [_refund(x) for x in conn.execute(select(r).where(where).order_by(r.c.created_at, r.c.id))]


def credit_note_view(conn: Connection, note_id: str) -> dict:
    note = conn.execute(select(cn.credit_notes).where(cn.credit_notes.c.id == note_id)).first()
    if note is None:
        raise NotFound(f"no credit note {note_id}")
    return credit_notes_view(conn, [note])[0]


def credit_notes_view(conn: Connection, notes) -> list[dict]:
    """Credit notes as the API shows them: lines, taxes per rate, refunds; three queries."""
    ids = [n.id for n in notes]
    lines, taxes, refunds = defaultdict(list), defaultdict(list), defaultdict(list)
    for x in conn.execute(
        select(cn.credit_note_lines)
        .where(cn.credit_note_lines.c.credit_note_id.in_(ids))
        .order_by(cn.credit_note_lines.c.position)
    ):
        lines[x.credit_note_id].append(
            dict(
                invoice_line=x.invoice_position,
                description=x.description,
                quantity=x.quantity,
                amount=x.amount,
                tax_rate=str(from_ppm(x.tax_rate_ppm)),
            )
        )
    for x in conn.execute(
        select(cn.credit_note_taxes)
        .where(cn.credit_note_taxes.c.credit_note_id.in_(ids))
        .order_by(cn.credit_note_taxes.c.tax_rate_ppm)
    ):
        taxes[x.credit_note_id].append(
            dict(rate=str(from_ppm(x.tax_rate_ppm)), taxable_amount=x.taxable_amount, tax=x.tax)
        )
    for x in conn.execute(
        select(cn.refunds)
        .where(cn.refunds.c.credit_note_id.in_(ids))
        .order_by(cn.refunds.c.created_at, cn.refunds.c.id)
    ):
        refunds[x.credit_note_id].append(_refund(x))
    numbers = dict(
        conn.execute(
            select(t.invoices.c.id, t.invoices.c.number).where(t.invoices.c.id.in_({n.invoice_id for n in notes}))
        ).all()
    )
    return [
        dict(
            id=n.id,
            number=n.number,
            invoice_id=n.invoice_id,
            invoice_number=numbers[n.invoice_id],
            account_id=n.account_id,
            currency=n.currency,
            subtotal=n.subtotal,
            tax_total=n.tax_total,
            total=n.total,
            points_back=n.points_back,
            refund_due=n.refund_due,
            reason=n.reason,
            issued_at=n.issued_at,
            lines=lines[n.id],
            taxes=taxes[n.id],
            refunds=refunds[n.id],
        )
        for n in notes
    ]
