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
from ..domain.errors import InvalidInput, NotFound
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
    ended: bool  # the month is over (closed or about to be)
    as_of: datetime  # the month's end once ended, else now
    types: list[TypeExplained]


def explain_month(
    conn: Connection, account_id: str, month: BillingMonth, now: datetime, device_type: str | None = None
) -> MonthExplained:
    """R5: each device type's peak in `month` for the account, when it was first reached and by
    which devices (only `device_type`'s when given). A closed month is explained as its invoice
    billed it, whatever the plan is now; a month in progress (or ended, not yet closed) as it
    stands, under the plan held now. A month not begun, before the account's first, or counted on
    distinct devices (R6) has no peak to explain: InvalidInput says so; an unknown type is NotFound."""
    account = repo.get_account(conn, account_id)
    names = repo.device_type_names(conn)
    if device_type is not None and device_type not in names:
        raise NotFound(f"no device type {device_type!r}")
    tz = account.timezone
    start, end = month.bounds(tz)
    if start > now:
        raise InvalidInput(f"{month} has not begun in the account's time zone ({tz}): there is no count to explain yet")
    if month < account.first_month:
        raise InvalidInput(f"the account's first month is {account.first_month}: {month} has nothing billed")
    closed_through = conn.execute(select(t.accounts.c.closed_through).where(t.accounts.c.id == account_id)).scalar()
    closed = closed_through is not None and closed_through >= month.index
    found = _stored(conn, account_id, month) if closed else {}
    if closed and not found:  # closed before the close stored its peaks (or billed no peak)
        found = _as_invoiced(conn, account_id, month, _recomputed(conn, account_id, month, tz, any_plan=True))
    if not closed:
        plan = repo.get_plan(conn, account.plan_id)
        if plan.counting_mode is not CountingMode.PEAK:
            raise InvalidInput(_DISTINCT)
        found = _recomputed(conn, account_id, month, tz)
    if device_type is not None:
        found = {dt: v for dt, v in found.items() if dt == device_type}
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
    return MonthExplained(account_id, tz, month, start, end, closed, now >= end, min(now, end), types)


_DISTINCT = (
    "this month is counted on every device Active at any moment of it (R6), not on a peak: its "
    "count is the devices the device settings page lists as Active in the month"
)


def _recomputed(
    conn: Connection, account_id: str, month: BillingMonth, tz: str, any_plan: bool = False
) -> dict[str, tuple[int, datetime]]:
    """The month's peaks and their first instants from its history (its marks when they hold it);
    `any_plan`: whatever the account's plan counts now."""
    bounds = {tz: month.bounds(tz)}
    marks = month.index if kept_for(conn, bounds) else None
    where = t.accounts.c.id == account_id
    return {dt: v for (_, dt), v in peaks(conn, bounds, where, marks, any_plan).items()}


def _as_invoiced(conn: Connection, account_id: str, month: BillingMonth, found: dict) -> dict:
    """A closed month without stored peaks: the recomputed peaks its invoice billed (a usage line of
    that type and quantity). An invoice whose usage lines are no peak was counted otherwise (R6)."""
    inv, line = t.invoices, t.invoice_lines
    billed = dict(
        conn.execute(
            select(line.c.device_type_id, line.c.quantity)
            .join(inv, inv.c.id == line.c.invoice_id)
            .where(inv.c.account_id == account_id, inv.c.billing_month == month.index, inv.c.kind == "monthly")
            .where(line.c.kind == "usage")
        ).all()
    )
    kept = {dt: v for dt, v in found.items() if billed.get(dt) == v[0]}
    if billed and not kept:
        raise InvalidInput(_DISTINCT)
    return kept


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
