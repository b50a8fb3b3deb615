"""R5 explained (issue 12 item 1): why a month bills the count it does."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from ...domain.periods import BillingMonth
from ...services.peak_explained import explain_month
from .context import account_clock, get_app, operator

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)], tags=["usage"])


class DeviceAtPeakOut(BaseModel):
    id: str
    name: str
    key_last4: str


class TypePeakOut(BaseModel):
    device_type_id: str
    name: str
    peak: int = Field(description="The most devices of the type Active at once in the month (so far): R5.")
    peak_at: datetime = Field(
        description="The first instant the peak was reached (the month's first instant when devices Active "
        "since before already made it)."
    )
    devices: list[DeviceAtPeakOut] = Field(description="The devices Active at `peak_at`, in the order registered.")


class MonthPeaksOut(BaseModel):
    account_id: str
    month: str
    period_start: datetime
    period_end: datetime
    closed: bool = Field(description="The month is invoiced: these are its invoice's usage lines.")
    as_of: datetime = Field(description="The month's end once ended, else now.")
    types: list[TypePeakOut]


@router.get("/accounts/{account_id}/peaks/{month}", response_model=MonthPeaksOut, operation_id="get_month_peaks")
def get_month_peaks(
    account_id: str,
    request: Request,
    month: str = Path(max_length=7, description="The month, YYYY-MM, in the account's time zone."),
    device_type: str | None = Query(None, max_length=64, description="Only this device type."),
):
    """R5 explained: for each device type billed on its peak in `month` (a closed month's as its
    invoice billed it, the month in progress as it stands), the peak, the first instant it was
    reached and the devices Active then. 422 for a month not yet begun or a plan that counts
    distinct devices (R6); 404 for an unknown account."""
    app = get_app(request)
    wanted = BillingMonth.parse(month)
    now = account_clock(request, account_id, changing=False).now()
    with app.db.read() as conn:
        e = explain_month(conn, account_id, wanted, now, device_type)
    return dict(
        account_id=e.account_id,
        month=str(e.month),
        period_start=e.period_start,
        period_end=e.period_end,
        closed=e.closed,
        as_of=e.as_of,
        types=[
            dict(
                device_type_id=x.device_type,
                name=x.name,
                peak=x.peak,
                peak_at=x.peak_at,
                devices=[dict(id=d.id, name=d.name, key_last4=d.key_last4) for d in x.devices],
            )
            for x in e.types
        ],
    )
