"""The console's side of issue 10: an account's settings changed by the operator (item 5), and
every email sent, to whom, in which language, with what attached, sent or failed (item 4)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from ...adapters.db import schema as t
from ...adapters.db.views_emails import emails
from ...domain.account_settings import AccountChanges
from ...services import staff
from ...services.account_settings import update_account
from ..api.context import get_app, storable_form
from ..web import paging
from ..web.paging import MAX_CURSOR
from .auth import check_csrf, staff_session
from .pages import PAGE, _account_page, _act, render

router = APIRouter(prefix="/console", include_in_schema=False, dependencies=[Depends(storable_form)])


@router.post("/accounts/{account_id}/settings")
def change_settings(
    request: Request,
    account_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    name: str = Form("", max_length=200),
    billing_emails: str = Form("", max_length=2000),
    language: str = Form("", max_length=8),
    postal_address: str = Form("", max_length=400),
    country: str = Form("", max_length=8),
    subdivision: str = Form("", max_length=8),
    tax_status: str = Form("", max_length=20),
):
    """Name, contacts, language and address at once; country/region and tax status from the next
    contract period (R13). The form sends every field; what did not change changes nothing."""
    check_csrf(session, csrf)
    again = lambda status, error: _account_page(request, session, account_id, status, error)  # noqa: E731
    changes = AccountChanges(
        name=name or None,
        language=language or None,
        billing_emails=billing_emails.splitlines(),
        postal_address=postal_address,
        clear_address=not postal_address.strip(),
        country=country.strip().upper() or None,
        subdivision=subdivision.strip().upper() or None,
        clear_subdivision=not subdivision.strip(),
        tax_status=tax_status or None,
    )

    def work(conn, app):
        update_account(conn, app.clock.now(), account_id, changes, session.staff.actor)
        return RedirectResponse(f"/console/accounts/{account_id}?done=settings#settings", status_code=303)

    return _act(request, session, None, "account.updated", work, again)


@router.get("/emails")
def email_log(
    request: Request,
    session: staff.Session = Depends(staff_session),
    account: str = Query("", max_length=36),
    cursor: str = Query("", max_length=MAX_CURSOR),
):
    """R24: what was emailed to whom, newest first, 50 a page."""
    app = get_app(request)
    where = t.notifications.c.account_id == account if account else None
    seek = paging.decode(request, "console.emails", cursor, 1)
    with app.db.read() as conn:
        found = emails(conn, where, PAGE, seek)
    pager = paging.links(request, "/console/emails", "console.emails", found, {"account": account})
    return render(request, session, "console_emails.html", emails=found.rows, account=account, pager=pager)
