"""The test-mode API's bodies: test clocks and the sandbox gateway's faults and charges."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from .schemas import In, Instant


class TestClockIn(In):
    frozen_time: Instant = Field(description="Where the clock starts: any instant, past or future (2000 to 2199).")
    name: str = Field("", max_length=200)


class TestClockOut(BaseModel):
    __test__ = False  # not a pytest test class

    id: str
    name: str
    frozen_time: datetime
    status: Literal["ready", "advancing"]
    accounts: int = Field(description="How many accounts live on it.")
    created_at: datetime = Field(description="When it was made, at the server's time.")


class TestClockAdvanceIn(In):
    frozen_time: Instant = Field(description="The instant to move it to: later than now, at most 366 days on.")


class TestClockAdvanceOut(BaseModel):
    test_clock: TestClockOut
    stops: int = Field(description="The instants at which its accounts' due jobs ran on the way.")
    invoices: int
    billed: int = Field(description="The invoices' totals, tax included, in minor units.")
    paid: int
    declined: int
    suspended: int


class SandboxFaultIn(In):
    fault: Literal["answer_lost", "timeout", "decline", "latency"] = Field(
        description="What the sandbox gateway does to the next charge: `answer_lost` makes the charge and "
        "loses the answer (a timeout after charging), `timeout` times out before charging, `decline` declines "
        "it with `code`, `latency` answers after `latency_ms` (every charge until cleared)."
    )
    code: str = Field("card_declined", min_length=1, max_length=60, description="The decline code, for `decline`.")
    latency_ms: StrictInt = Field(0, ge=0, le=30_000, description="For `latency`; 0 clears it.")


class SandboxFaultsOut(BaseModel):
    next_charge: Literal["answer_lost", "timeout", "decline"] | None
    code: str | None
    latency_ms: int


class SandboxChargeOut(BaseModel):
    reference: str
    customer: str
    amount: int
    currency: str
    idempotency_key: str
    invoice_id: str | None = Field(None, description="The invoice the charge paid, from its metadata.")
