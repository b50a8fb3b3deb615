"""The console's credit notes (R15): issue one from an invoice's page, and download its return
invoice. The use case is services/credit_notes, as the API's; the page only reads the form."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...adapters.db import repository as repo
from ...adapters.db import views
from ...adapters.db.views_credit_notes import credit_note_view
from ...adapters.pdf.credit_note_pdf import render_credit_note_pdf
from ...domain.credit_notes import CreditRequest, LineCredit, RefundMethod
from ...domain.errors import InvalidInput
from ...services import staff
from ...services.credit_notes import issue_credit_note
from ...services.refunds import Refunding, send_card_refunds
from ..api.context import get_app, storable_form
from ..invoice_files import attachment
from .auth import check_csrf, staff_session
from .pages import _act, _invoice_page, _whole

router = APIRouter(prefix="/console", include_in_schema=False, dependencies=[Depends(storable_form)])


def _request(reason: str, line: str, quantity: str, amount: str, rate: str) -> CreditRequest:
    """What the form asks: one line (all of it, or a number of its units), or an amount at a rate."""
    if line.strip():
        if not line.strip().isdigit():
            raise InvalidInput("choose the invoice line to credit")
        units = _whole(quantity, "devices") if quantity.strip() else None
        return CreditRequest(reason, lines=(LineCredit(int(line), units),))
    if not amount.strip():
        raise InvalidInput("choose a line to credit, or give an amount before tax")
    try:
        chosen = Decimal(rate) if rate.strip() else None
    except InvalidOperation:
        raise InvalidInput(f"the tax rate {rate!r} is not a rate like 0.1") from None
    return CreditRequest(reason, amount=_whole(amount, "JPY"), rate=chosen)


@router.post("/invoices/{invoice_id}/credit-notes")
def issue(
    request: Request,
    invoice_id: str,
    background: BackgroundTasks,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    reason: str = Form(""),
    line: str = Form(""),
    quantity: str = Form(""),
    credit_amount: str = Form(""),
    rate: str = Form(""),
    refund_method: str = Form(""),
    refund_reference: str = Form(""),
):
    """R15: a credit note from the invoice's page; the money it frees goes back as chosen."""
    check_csrf(session, csrf)
    form = dict(
        reason=reason,
        line=line,
        quantity=quantity,
        credit_amount=credit_amount,
        refund_method=refund_method,
        refund_reference=refund_reference,
    )
    again = lambda status, error: _invoice_page(request, session, invoice_id, status, error, form)  # noqa: E731

    def work(conn, app):
        if refund_method not in ("", *RefundMethod):
            raise InvalidInput("choose how the money goes back: card, points or bank transfer")
        refunding = Refunding(RefundMethod(refund_method) if refund_method else None, refund_reference)
        credit = _request(reason, line, quantity, credit_amount, rate)
        note = issue_credit_note(
            conn, app.clock.now(), invoice_id, credit, refunding, session.staff.actor, app.settings.tax_rounding
        )
        return RedirectResponse(f"/console/invoices/{invoice_id}?done=credit_note&note={note['number']}", 303)

    response = _act(request, session, nonce, "credit_note.issued", work, again)
    if isinstance(response, RedirectResponse):
        background.add_task(_send_refunds, request, invoice_id)
    return response


def _send_refunds(request: Request, invoice_id: str) -> None:
    app = get_app(request)
    try:
        send_card_refunds(app.db, app.gateway, app.clock.now(), invoice_id)
    except Exception:  # the worker asks again for a refund left unanswered
        logging.getLogger("fleetbill.console").exception("card refunds of invoice %s: left to the worker", invoice_id)


@router.get("/credit-notes/{credit_note_id}.pdf")
def credit_note_pdf(
    request: Request, credit_note_id: str, lang: str = "ja", session: staff.Session = Depends(staff_session)
):
    """R14, R15: the return invoice (適格返還請求書) as the customer gets it."""
    app = get_app(request)
    with app.db.read() as conn:
        note = credit_note_view(conn, credit_note_id)
        invoice = views.invoice(conn, note["invoice_id"])
        zone = repo.get_account(conn, note["account_id"]).timezone
    pdf = render_credit_note_pdf(note, invoice, "en" if lang == "en" else "ja", zone)
    return attachment(pdf, "application/pdf", f"{note['number']}.pdf")
