"""Set-based metering: every account's billable quantities from one pass over the history.

The SQL here computes exactly what `domain.metering` defines with a plain sweep (a property
test holds them equal on both databases). Time zones differ per account, so the month's UTC
bounds come in as a small table, one row per time zone, joined to the accounts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    type_coerce,
    union_all,
)

from ...domain.metering import CountingMode
from .schema import UTCDateTime, accounts, plans, status_changes

Step = tuple[datetime, int]  # (instant, devices Active from then on)
Bounds = Mapping[str, tuple[datetime, datetime]]  # time zone -> [start, end) in UTC
Quantities = dict[tuple[str, str], int]  # (account id, device type id) -> billable quantity


def _bounds_table(bounds: Bounds):
    rows = [
        select(
            literal(tz, String).label("tz"),
            literal(start, UTCDateTime()).label("start"),
            literal(end, UTCDateTime()).label("end"),
        )
        for tz, (start, end) in sorted(bounds.items())
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).cte("bounds")


def _scope(bounds: Bounds, mode: CountingMode, where: ColumnElement[bool] | None):
    b = _bounds_table(bounds)
    q = (
        select(accounts.c.id.label("account_id"), b.c.start, b.c.end)
        .join(b, accounts.c.timezone == b.c.tz)
        .join(plans, plans.c.id == accounts.c.plan_id)
        .where(plans.c.counting_mode == mode.value)
    )
    if where is not None:
        q = q.where(where)
    return q.cte("scope")


def peak_query(bounds: Bounds, where: ColumnElement[bool] | None = None) -> Select:
    """R5 as one statement: (account id, device type id, peak) for every account in scope on a peak plan.

    Two ordered passes over the history: each change's previous status on its device (lag), in
    the order of the index ix_status_changes_metering (account, device type, device, instant, id),
    so with no sort of the history on PostgreSQL; then the running count of Active devices per
    account and device type in time order, which only sorts each of those groups' few rows. A
    device's history rows all carry its account and device type, so partitioning by (account,
    device type, device) is partitioning by device. The rows come out grouped by account and
    device type, as they are computed.
    """
    sc = status_changes
    scope = _scope(bounds, CountingMode.PEAK, where)
    prev = func.lag(sc.c.active, type_=Boolean).over(
        partition_by=(sc.c.account_id, sc.c.device_type_id, sc.c.device_id), order_by=(sc.c.effective_at, sc.c.id)
    )
    history = (
        select(
            sc.c.account_id,
            sc.c.device_type_id,
            sc.c.active,
            prev.label("prev"),
            # Everything before the month folds into its first instant: the level at the start.
            case((sc.c.effective_at < scope.c.start, scope.c.start), else_=sc.c.effective_at).label("t"),
        )
        .join(scope, scope.c.account_id == sc.c.account_id)
        .where(sc.c.effective_at < scope.c.end)
        .subquery("history")
    )
    became_active = and_(history.c.active, or_(history.c.prev.is_(None), not_(history.c.prev)))
    became_inactive = and_(not_(history.c.active), history.c.prev)
    delta = case((became_active, 1), (became_inactive, -1), else_=0)
    # NOTE: R5 changes at the same instant apply together: ordered by the instant alone, the
    # running sum's default frame (RANGE ... CURRENT ROW) takes in every change at that instant.
    level = func.sum(delta).over(partition_by=(history.c.account_id, history.c.device_type_id), order_by=history.c.t)
    levels = select(history.c.account_id, history.c.device_type_id, level.label("level")).subquery("levels")
    peak = func.max(levels.c.level)
    return (
        select(levels.c.account_id, levels.c.device_type_id, peak.label("peak"))
        .group_by(levels.c.account_id, levels.c.device_type_id)
        .having(peak > 0)
    )


def peak_quantities(conn: Connection, bounds: Bounds, where: ColumnElement[bool] | None = None) -> Quantities:
    """R5: per account and device type, the most devices Active at once in the month."""
    return {(a, t): int(n) for a, t, n in conn.execute(peak_query(bounds, where))}


def distinct_quantities(conn: Connection, bounds: Bounds, where: ColumnElement[bool] | None = None) -> Quantities:
    """R6: per account and device type, the devices Active at any moment of the month."""
    sc = status_changes
    scope = _scope(bounds, CountingMode.DISTINCT, where)
    last_at_instant = func.row_number().over(partition_by=(sc.c.device_id, sc.c.effective_at), order_by=sc.c.id.desc())
    changes = (
        select(
            sc.c.device_id,
            sc.c.account_id,
            sc.c.device_type_id,
            sc.c.active,
            sc.c.effective_at,
            scope.c.start,
            last_at_instant.label("rn"),
        )
        .join(scope, scope.c.account_id == sc.c.account_id)
        .where(sc.c.effective_at < scope.c.end)
        .cte("changes")
    )
    # Each settled change holds from its instant until the device's next change.
    next_at = func.lead(changes.c.effective_at).over(partition_by=changes.c.device_id, order_by=changes.c.effective_at)
    spans = (
        select(
            changes.c.device_id,
            changes.c.account_id,
            changes.c.device_type_id,
            changes.c.active,
            changes.c.start,
            next_at.label("next_at"),
        )
        .where(changes.c.rn == 1)
        .cte("spans")
    )
    active_in_month = and_(spans.c.active, or_(spans.c.next_at.is_(None), spans.c.next_at > spans.c.start))
    q = (
        select(spans.c.account_id, spans.c.device_type_id, func.count(func.distinct(spans.c.device_id)))
        .where(active_in_month)
        .group_by(spans.c.account_id, spans.c.device_type_id)
    )
    return {(a, t): int(n) for a, t, n in conn.execute(q)}


def billable_quantities(conn: Connection, bounds: Bounds, where: ColumnElement[bool] | None = None) -> Quantities:
    """Every account's billable quantities under its plan's counting mode."""
    return peak_quantities(conn, bounds, where) | distinct_quantities(conn, bounds, where)


def active_steps_query(account_id: str, start: datetime, end: datetime) -> Select:
    """The billing page's chart (R5, R20) as one statement: `domain.activity.active_steps_by_type`
    in SQL, (device type, instant, level) for [start, end), one account, in type and time order.

    As `peak_query` does: each change's previous status on its device (lag, in the order of
    ix_status_changes_metering, so with no sort of the history on PostgreSQL); every change
    before the month folded into its first instant, which is always there for each type (a row of
    no change), so that a type's first row is its level at the start; the changes summed per type
    and instant, so that changes at one instant apply together (R5) and only the instants are
    sorted; the running sum over each type's instants; and only the instants where a type's level
    differs from the one before.
    """
    sc = status_changes
    begin = type_coerce(literal(start, UTCDateTime()), UTCDateTime())
    prev = func.lag(sc.c.active, type_=Boolean).over(
        partition_by=(sc.c.device_type_id, sc.c.device_id), order_by=(sc.c.effective_at, sc.c.id)
    )
    history = (
        select(
            sc.c.device_type_id.label("type"),
            sc.c.active,
            prev.label("prev"),
            type_coerce(case((sc.c.effective_at < begin, begin), else_=sc.c.effective_at), UTCDateTime()).label("t"),
        )
        .where(sc.c.account_id == account_id, sc.c.effective_at < end)
        .cte("history")
    )
    became_active = and_(history.c.active, or_(history.c.prev.is_(None), not_(history.c.prev)))
    became_inactive = and_(not_(history.c.active), history.c.prev)
    delta = case((became_active, 1), (became_inactive, -1), else_=0)
    changes = union_all(
        select(history.c.type, history.c.t, delta.label("delta")),
        select(history.c.type, begin.label("t"), literal(0).label("delta")).distinct(),
    ).subquery("changes")
    instants = (
        select(changes.c.type, changes.c.t, func.sum(changes.c.delta).label("delta"))
        .group_by(changes.c.type, changes.c.t)
        .subquery("instants")
    )
    level = func.sum(instants.c.delta).over(partition_by=instants.c.type, order_by=instants.c.t)
    levels = select(instants.c.type, instants.c.t, level.label("level")).subquery("levels")
    before = func.lag(levels.c.level).over(partition_by=levels.c.type, order_by=levels.c.t)
    steps = select(levels.c.type, levels.c.t, levels.c.level, before.label("before")).subquery("steps")
    return (
        select(steps.c.type, steps.c.t, steps.c.level)
        .where(or_(steps.c.before.is_(None), steps.c.level != steps.c.before))
        .order_by(steps.c.type, steps.c.t)
    )


def active_steps_by_type(conn: Connection, account_id: str, start: datetime, end: datetime) -> dict[str, list[Step]]:
    """Per device type with a change before `end`, the steps of its devices Active through
    [start, end) (R20's chart, one series a type as R5 bills); the first is the level at the start."""
    series: dict[str, list[Step]] = {}
    for device_type, at, n in conn.execute(active_steps_query(account_id, start, end)):
        series.setdefault(device_type, []).append((at, int(n)))
    return series
