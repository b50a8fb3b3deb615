"""Running the close by hand, and the test clock (mounted only in test mode)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from fastapi import APIRouter, Depends, Request

from ...clock import TestClock
from ...domain.errors import InvalidInput
from ...services.close_month import CloseReport, close_due_months
from ...services.run_due_jobs import run_due_jobs
from .context import Operator, get_app, idempotent, operator
from .schemas import ClockAdvanceIn, ClockOut, ClockSetIn, CloseOut, DueJobsOut

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)])
test_clock = APIRouter(prefix="/v1/test-clock", dependencies=[Depends(operator)], tags=["test mode"])


def close_out(r: CloseReport) -> dict:
    return dict(
        months=r.months,
        invoices=r.invoices,
        billed=r.billed,
        skipped=[dict(account_id=a, month=m, reason=why) for a, m, why in r.skipped],
    )


@router.post("/close", response_model=CloseOut, tags=["close"])
async def close(request: Request, who: Operator = Depends(operator)):
    """R15: close every ended month still open (the worker does this hourly). Idempotent."""
    app = get_app(request)
    return await idempotent(
        request,
        who,
        lambda _: (200, close_out(close_due_months(app.db, app.clock, app.settings, actor=who.actor))),
        own_transactions=True,
    )


def _clock(request: Request) -> TestClock:
    return get_app(request).clock  # the router is mounted only when the clock is a TestClock


@test_clock.get("", response_model=ClockOut)
def read_clock(request: Request):
    return {"now": _clock(request).now()}


@test_clock.post("", response_model=ClockOut)
async def set_clock(body: ClockSetIn, request: Request, who: Operator = Depends(operator)):
    """Move "now" forward to an instant (never back: history is append-only)."""
    return await idempotent(
        request, who, lambda _: (200, {"now": _clock(request).set(body.now)}), own_transactions=True
    )


@test_clock.post("/advance", response_model=ClockOut)
async def advance_clock(body: ClockAdvanceIn, request: Request, who: Operator = Depends(operator)):
    clock = _clock(request)

    def work(_):
        try:
            target = clock.now() + timedelta(days=body.days, hours=body.hours, seconds=body.seconds)
        except OverflowError:
            raise InvalidInput("that step takes the clock past the year 9999; advance it by less") from None
        return 200, {"now": clock.set(target)}

    return await idempotent(request, who, work, own_transactions=True)


@test_clock.post("/run-due-jobs", response_model=DueJobsOut)
async def run_jobs(request: Request, who: Operator = Depends(operator)):
    """Run what the worker would run at this instant: the close, collection, reminders and
    suspension, card expiry warnings, point expiry."""
    app = get_app(request)

    def work(_):
        r = run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=app.mailer)
        return 200, {
            "close": close_out(r.close),
            "collect": asdict(r.collect),
            "bank_transfer_reminders": r.reminders,
            "cards_warned": r.cards_warned,
            "points_expired": r.points_expired,
        }

    return await idempotent(request, who, work, own_transactions=True)
