"""Budgets (R20, issue 12 item 4): an account's monthly budget, with this month's projection
against it, and a plan's default budget, for the accounts on it that set none."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, StrictInt

from ...adapters.db import views
from ...domain.budget import MAX_BUDGET, THRESHOLDS
from ...services.budgets import budget_view, set_budget, set_plan_default_budget
from ...services.usage_now import usage_now
from .context import Operator, account_clock, clock_in, get_app, idempotent, operator
from .schemas import In, PlanOut

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)])

BudgetAmount = Annotated[
    StrictInt,
    Field(ge=1, le=MAX_BUDGET, description="JPY a month, tax included, after credit points", examples=[50000]),
]


class BudgetIn(In):
    amount: BudgetAmount | None = Field(
        description="The account's monthly budget; null removes it (its plan's default, if any, then applies)."
    )


class DefaultBudgetIn(In):
    default_budget: BudgetAmount | None = Field(
        description="The budget of every account on the plan that sets none itself; null removes it."
    )


class EffectiveBudgetOut(BaseModel):
    amount: int
    source: Literal["account", "plan"] = Field(description="the account's own budget, or its plan's default")


class ThresholdReachedOut(BaseModel):
    threshold: int = Field(description="percent of the budget", examples=list(THRESHOLDS))
    reached_at: datetime
    projection: int = Field(description="the month's projected bill then, JPY")
    budget: int = Field(description="the budget then, JPY")


class BudgetOut(BaseModel):
    """R20: the budget in force and this month's projected bill against it: the peak so far and
    the devices Active now kept to the month's end, with the fixed fee and tax, less the credit
    points that would pay it (the usage estimate's amount_due)."""

    account_id: str
    amount: int | None = Field(description="the account's own budget; null: none set")
    plan_default: int | None = Field(description="its plan's default budget; null: none")
    effective: EffectiveBudgetOut | None = Field(description="the budget in force; null: no budget, nothing is told")
    currency: str
    billing_month: str
    as_of: datetime
    projection: int
    share: int | None = Field(description="the projection as a whole percent of the budget, rounded down")
    thresholds: list[int] = Field(description="the percents of the budget told when reached, once a month each")
    reached: list[ThresholdReachedOut] = Field(description="the thresholds reached this month (each told once)")


def _view(request: Request, conn, account_id: str) -> dict:
    app = get_app(request)
    now = clock_in(request, conn, account_id, changing=False).now()
    return budget_view(conn, usage_now(conn, now, app.settings, account_id))


@router.get("/accounts/{account_id}/budget", response_model=BudgetOut, tags=["budgets"])
def get_budget(account_id: str, request: Request):
    """R20: the account's budget, its plan's default, this month's projection against the one in
    force, and the thresholds (80%, 100%) reached this month."""
    with get_app(request).db.read() as conn:
        return _view(request, conn, account_id)


@router.put("/accounts/{account_id}/budget", response_model=BudgetOut, tags=["budgets"])
async def put_budget(account_id: str, body: BudgetIn, request: Request, who: Operator = Depends(operator)):
    """R20: set (or, with null, remove) the account's monthly budget. The month's projection is
    checked against it at once: a threshold already reached is told now (email in the account's
    language, budget.threshold_reached), once per threshold and month. Told as account.updated."""
    app = get_app(request)
    now = account_clock(request, account_id).now()

    def work(conn):
        set_budget(conn, now, app.settings, account_id, body.amount, who.actor)
        return 200, _view(request, conn, account_id)

    return await idempotent(request, who, work)


@router.put("/plans/{plan_id}/default-budget", response_model=PlanOut, tags=["catalog"])
async def put_default_budget(plan_id: str, body: DefaultBudgetIn, request: Request, who: Operator = Depends(operator)):
    """R20: the monthly budget of every account on the plan that sets none itself (null removes
    it); those accounts' projections are checked against it at once."""
    app = get_app(request)

    def work(conn):
        set_plan_default_budget(conn, app.clock.now(), app.settings, plan_id, body.default_budget, who.actor)
        return 200, views.plan(conn, plan_id)

    return await idempotent(request, who, work)
