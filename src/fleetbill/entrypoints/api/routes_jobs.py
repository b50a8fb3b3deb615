"""Running the close by hand, and the test clock (mounted only in test mode)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

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
        collections_opened=r.collections_opened,
        downgrades_applied=r.downgrades_applied,
        months_remaining=r.months_remaining,
        running_elsewhere=r.running_elsewhere,
        skipped=[dict(account_id=a, month=m, reason=why) for a, m, why in r.skipped],
    )


@router.post("/close", response_model=CloseOut, tags=["close"])
async def close(request: Request, who: Operator = Depends(operator)):
    """R15: close every ended month still open (at most 24 a request; `months_remaining` says how
    many are left), apply the downgrades renewing with them (R10) and open the collections of the
    invoices finalized, as the worker does hourly. Idempotent; a 409 while another close runs."""
    app = get_app(request)
    return await idempotent(
        request,
        who,
        lambda _: (200, close_out(close_due_months(app.db, app.clock, app.settings, actor=who.actor))),
        own_transactions=True,
    )


# One step of the test clock: at most two years, so that the due jobs of one request stay bounded
# (the close takes at most MAX_MONTHS_PER_RUN months a request, and says how many remain).
MAX_CLOCK_STEP = timedelta(days=731)


def _clock(request: Request) -> TestClock:
    return get_app(request).clock  # the router is mounted only when the clock is a TestClock


def _move(clock: TestClock, target: datetime) -> dict:
    """Set the test clock to `target`, refused beyond one bounded step (R15: bounded work)."""
    if target - clock.now() > MAX_CLOCK_STEP:
        raise InvalidInput(
            f"one step moves the test clock at most {MAX_CLOCK_STEP.days} days (to "
            f"{(clock.now() + MAX_CLOCK_STEP).isoformat()}); move it in steps and run the due jobs "
            "between them, as the worker would"
        )
    return {"now": clock.set(target)}


@test_clock.get("", response_model=ClockOut)
def read_clock(request: Request):
    return {"now": _clock(request).now()}


@test_clock.post("", response_model=ClockOut)
async def set_clock(body: ClockSetIn, request: Request, who: Operator = Depends(operator)):
    """Move "now" forward to an instant (never back: history is append-only)."""
    return await idempotent(request, who, lambda _: (200, _move(_clock(request), body.now)), own_transactions=True)


@test_clock.post("/advance", response_model=ClockOut)
async def advance_clock(body: ClockAdvanceIn, request: Request, who: Operator = Depends(operator)):
    clock = _clock(request)

    def work(_):
        try:
            target = clock.now() + timedelta(days=body.days, hours=body.hours, seconds=body.seconds)
        except OverflowError:
            raise InvalidInput("that step takes the clock past the year 9999; advance it by less") from None
        return 200, _move(clock, target)

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
