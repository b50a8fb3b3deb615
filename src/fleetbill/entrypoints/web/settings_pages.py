"""The billing contacts and the language of the emails, on the billing page (issue 10 item 5):
the customer changes them here; the rest of the account's settings are the operator's."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...domain.account_settings import AccountChanges
from ...domain.errors import BillingError
from ...services.account_settings import update_account
from ...services.test_clocks import account_clock
from ..api.context import get_app
from .billing_page import render_billing
from .session import check_csrf, session_account

router = APIRouter()


@router.post("/settings")
def change_settings(
    request: Request,
    account_id: str = Depends(session_account),
    csrf: str = Form(...),
    billing_emails: str = Form("", max_length=2000),
    language: str = Form("", max_length=8),
):
    """Where the invoices and notices go (one address a line) and their language; each change is
    audited as the customer's. A refusal shows the page again, saying what to fix, nothing changed."""
    check_csrf(request, csrf)
    app = get_app(request)
    changes = AccountChanges(billing_emails=billing_emails.splitlines(), language=language or None)
    try:
        with app.db.transaction() as conn:
            now = account_clock(conn, account_id, app.clock, changing=True).now()
            update_account(conn, now, account_id, changes, "customer:billing-page")
    except BillingError as e:
        return render_billing(request, account_id, status_code=e.status, settings_error=e.detail)
    return RedirectResponse("/billing?done=settings#settings", status_code=303)
