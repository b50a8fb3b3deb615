"""R9: a price change's impact before it is announced, computed from the proposed values without
writing anything (the rule: domain/price_impact.py).

Set-based: three statements over the usage lines of every account's last three closed months,
each line re-rated in SQL through the proposed tiers (`rerated_amount`, held equal to
`rating.rate_graduated` by the tests), plus two counts. No draft is stored: the console's preview
and the API post the same values the announcement takes, so what is previewed is what is announced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, Numeric, and_, case, cast, func, literal, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import ColumnElement

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..domain.catalog import earliest_start, version_in_force
from ..domain.errors import BillingError, InvalidInput
from ..domain.periods import BillingMonth
from ..domain.price_impact import (
    TOP_INCREASES,
    WINDOW_MONTHS,
    AccountChange,
    DeviceTypeChange,
    NoticeCheck,
    PriceImpact,
    TierBound,
    check_every_type_priced,
    check_top,
    tier_bounds,
)
from ..domain.rating import Tier
from .announce_price_change import check_announcement
from .catalog import check_price_version


def price_impact(
    conn: Connection,
    now: datetime,
    plan_id: str,
    month: BillingMonth,
    fixed_fee: int,
    prices: Mapping[str, Sequence[Tier]],
    top: int = TOP_INCREASES,
) -> PriceImpact:
    """R9: the proposed version's impact on the plan's accounts, and the announcement's checks."""
    plan = repo.get_plan(conn, plan_id)
    bounds = {dt: tier_bounds(tiers) for dt, tiers in check_price_version(conn, fixed_fee, prices).items()}
    check_top(top)
    a, i, line = t.accounts, t.invoices, t.invoice_lines
    after = rerated_amount(line.c.device_type_id, line.c.quantity, bounds)
    # NOTE: R9 each account's own last three closed months: its invoices up to closed_through.
    window = and_(
        i.c.account_id == a.c.id,
        i.c.billing_month > a.c.closed_through - WINDOW_MONTHS,
        i.c.billing_month <= a.c.closed_through,
    )
    usage = and_(line.c.invoice_id == i.c.id, line.c.kind == "usage")
    on_plan = a.c.plan_id == plan_id
    names = repo.device_type_names(conn)
    types = _per_device_type(conn, a.join(i, window).join(line, usage), on_plan, after, names)
    check_every_type_priced(bounds, {d.device_type: d.accounts for d in types})
    per_account = (
        select(
            a.c.id,
            func.count(i.c.billing_month.distinct()).label("months"),
            func.coalesce(func.sum(line.c.amount), 0).label("before"),
            func.coalesce(func.sum(after), 0).label("after"),
        )
        .select_from(a.join(i, window).outerjoin(line, usage))
        .where(on_plan)
        .group_by(a.c.id)
        .subquery()
    )
    summary = _run(conn, _summary(per_account)).one()
    versions = repo.load_price_versions(conn, [plan_id])[plan_id]
    return PriceImpact(
        plan_id=plan_id,
        effective_month=str(month),
        currency=plan.currency,
        accounts_on_plan=conn.execute(select(func.count()).select_from(a).where(on_plan)).scalar(),
        accounts_compared=summary.accounts,
        accounts_with_fewer_months=_exact(summary.fewer),
        more=_exact(summary.more),
        less=_exact(summary.less),
        same=_exact(summary.same),
        before=_exact(summary.before),
        after=_exact(summary.after),
        fixed_fee_before=version_in_force(versions, month).fixed_fee,
        fixed_fee_after=fixed_fee,
        device_types=tuple(types),
        largest_increases=_largest_increases(conn, per_account, top),
        notice=notice_check(conn, now, plan, month),
    )


def rerated_amount(
    device_type: ColumnElement, quantity: ColumnElement, bounds: Mapping[str, Sequence[TierBound]]
) -> ColumnElement:
    """R7 in SQL: a usage line's quantity priced through its type's graduated tiers, each tier the
    devices of the quantity in its range; NULL for a type without a price. Exact NUMERIC, so a
    large price cannot overflow a 64-bit integer on PostgreSQL."""
    q = cast(quantity, Numeric)
    per_type = {}
    for dt, tiers in bounds.items():
        parts = []
        for b in tiers:
            top = q if b.upper is None else case((q < b.upper, q), else_=literal(b.upper))
            parts.append(case((q > b.lower, (top - b.lower) * cast(literal(b.unit_price), Numeric)), else_=0))
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        per_type[dt] = total
    return case(per_type, value=device_type, else_=None)


def notice_check(conn: Connection, now: datetime, plan, month: BillingMonth) -> NoticeCheck:
    """R9: the announcement's own checks, told rather than raised: by when, and what is wrong."""
    announce_by = earliest_start(month) - timedelta(days=plan.notice_days)
    try:
        check_announcement(conn, now, plan, month)
    except BillingError as refused:
        return NoticeCheck(announce_by, refused.detail)
    return NoticeCheck(announce_by, None)


def _per_device_type(conn, lines, on_plan, after, names) -> list[DeviceTypeChange]:
    line = t.invoice_lines
    rows = _run(
        conn,
        select(
            line.c.device_type_id,
            func.count(t.accounts.c.id.distinct()),
            func.sum(line.c.quantity),
            func.sum(line.c.amount),
            func.sum(after),
        )
        .select_from(lines)
        .where(on_plan)
        .group_by(line.c.device_type_id)
        .order_by(line.c.device_type_id),
    )
    return [
        DeviceTypeChange(dt, names.get(dt, dt), n, _exact(devices), _exact(before), _exact(rerated or 0))
        for dt, n, devices, before, rerated in rows
    ]


def _summary(per_account):
    """Counts and totals over the accounts compared, in one pass over the per-account rows."""
    pa = per_account.c

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return select(
        func.count().label("accounts"),
        count(pa.after > pa.before).label("more"),
        count(pa.after < pa.before).label("less"),
        count(pa.after == pa.before).label("same"),
        count(pa.months < WINDOW_MONTHS).label("fewer"),
        func.coalesce(func.sum(pa.before), 0).label("before"),
        func.coalesce(func.sum(pa.after), 0).label("after"),
    ).select_from(per_account)


def _largest_increases(conn, per_account, top: int) -> tuple[AccountChange, ...]:
    pa, a = per_account.c, t.accounts
    rows = _run(
        conn,
        select(pa.id, a.c.name, pa.before, pa.after)
        .join_from(per_account, a, a.c.id == pa.id)
        .where(pa.after > pa.before)
        .order_by((pa.after - pa.before).desc(), pa.id)
        .limit(top),
    )
    return tuple(AccountChange(r.id, r.name, _exact(r.before), _exact(r.after)) for r in rows)


def _run(conn: Connection, statement):
    try:
        return conn.execute(statement)
    except OperationalError as e:  # SQLite's sum of 64-bit integers
        if "overflow" not in str(e):
            raise
        raise InvalidInput("these prices give amounts too large to compute; check the unit prices") from None


def _exact(value) -> int:
    """An amount as an exact int; SQLite turns a product past 64 bits into a float, refused."""
    if isinstance(value, float):
        raise InvalidInput("these prices give amounts too large to compute; check the unit prices")
    return int(value or 0)
