"""Test mode: test clocks (Stripe's), and the sandbox gateway's faults and charges, so that an
integrator rehearses every timeline and every payment path from outside, against one server."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Request

from ...adapters.gateway.port import ChargeOutcome
from ...domain.errors import NotAllowed
from ...services.deliver_webhooks import deliver_webhooks
from ...services.events import publish_events
from ...services.test_clocks import advance_test_clock, create_test_clock, get_test_clock, list_test_clocks
from .context import Operator, get_app, idempotent, operator
from .schemas_test_mode import (
    SandboxChargeOut,
    SandboxFaultIn,
    SandboxFaultsOut,
    TestClockAdvanceIn,
    TestClockAdvanceOut,
    TestClockIn,
    TestClockOut,
)

clocks = APIRouter(prefix="/v1/test-clocks", dependencies=[Depends(operator)], tags=["test mode"])
sandbox = APIRouter(prefix="/v1/sandbox", dependencies=[Depends(operator)], tags=["test mode"])


@clocks.post("", status_code=201, response_model=TestClockOut, operation_id="create_test_clock")
async def create_clock(body: TestClockIn, request: Request, who: Operator = Depends(operator)):
    """A new timeline frozen at `frozen_time`, past or future. Open accounts on it with
    `test_clock` on POST /v1/accounts; their devices, invoices and payments are dated by it."""
    app = get_app(request)
    return await idempotent(
        request,
        who,
        lambda conn: (201, create_test_clock(conn, app.clock.now(), body.frozen_time, body.name, who.actor)),
    )


@clocks.get("", response_model=list[TestClockOut], operation_id="list_test_clocks")
def list_clocks(request: Request):
    with get_app(request).db.read() as conn:
        return list_test_clocks(conn)


@clocks.get("/{clock_id}", response_model=TestClockOut, operation_id="get_test_clock")
def get_clock(clock_id: str, request: Request):
    with get_app(request).db.read() as conn:
        return get_test_clock(conn, clock_id)


@clocks.post("/{clock_id}/advance", response_model=TestClockAdvanceOut, operation_id="advance_test_clock")
async def advance_clock(clock_id: str, body: TestClockAdvanceIn, request: Request, who: Operator = Depends(operator)):
    """Move the clock forward to `frozen_time` (at most 366 days a call), running its accounts' due
    jobs (R15 close, R19 collection and suspension, bank-transfer reminders, card warnings, R16 point
    expiry) at every instant they fall due on the way; other clocks and the server's accounts are not
    touched. Then the events are published and the webhooks due are sent, as the worker would in the
    next few seconds. A 409 while the clock is advancing already."""
    app = get_app(request)

    def work(_):
        report = advance_test_clock(app.db, clock_id, body.frozen_time, app.settings, app.gateway, app.clock, who.actor)
        publish_events(app.db, app.clock.now(), email_zero_invoices=app.settings.email_zero_invoices)
        deliver_webhooks(app.db, app.clock, app.settings)
        return 200, asdict(report) | {"test_clock": report.clock}

    return await idempotent(request, who, work, own_transactions=True)


def _sandbox(request: Request):
    gateway = get_app(request).gateway
    if gateway.name != "sandbox":  # the router is mounted only with the sandbox; kept honest anyway
        raise NotAllowed("the sandbox's faults and charges exist only with the sandbox gateway")
    return gateway


_FAULTS = {
    "answer_lost": (ChargeOutcome.UNKNOWN, True),
    "timeout": (ChargeOutcome.UNKNOWN, False),
    "decline": (ChargeOutcome.DECLINED, False),
}


@sandbox.post("/faults", response_model=SandboxFaultsOut, operation_id="set_sandbox_fault")
def set_fault(body: SandboxFaultIn, request: Request):
    """What the sandbox gateway does next (test mode, in this server's process): the next charge's
    answer lost after it was made, a timeout before it, or a decline with a code; or a latency on
    every charge (0 clears it). The collection's handling of each is what R19 specifies."""
    gateway = _sandbox(request)
    if body.fault == "latency":
        gateway.set_latency(body.latency_ms / 1000)
    else:
        outcome, after_charging = _FAULTS[body.fault]
        gateway.fail_next(outcome, after_charging=after_charging, code=body.code if body.fault == "decline" else None)
    return _faults(gateway)


@sandbox.get("/faults", response_model=SandboxFaultsOut, operation_id="get_sandbox_faults")
def get_faults(request: Request):
    return _faults(_sandbox(request))


def _faults(gateway) -> dict:
    fault = gateway.pending_fault
    name = None
    if fault is not None:
        name = next(
            k
            for k, (outcome, after) in _FAULTS.items()
            if fault.outcome is outcome and (outcome is ChargeOutcome.DECLINED or fault.after_charging is after)
        )
    return {
        "next_charge": name,
        "code": fault.code if fault else None,
        "latency_ms": round(gateway.latency * 1000),
    }


@sandbox.get("/charges", response_model=list[SandboxChargeOut], operation_id="list_sandbox_charges")
def list_charges(request: Request, customer: str | None = None):
    """The charges the sandbox made (money a real gateway would have taken), oldest first: one per
    idempotency key however often it was asked, none for a decline or a timeout before charging."""
    return [
        dict(
            reference=c.reference,
            customer=c.customer,
            amount=c.amount,
            currency=c.currency,
            idempotency_key=c.idempotency_key,
            invoice_id=c.metadata.get("invoice_id"),
        )
        for c in _sandbox(request).charges
        if customer is None or c.customer == customer
    ]
