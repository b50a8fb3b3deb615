"""R20: the current month as it stands, priced by the same code as the close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.marks import kept_for
from ..adapters.db.usage import distinct_quantities, peaks
from ..domain.invoice import InvoiceDraft
from ..domain.monthly import draft_monthly_invoice
from ..domain.periods import BillingMonth
from ..settings import Settings
from .change_plan import pending_downgrades


@dataclass(frozen=True)
class UsageNow:
    account_id: str
    month: BillingMonth
    period_start: datetime
    period_end: datetime
    as_of: datetime
    counting_mode: str
    quantities: dict[str, int]  # the running billable count per device type
    active_now: dict[str, int]
    estimate: InvoiceDraft  # with the points that would pay it at the month's end
    peak_at: dict[str, datetime]  # R5 explained (issue 12): when each type's peak was first reached


def usage_now(conn: Connection, now: datetime, settings: Settings, account_id: str) -> UsageNow:
    account = repo.get_account(conn, account_id)
    month = BillingMonth.containing(now, account.timezone)
    start, end = month.bounds(account.timezone)
    scope, bounds = t.accounts.c.id == account.id, {account.timezone: (start, end)}
    marks = month.index if kept_for(conn, bounds) else None  # R5: the month's marks, when they hold it all
    explained = {dt: v for (_, dt), v in peaks(conn, bounds, scope, marks).items()}
    quantities = {dt: n for dt, (n, _) in explained.items()}
    quantities |= {dt: n for (_, dt), n in distinct_quantities(conn, bounds, scope).items()}
    d = t.devices
    active_now = dict(
        conn.execute(
            select(d.c.device_type_id, func.count())
            .where(d.c.account_id == account.id, d.c.active)
            .group_by(d.c.device_type_id)
        ).all()
    )
    plan = repo.get_plan(conn, account.plan_id)
    down = pending_downgrades(conn, account.id).get(account.id)
    renewal = None
    if down is not None and down[1] == end:
        renewal = (repo.get_plan(conn, down[0]), repo.load_price_versions(conn, [down[0]])[down[0]])
    estimate = draft_monthly_invoice(
        account=account,
        plan=plan,
        versions=repo.load_price_versions(conn, [plan.id])[plan.id],
        device_type_names=repo.device_type_names(conn),
        month=month,
        quantities=quantities,
        rates=repo.load_tax_rates(conn),
        rounding=settings.tax_rounding,
        grants=repo.load_open_grants(conn, t.point_grants.c.account_id == account.id).get(account.id, ()),
        points_at=end,
        renewal_plan=renewal,
    )
    peak_at = {dt: at for dt, (_, at) in explained.items()}
    return UsageNow(
        account.id, month, start, end, now, plan.counting_mode.value, quantities, active_now, estimate, peak_at
    )
