"""The bill before the switch's bodies (R25, issue 12 item 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictBool

from .schemas import EstimateOut, In, Instant

MAX_DEVICES_NAMED = 10_000


class PlannedChangeIn(In):
    device_ids: list[str] = Field(min_length=1, max_length=MAX_DEVICES_NAMED, description="The account's devices.")
    active: StrictBool = Field(description="true: switched Active; false: switched Inactive.")
    at: Instant | None = Field(
        None,
        description="When (from now to the end of next month, in the account's zone); null: now. A device "
        "already in the status asked at that instant changes nothing.",
    )


class WhatIfIn(In):
    changes: list[PlannedChangeIn] = Field(
        [], max_length=100, description="Switches, applied in time order (in the order given at one instant)."
    )
    plan_id: str | None = Field(
        None,
        max_length=64,
        description="A plan change asked for now: an upgrade starts now, a downgrade at the next renewal (R10).",
    )


class MonthPreviewOut(BaseModel):
    month: str = Field(examples=["2026-11"])
    before: EstimateOut = Field(description="The month's invoice as things stand (nothing more changed).")
    after: EstimateOut = Field(description="The month's invoice with the planned changes.")
    difference: int = Field(description="after.total - before.total, tax included (negative: saves).")
    billable_devices_before: dict[str, int]
    billable_devices_after: dict[str, int]


class PlanPreviewOut(BaseModel):
    before: str = Field(description="The plan held now (a pending downgrade aside).")
    after: str = Field(description="The plan held at the end of next month with the change.")
    kind: Literal["upgrade", "downgrade"] | None
    effective_at: datetime | None = Field(description="When the new plan starts (R10); null: no change.")


class WhatIfOut(BaseModel):
    account_id: str
    as_of: datetime = Field(description="Now: the instant the preview counts from.")
    this_month: MonthPreviewOut
    next_month: MonthPreviewOut = Field(
        description="Assumes the devices Active at this month's end stay so, but for the planned changes."
    )
    plan: PlanPreviewOut
    purchase: EstimateOut | None = Field(
        description="An upgrade's first (prorated) period, invoiced at the change apart from the monthly bill."
    )
    summary: str = Field(examples=["Saves 12,000 JPY a month from December; November is already counted."])
    written: Literal[False] = Field(False, description="Always false: a preview changes nothing.")
