"""The console's side of budgets (R20, issue 12 item 4): a plan's default monthly budget, for the
accounts on it that set none themselves."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...services import staff
from ...services.budgets import set_plan_default_budget
from ..api.context import storable_form
from ..web.budget_pages import budget_typed
from .auth import check_csrf, staff_session
from .pages import _act, _plans_page

router = APIRouter(prefix="/console", include_in_schema=False, dependencies=[Depends(storable_form)])


@router.post("/plans/{plan_id}/default-budget")
def default_budget(
    request: Request,
    plan_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    default_budget: str = Form("", max_length=40),
):
    """R20: the plan's default budget (empty removes it); its accounts are checked against it at once."""
    check_csrf(session, csrf)
    form = dict(plan_id=plan_id, default_budget=default_budget)
    again = lambda status, error: _plans_page(request, session, status, error, form)  # noqa: E731

    def work(conn, app):
        amount = budget_typed(default_budget)
        set_plan_default_budget(conn, app.clock.now(), app.settings, plan_id, amount, session.staff.actor)
        return RedirectResponse(f"/console/plans?done=budget#plan-{plan_id}", status_code=303)

    return _act(request, session, None, "plan.default_budget_set", work, again)
