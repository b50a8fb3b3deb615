"""The monthly budget on the billing page (R20, issue 12 item 4): the customer sets or removes it;
the page shows this month's projection against it (billing_page) and the thresholds reached."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...domain.errors import BillingError, InvalidInput
from ...services.budgets import set_budget
from ...services.test_clocks import account_clock
from ..api.context import get_app
from .billing_page import render_billing
from .session import check_csrf, session_account

router = APIRouter()


def budget_typed(text: str) -> int | None:
    """A budget as typed: whole yen, with or without thousands separators; empty removes it."""
    typed = text.strip().replace(",", "").replace("，", "").removesuffix("円").removesuffix("JPY").strip()
    if not typed:
        return None
    if not (typed.isascii() and typed.isdigit()) or len(typed) > 15:
        raise InvalidInput("type the budget as a whole number of JPY, e.g. 50000, or leave it empty to remove it")
    return int(typed)


@router.post("/budget")
def change_budget(
    request: Request,
    account_id: str = Depends(session_account),
    csrf: str = Form(...),
    amount: str = Form("", max_length=40),
):
    """R20: the account's monthly budget, audited as the customer's; a projection already past a
    threshold is told at once. A refusal shows the page again, saying what to fix, nothing changed."""
    check_csrf(request, csrf)
    app = get_app(request)
    try:
        budget = budget_typed(amount)
        with app.db.transaction() as conn:
            now = account_clock(conn, account_id, app.clock, changing=True).now()
            set_budget(conn, now, app.settings, account_id, budget, "customer:billing-page")
    except BillingError as e:
        return render_billing(request, account_id, status_code=e.status, budget_error=e.detail)
    return RedirectResponse("/billing?done=budget#budget", status_code=303)
