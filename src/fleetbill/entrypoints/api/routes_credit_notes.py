"""Credit notes against finalized invoices (R15), and their refunds."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response
from sqlalchemy import select

from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import schema_credit_notes as cn
from ...adapters.db import views
from ...adapters.db.views_credit_notes import credit_note_view, credit_notes_view
from ...adapters.pdf.credit_note_pdf import render_credit_note_pdf
from ...domain.credit_notes import CreditRequest, LineCredit, RefundMethod
from ...domain.errors import NotFound
from ...services.credit_notes import issue_credit_note
from ...services.refunds import Refunding, refund_kept, send_card_refunds
from ...services.write_off import write_off
from ..invoice_files import attachment
from .context import Operator, get_app, idempotent, invoice_clock, operator
from .schemas_credit_notes import CreditNoteIn, CreditNoteOut, RefundIn, RefundOut, WriteOffIn, WriteOffOut

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)], tags=["credit notes"])


@router.post("/invoices/{invoice_id}/credit-notes", status_code=201, response_model=CreditNoteOut)
async def create_credit_note(
    invoice_id: str,
    body: CreditNoteIn,
    request: Request,
    background: BackgroundTasks,
    who: Operator = Depends(operator),
):
    """R15: credit a finalized invoice, for whole lines, part of a line's quantity, or an amount,
    taxed per rate as the invoice was (R12). On an unpaid invoice it lowers what is due (a full
    credit voids it and stops its collection); money received beyond what is then due goes back
    by `refund_method`; the part points had paid comes back as points. Never more than the
    invoice has left to credit (422); 409 while a card charge for it awaits the gateway's answer.

    A card refund is recorded `pending` with the note and sent to the gateway right after the
    answer (the worker asks again for one left unanswered): read its outcome on the credit note."""
    app = get_app(request)
    now = invoice_clock(request, invoice_id).now()
    credit = CreditRequest(
        reason=body.reason,
        lines=tuple(LineCredit(x.line, x.quantity) for x in body.lines),
        amount=body.amount,
        rate=body.rate,
    )
    refunding = Refunding(RefundMethod(body.refund_method) if body.refund_method else None, body.refund_reference)
    response = await idempotent(
        request,
        who,
        lambda conn: (
            201,
            issue_credit_note(conn, now, invoice_id, credit, refunding, who.actor, app.settings.tax_rounding),
        ),
    )
    background.add_task(_send_refunds, app, now, invoice_id)
    return response


@router.post("/invoices/{invoice_id}/refunds", status_code=201, response_model=list[RefundOut])
async def refund(
    invoice_id: str, body: RefundIn, request: Request, background: BackgroundTasks, who: Operator = Depends(operator)
):
    """R15: send back what the invoice kept beyond what it asks for after its credit notes: an
    overpayment, a charge that succeeded after a credit note voided it, or a refund the gateway
    refused. By card (sent right after the answer), points, or a bank transfer with its reference;
    422 when nothing is kept beyond what is owed."""
    app = get_app(request)
    now = invoice_clock(request, invoice_id).now()
    refunding = Refunding(RefundMethod(body.method), body.reference)
    response = await idempotent(
        request, who, lambda conn: (201, refund_kept(conn, now, invoice_id, refunding, who.actor))
    )
    background.add_task(_send_refunds, app, now, invoice_id)
    return response


def _send_refunds(app, now, invoice_id: str) -> None:
    """After the answer: the card refunds recorded, to the gateway; the worker retries what fails."""
    try:
        send_card_refunds(app.db, app.gateway, now, invoice_id)
    except Exception:
        logging.getLogger("fleetbill.api").exception("card refunds of invoice %s: left to the worker", invoice_id)


@router.post("/invoices/{invoice_id}/mark-uncollectible", response_model=WriteOffOut)
async def mark_uncollectible(invoice_id: str, body: WriteOffIn, request: Request, who: Operator = Depends(operator)):
    """Write an open invoice off: its collection stops and a suspension it caused is lifted; it
    stays owed, and a transfer received later pays it. 409 unless the invoice is open."""
    now = invoice_clock(request, invoice_id).now()
    return await idempotent(request, who, lambda conn: (200, write_off(conn, now, invoice_id, body.reason, who.actor)))


@router.get("/invoices/{invoice_id}/credit-notes", response_model=list[CreditNoteOut])
def list_credit_notes(invoice_id: str, request: Request):
    with get_app(request).db.read() as conn:
        if conn.execute(select(t.invoices.c.id).where(t.invoices.c.id == invoice_id)).first() is None:
            raise NotFound(f"no invoice {invoice_id}")
        notes = conn.execute(
            select(cn.credit_notes)
            .where(cn.credit_notes.c.invoice_id == invoice_id)
            .order_by(cn.credit_notes.c.sequence)
        ).all()
        return credit_notes_view(conn, notes)


# Before /credit-notes/{credit_note_id}, whose parameter would otherwise take "ID.pdf" whole.
@router.get(
    "/credit-notes/{credit_note_id}.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The credit note as a PDF file.",
        },
        503: {"description": "The PDF's font is not installed on the server."},
    },
)
def get_credit_note_pdf(credit_note_id: str, request: Request, lang: Literal["ja", "en"] = Query("ja")):
    """R14, R15: the qualified return invoice (適格返還請求書) as a PDF, in Japanese (default) or English."""
    with get_app(request).db.read() as conn:
        note = credit_note_view(conn, credit_note_id)
        invoice = views.invoice(conn, note["invoice_id"])
        timezone = repo.get_account(conn, note["account_id"]).timezone
    pdf = render_credit_note_pdf(note, invoice, lang, timezone)
    return attachment(pdf, "application/pdf", f"{note['number']}.pdf")


@router.get("/credit-notes/{credit_note_id}", response_model=CreditNoteOut)
def get_credit_note(credit_note_id: str, request: Request):
    with get_app(request).db.read() as conn:
        return credit_note_view(conn, credit_note_id)
