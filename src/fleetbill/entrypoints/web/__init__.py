"""The customer's pages (R20 billing, R21 device settings), server-rendered, reached by a signed
link that opens a session scoped to one account: no page takes an account id from the URL."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import and_
from starlette.exceptions import HTTPException

from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import views
from ...services.portal_links import read_link_token
from .. import invoice_files
from ..api.context import get_app, storable_form
from . import card_pages, device_pages
from .billing_page import render_billing
from .session import check_csrf, session_account, start_session

pages = APIRouter(prefix="/billing", include_in_schema=False, dependencies=[Depends(storable_form)])


@pages.get("/open")
def open_link(request: Request, token: str):
    """A billing link from the operator's platform: starts a session for that account alone."""
    app = get_app(request)
    account_id = read_link_token(request.app.state.secret_key, token, app.clock.now())
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
        timezone = repo.get_account(conn, account_id).timezone
    if not found:
        raise HTTPException(404, "no such invoice for this account")
    return invoice_files.invoice_file(found[0], fmt, lang, timezone)


pages.include_router(device_pages.router)
pages.include_router(card_pages.router)

__all__ = ["pages", "session_account", "check_csrf"]
