"""The customer's pages (R20 billing, R21 device settings), server-rendered, reached by a signed
link that opens a session scoped to one account: no page takes an account id from the URL."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import and_, select
from starlette.exceptions import HTTPException

from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import schema_credit_notes as cn
from ...adapters.db import views
from ...adapters.db.views_credit_notes import credit_note_view
from ...adapters.pdf.credit_note_pdf import render_credit_note_pdf
from ...services.portal_links import LinkUsed, use_link
from .. import invoice_files
from ..api.context import get_app, storable_form
from . import budget_pages, card_pages, device_pages, peak_pages, settings_pages
from .billing_page import render_billing
from .session import check_csrf, check_same_origin, link_opening_page, session_account, start_session

pages = APIRouter(prefix="/billing", include_in_schema=False, dependencies=[Depends(storable_form)])


@pages.get("/open")
def link_page(request: Request):
    """A billing link lands here with its token after `#`, which the browser never sends: this page's
    script posts it, so no request line (and no access log) ever holds the token."""
    return link_opening_page()


@pages.post("/open")
def open_link(request: Request, token: str = Form("", max_length=1000)):
    """R20: a billing link's token, exchanged once for a session for that account alone."""
    app = get_app(request)
    check_same_origin(request)
    try:
        account_id = use_link(app.db, request.app.state.secret_key, token.strip(), app.clock.now())
    except LinkUsed as used:
        if request.session.get("account") == used.account_id:  # the same browser went back: it is in already
            return RedirectResponse("/billing", status_code=303)
        raise
    start_session(request, account_id)
    return RedirectResponse("/billing", status_code=303)


@pages.get("")
def billing(
    request: Request,
    account_id: str = Depends(session_account),
    done: str = "",
    invoices: str = Query("", pattern="^(|all)$"),
):
    """R20: this month so far, the invoices (the latest, or ?invoices=all), the cards and the points."""
    return render_billing(request, account_id, done=done, all_invoices=invoices == "all")


@pages.get("/invoices/{invoice_id}.{fmt}")
def invoice_file(
    request: Request, invoice_id: str, fmt: str, account_id: str = Depends(session_account), lang: str = "ja"
):
    """R20: an invoice of this session's account as a PDF (ja or en) or a CSV of its lines."""
    app = get_app(request)
    with app.db.read() as conn:
        found = views.invoices(conn, and_(t.invoices.c.id == invoice_id, t.invoices.c.account_id == account_id), 1)
        if not found:
            raise HTTPException(404, "no such invoice for this account")
        timezone, transfer = invoice_files.document_terms(conn, found[0], app.settings.bank_account)
    return invoice_files.invoice_file(found[0], fmt, lang, timezone, transfer)


@pages.get("/credit-notes/{credit_note_id}.pdf")
def credit_note_file(
    request: Request, credit_note_id: str, account_id: str = Depends(session_account), lang: str = "ja"
):
    """R15, R20: a credit note of this session's account as its return invoice (PDF, ja or en)."""
    app = get_app(request)
    with app.db.read() as conn:
        note = credit_note_view(conn, credit_note_id) if _owns_note(conn, credit_note_id, account_id) else None
        if note is None:
            raise HTTPException(404, "no such credit note for this account")
        invoice = views.invoice(conn, note["invoice_id"])
        zone = repo.get_account(conn, account_id).timezone
    pdf = render_credit_note_pdf(note, invoice, "en" if lang == "en" else "ja", zone)
    return invoice_files.attachment(pdf, "application/pdf", f"{note['number']}.pdf")


def _owns_note(conn, credit_note_id: str, account_id: str) -> bool:
    c = cn.credit_notes
    return (
        conn.execute(select(c.c.id).where(c.c.id == credit_note_id, c.c.account_id == account_id)).first() is not None
    )


pages.include_router(device_pages.router)
pages.include_router(card_pages.router)
pages.include_router(settings_pages.router)
pages.include_router(budget_pages.router)
pages.include_router(peak_pages.router)

__all__ = ["pages", "session_account", "check_csrf"]
