"""R5 explained (issue 12 item 1): why a month bills the count it does, for one account.

For each device type billed on its peak: the peak, the first instant it was reached (as the close
stored it for a closed month, or as it stands for the month in progress), the devices Active at
that instant, and the type's steps through the month for the chart. The pages, the API and the
CSV download all read it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.marks import kept_for
from ..adapters.db.usage import Step, active_at_query, active_steps_by_type, peaks
from ..domain.errors import InvalidInput
from ..domain.metering import CountingMode
from ..domain.periods import BillingMonth


@dataclass(frozen=True, slots=True)
class DeviceAtPeak:
    id: str
    name: str
    key_last4: str


@dataclass(frozen=True, slots=True)
class TypeExplained:
    device_type: str
    name: str
    peak: int
    peak_at: datetime
    devices: list[DeviceAtPeak]
    steps: list[Step]  # (instant, devices Active) through the month, the chart's line


@dataclass(frozen=True, slots=True)
class MonthExplained:
    account_id: str
    timezone: str
    month: BillingMonth
    period_start: datetime
    period_end: datetime
    closed: bool  # the month is invoiced: its peaks are the invoice's
    as_of: datetime  # the month's end once ended, else now
    types: list[TypeExplained]


def explain_month(
    conn: Connection, account_id: str, month: BillingMonth, now: datetime, device_type: str | None = None
) -> MonthExplained:
    """R5: each device type's peak in `month` for the account, when it was first reached and by
    which devices (only `device_type`'s when given). A month not yet begun, or an account on a
    plan that counts distinct devices (R6), has no peak to explain: InvalidInput says so."""
    account = repo.get_account(conn, account_id)
    tz = account.timezone
    start, end = month.bounds(tz)
    if start > now:
        raise InvalidInput(f"{month} has not begun in the account's time zone ({tz}): there is no count to explain yet")
    plan = repo.get_plan(conn, account.plan_id)
    if plan.counting_mode is not CountingMode.PEAK:
        raise InvalidInput(
            "this account's plan bills every device Active at any moment of the month (R6), not a peak: "
            "its count is the devices listed on the device settings page for the month"
        )
    closed_through = conn.execute(select(t.accounts.c.closed_through).where(t.accounts.c.id == account_id)).scalar()
    closed = closed_through is not None and closed_through >= month.index
    found = _stored(conn, account_id, month) if closed else {}
    if not found:  # in progress, or closed before the close stored its peaks: from the history
        bounds = {tz: (start, end)}
        marks = month.index if kept_for(conn, bounds) else None
        found = {dt: v for (_, dt), v in peaks(conn, bounds, t.accounts.c.id == account_id, marks).items()}
    if device_type is not None:
        found = {dt: v for dt, v in found.items() if dt == device_type}
    names = repo.device_type_names(conn)
    series = active_steps_by_type(conn, account_id, start, end) if found else {}
    types = [
        TypeExplained(
            dt,
            names.get(dt, dt),
            n,
            at,
            [DeviceAtPeak(*row) for row in conn.execute(active_at_query(account_id, dt, at))],
            series.get(dt, []),
        )
        for dt, (n, at) in sorted(found.items())
    ]
    return MonthExplained(account_id, tz, month, start, end, closed, min(now, end), types)


def _stored(conn: Connection, account_id: str, month: BillingMonth) -> dict[str, tuple[int, datetime]]:
    """The peaks the close stored with the month's invoice (none: the month is not closed, or was
    closed before the close stored them, and is explained from its history)."""
    mp = t.month_peaks
    rows = conn.execute(
        select(mp.c.device_type_id, mp.c.peak, mp.c.peak_at).where(
            mp.c.account_id == account_id, mp.c.month == month.index
        )
    )
    return {dt: (n, at) for dt, n, at in rows}
