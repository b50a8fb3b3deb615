"""Set-based metering: every account's billable quantities from one pass over the month.

The SQL here computes exactly what `domain.metering` defines with a plain sweep (a property
test holds them equal on both databases). A month reads its own status changes and each
account's count at its start (opening_levels, stored by the close of the month before), not
the history before it (issue 11). Time zones differ per account, so the month's UTC
bounds come in as a small table, one row per time zone, joined to the accounts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from ...domain.metering import CountingMode
from .schema import UTCDateTime, accounts, devices, month_marks, opening_levels, plans, status_changes

Step = tuple[datetime, int]  # (instant, devices Active from then on)
# The device type of an opening level that says "no device at all": no device type has this id.
NO_DEVICES = ""
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


def _scope(bounds: Bounds, mode: CountingMode | None, where: ColumnElement[bool] | None):
    """(account id, start, end): the accounts in scope with their month's bounds in UTC."""
    b = _bounds_table(bounds)
    q = select(accounts.c.id.label("account_id"), b.c.start, b.c.end).join(b, accounts.c.timezone == b.c.tz)
    if mode is not None:
        q = q.join(plans, plans.c.id == accounts.c.plan_id).where(plans.c.counting_mode == mode.value)
    if where is not None:
        q = q.where(where)
    return q.cte("scope")


def _instant(at: datetime) -> ColumnElement:
    return type_coerce(literal(at, UTCDateTime()), UTCDateTime())


def _openings(scope, starts: list[datetime]) -> Select:
    """(account id, device type id, start, level): each scoped account's count of Active devices
    per type at its month's first instant. Stored by the close of the month before (read by the
    month's start, so only that month's rows; an account with no device then stores the one row
    NO_DEVICES, so that it too reads nothing before the month); summed from the history before the
    start for an account with none stored (its first month, an imported fleet, a changed zone)."""
    ol, sc = opening_levels, status_changes
    # Both name the month's starts as constants: the stored levels read are the month's alone, and
    # on PostgreSQL the history summed is the partitions before the month, whatever plan is chosen.
    this_month = ol.c.at.in_([_instant(s) for s in starts])
    stored = (
        select(ol.c.account_id, ol.c.device_type_id, scope.c.start, ol.c.level)
        .join(scope, and_(scope.c.account_id == ol.c.account_id, scope.c.start == ol.c.at))
        .where(this_month, ol.c.device_type_id != NO_DEVICES)
    )
    opened = exists().where(ol.c.account_id == scope.c.account_id, ol.c.at == scope.c.start, this_month)
    unopened = select(scope.c.account_id, scope.c.start).where(~opened).subquery("unopened")
    summed = (
        select(sc.c.account_id, sc.c.device_type_id, unopened.c.start, func.sum(sc.c.delta).label("level"))
        .join(unopened, unopened.c.account_id == sc.c.account_id)
        .where(sc.c.effective_at < unopened.c.start, sc.c.effective_at < _instant(max(starts)))
        .group_by(sc.c.account_id, sc.c.device_type_id, unopened.c.start)
    )
    return union_all(stored, summed)


def _month_changes(scope, bounds: Bounds, *columns) -> Select:
    """The scoped accounts' status changes in their month, and no others: the range of
    ix_status_changes_month between the earliest start and the latest end of the zones in scope
    (on PostgreSQL, the one range it reads), then each account's own bounds."""
    sc = status_changes
    lo, hi = min(s for s, _ in bounds.values()), max(e for _, e in bounds.values())
    return (
        select(*columns)
        .join(scope, scope.c.account_id == sc.c.account_id)
        .where(sc.c.effective_at >= _instant(lo), sc.c.effective_at < _instant(hi))
        .where(sc.c.effective_at >= scope.c.start, sc.c.effective_at < scope.c.end)
    )


def _levels(scope, bounds: Bounds):
    """(account id, device type id, t, delta): each account's opening level as a change at its
    month's start, then the month's changes; their running sum per type is its count of Active."""
    sc = status_changes
    opening = _openings(scope, sorted({s for s, _ in bounds.values()})).subquery("opening")
    return union_all(
        select(opening.c.account_id, opening.c.device_type_id, opening.c.start.label("t"), opening.c.level),
        _month_changes(scope, bounds, sc.c.account_id, sc.c.device_type_id, sc.c.effective_at, sc.c.delta),
    ).subquery("changes")


def peak_query(
    bounds: Bounds,
    where: ColumnElement[bool] | None = None,
    marks: int | None = None,
    explained: bool = True,
    any_plan: bool = False,
) -> Select:
    """R5 as one statement: (account id, device type id, peak, peak_at) for every account in scope
    on a peak plan; peak_at is the first instant the count reached the peak (the month's start
    when the devices Active at it already made it), which explains the line (issue 12).

    The count at the month's start (stored by the last close) and the month's changes, each with
    what it did to the count (status_changes.delta: +1, -1, 0): their running sum per account and
    device type in time order is the count of Active devices, and its largest value the peak. So
    the month's cost is the month's changes, however many months are kept before it (issue 11).
    With `marks` (the month's BillingMonth.index) the month's high-water marks stand for its
    changes: one row per account and type that changed (adapters/db/marks.py). `explained=False`
    leaves peak_at out (NULL), for the benchmark that measures what explaining costs the close.
    `any_plan`: the accounts in scope whatever their plan counts now (a month closed on a peak
    plan, explained after the account moved to one counting distinct devices).
    """
    mode = None if any_plan else CountingMode.PEAK
    if marks is not None:
        return _peak_from_marks(bounds, where, marks, explained, mode)
    changes = _levels(_scope(bounds, mode, where), bounds)
    group = (changes.c.account_id, changes.c.device_type_id)
    # NOTE: R5 changes at the same instant apply together: ordered by the instant alone, the
    # running sum's default frame (RANGE ... CURRENT ROW) takes in every change at that instant.
    level = func.sum(changes.c.level).over(partition_by=group, order_by=changes.c.t)
    levels = select(*group, changes.c.t, level.label("level")).subquery("levels")
    if not explained:
        peak = func.max(levels.c.level)
        return (
            select(levels.c.account_id, levels.c.device_type_id, peak.label("peak"), _no_instant().label("peak_at"))
            .group_by(levels.c.account_id, levels.c.device_type_id)
            .having(peak > 0)
        )
    # the peak beside each level (the same partition as the running sum: no second sort), so that
    # the first instant at the peak comes out of the same pass
    top = func.max(levels.c.level).over(partition_by=(levels.c.account_id, levels.c.device_type_id))
    tops = select(levels, top.label("top")).subquery("tops")
    peak = func.max(tops.c.level)
    return (
        select(
            tops.c.account_id,
            tops.c.device_type_id,
            peak.label("peak"),
            func.min(case((tops.c.level == tops.c.top, tops.c.t))).label("peak_at"),
        )
        .group_by(tops.c.account_id, tops.c.device_type_id)
        .having(peak > 0)
    )


# domain.marks.Mark.peak and Mark.peak_at in SQL: how far above the opening the count rose at
# most, and the first instant it did
_mark_rise = case(
    (month_marks.c.peak_before.is_(None), month_marks.c.level),
    (month_marks.c.peak_before > month_marks.c.level, month_marks.c.peak_before),
    else_=month_marks.c.level,
)
_mark_peak_at = case(
    (month_marks.c.peak_before.is_(None), month_marks.c.last_at),
    (month_marks.c.level > month_marks.c.peak_before, month_marks.c.last_at),
    else_=month_marks.c.peak_before_at,
)


def _marked(scope, bounds: Bounds, month: int):
    """(account id, device type id, base, rise, level, start, peak_at): each scoped account's
    opening level as a base at its month's start, and its month's mark: how far above the opening
    the count rose at most, where it ended, relative to the opening, and when it first rose that
    far (domain/marks.py: Mark.peak, Mark.level, Mark.peak_at)."""
    m = month_marks
    opening = _openings(scope, sorted({s for s, _ in bounds.values()})).subquery("opening")
    nothing = cast(null(), Integer)
    return union_all(
        select(
            opening.c.account_id,
            opening.c.device_type_id,
            opening.c.level.label("base"),
            nothing.label("rise"),
            literal(0).label("level"),
            opening.c.start,
            _no_instant().label("peak_at"),
        ),
        select(
            m.c.account_id,
            m.c.device_type_id,
            literal(0).label("base"),
            _mark_rise.label("rise"),
            m.c.level,
            scope.c.start,
            _mark_peak_at.label("peak_at"),
        )
        .join(scope, scope.c.account_id == m.c.account_id)
        .where(m.c.month == month),
    ).subquery("marked")


def _no_instant():
    return type_coerce(null(), UTCDateTime())


def _peak_from_marks(
    bounds: Bounds, where: ColumnElement[bool] | None, month: int, explained: bool, mode: CountingMode | None
) -> Select:
    rows = _marked(_scope(bounds, mode, where), bounds, month)
    account, device_type, base, rise, _, start, peak_at = list(rows.c)
    peak = func.sum(base) + func.coalesce(func.max(rise), 0)
    first_at = func.coalesce(func.max(peak_at), func.min(start)) if explained else _no_instant()
    return (
        select(
            account.label("account_id"),
            device_type.label("device_type_id"),
            peak.label("peak"),
            first_at.label("peak_at"),
        )
        .group_by(account, device_type)
        .having(peak > 0)
    )


Peaks = dict[tuple[str, str], tuple[int, datetime]]  # (account id, device type id) -> (peak, first reached)


def peaks(
    conn: Connection,
    bounds: Bounds,
    where: ColumnElement[bool] | None = None,
    marks: int | None = None,
    any_plan: bool = False,
) -> Peaks:
    """R5 explained: per account and device type, the peak and the first instant it was reached."""
    query = peak_query(bounds, where, marks, any_plan=any_plan)
    return {(a, t): (int(n), _utc(at)) for a, t, n, at in conn.execute(query)}


def _utc(at) -> datetime:
    """An aggregate's instant as aware UTC, whatever the driver gave back (SQLite's text)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def peak_quantities(
    conn: Connection, bounds: Bounds, where: ColumnElement[bool] | None = None, marks: int | None = None
) -> Quantities:
    """R5: per account and device type, the most devices Active at once in the month."""
    return {k: n for k, (n, _) in peaks(conn, bounds, where, marks).items()}


def distinct_quantities(conn: Connection, bounds: Bounds, where: ColumnElement[bool] | None = None) -> Quantities:
    """R6: per account and device type, the devices Active at any moment of the month.

    The count before the month's start (the opening level) holds the devices the month does not
    change. Each device the month changes is taken out of it by its status before the start (its
    first change's status less what the change did to the count) and counted in again if it was
    Active at some moment: settled Active at one of its instants (the last change at an instant
    wins, R5), or Active before the start and first changed after it."""
    sc = status_changes
    scope = _scope(bounds, CountingMode.DISTINCT, where)
    is_active = case((sc.c.active, 1), else_=0)
    first = func.row_number().over(partition_by=sc.c.device_id, order_by=(sc.c.effective_at, sc.c.id))
    last_at_instant = func.row_number().over(partition_by=(sc.c.device_id, sc.c.effective_at), order_by=sc.c.id.desc())
    changes = _month_changes(
        scope,
        bounds,
        sc.c.account_id,
        sc.c.device_type_id,
        sc.c.device_id,
        is_active.label("active"),
        (is_active - sc.c.delta).label("before"),
        case((sc.c.effective_at > scope.c.start, 1), else_=0).label("later"),
        first.label("n"),
        last_at_instant.label("settled"),
    ).subquery("changes")
    c = changes.c
    before = func.max(case((c.n == 1, c.before), else_=0))
    later = func.max(case((c.n == 1, c.later), else_=0))
    ever = func.max(case((c.settled == 1, c.active), else_=0))
    devices = (
        select(c.account_id, c.device_type_id, before.label("before"), later.label("later"), ever.label("ever"))
        .group_by(c.account_id, c.device_type_id, c.device_id)
        .subquery("devices")
    )
    d = devices.c
    was_active = or_(d.ever == 1, and_(d.before == 1, d.later == 1))
    changed = select(d.account_id, d.device_type_id, (case((was_active, 1), else_=0) - d.before).label("level"))
    opening = _openings(scope, sorted({s for s, _ in bounds.values()})).subquery("opening")
    counts = union_all(select(opening.c.account_id, opening.c.device_type_id, opening.c.level), changed).subquery(
        "counts"
    )
    total = func.sum(counts.c.level)
    q = (
        select(counts.c.account_id, counts.c.device_type_id, total)
        .group_by(counts.c.account_id, counts.c.device_type_id)
        .having(total > 0)
    )
    return {(a, t): int(n) for a, t, n in conn.execute(q)}


def billable_quantities(
    conn: Connection, bounds: Bounds, where: ColumnElement[bool] | None = None, marks: int | None = None
) -> Quantities:
    """Every account's billable quantities under its plan's counting mode."""
    return peak_quantities(conn, bounds, where, marks) | distinct_quantities(conn, bounds, where)


def write_closing_levels(
    conn: Connection, bounds: Bounds, where: ColumnElement[bool] | None = None, marks: int | None = None
) -> int:
    """Issue 11: store each scoped account's count of Active devices per type at its month's end,
    which is the next month's opening level, so the next month's close and its usage reads start
    there. One INSERT ... SELECT over the month's changes, or its marks (`marks`: the month's
    index); in the close's transaction. Levels an earlier close stored for these accounts' month
    ends (an account it skipped, R15) are replaced."""
    ol = opening_levels
    stale = ol.c.at.in_(sorted({e for _, e in bounds.values()}))
    in_scope = select(accounts.c.id)
    conn.execute(delete(ol).where(stale, ol.c.account_id.in_(in_scope.where(where) if where is not None else in_scope)))
    scope = _scope(bounds, None, where)
    if marks is None:
        changes = _levels(scope, bounds)
        account, device_type, level = changes.c.account_id, changes.c.device_type_id, changes.c.level
    else:
        rows = _marked(scope, bounds, marks)
        account, device_type, base, _, rise = list(rows.c)[:5]
        level = base + rise
    closing = (
        select(
            scope.c.end.label("at"), account.label("account_id"), device_type.label("type"), func.sum(level).label("n")
        )
        .join(scope, scope.c.account_id == account)
        .group_by(scope.c.end, account, device_type)
        .cte("closing")
    )
    c = closing.c
    # A count below 0 can only come of a change the month did not hold when it was counted (one
    # committed into it after its close began): such an account stores no level, so its next
    # month sums its history, the late change included, instead of every close failing on it.
    impossible = select(c.account_id).where(c.n < 0)
    kept = select(c.at, c.account_id, c.type, c.n).where(c.account_id.not_in(impossible))
    # An account with no device at its month's end stores NO_DEVICES: its next month then starts
    # from what is stored, instead of summing a history it does not have across every month kept
    # (the planner hashes the whole history for them: 2 s of a 4 s peak query, issue 11's benchmark).
    empty = select(scope.c.end, scope.c.account_id, literal(NO_DEVICES, String), literal(0)).where(
        scope.c.account_id.not_in(select(c.account_id))
    )
    kept = union_all(kept, empty)
    return conn.execute(
        insert(ol).from_select([ol.c.at, ol.c.account_id, ol.c.device_type_id, ol.c.level], kept)
    ).rowcount


def active_steps_query(account_id: str, start: datetime, end: datetime) -> Select:
    """The billing page's chart (R5, R20) as one statement: `domain.activity.active_steps_by_type`
    in SQL, (device type, instant, level) for [start, end), one account, in type and time order.

    As `peak_query` does: the opening level of each type at the month's start and the month's
    changes; a row of no change at the start for each type the month changes, so that every
    type's first row is its level at the start; the changes summed per type and instant, so that
    changes at one instant apply together (R5) and only the instants are sorted; the running sum
    over each type's instants; and only the instants where a type's level differs from the one before.
    """
    sc = status_changes
    begin = _instant(start)
    scope = select(literal(account_id, String).label("account_id"), begin.label("start"), _instant(end).label("end"))
    scope = scope.cte("scope")
    bounds = {"": (start, end)}
    month = _month_changes(scope, bounds, sc.c.device_type_id.label("type"), sc.c.effective_at.label("t"), sc.c.delta)
    month = month.cte("month")
    opening = _openings(scope, [start]).subquery("opening")
    changes = union_all(
        select(opening.c.device_type_id.label("type"), begin.label("t"), opening.c.level.label("delta")),
        select(month.c.type, month.c.t, month.c.delta),
        select(month.c.type, begin.label("t"), literal(0).label("delta")).distinct(),
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


def active_at_query(account_id: str, device_type: str, at: datetime) -> Select:
    """R5 explained (issue 12): the account's devices of `device_type` Active at `at`, with every
    change at that instant applied, as (id, name, key_last4) in the order the pages list devices.

    A device's status at `at` is the one its first change after `at` changed from (that change's
    status less what it did to the count), or its status now if nothing changed it since: so only
    the account's changes after `at` are read, not the history before it (which may be archived).
    """
    sc, d = status_changes, devices
    is_active = case((sc.c.active, 1), else_=0)
    first = func.row_number().over(partition_by=sc.c.device_id, order_by=(sc.c.effective_at, sc.c.id))
    after = (
        select(sc.c.device_id, (is_active - sc.c.delta).label("before"), first.label("n"))
        .where(sc.c.account_id == account_id, sc.c.device_type_id == device_type, sc.c.effective_at > _instant(at))
        .subquery("after")
    )
    first_after = select(after.c.device_id, after.c.before).where(after.c.n == 1).subquery("first_after")
    active_then = case((first_after.c.device_id.is_(None), d.c.active), else_=first_after.c.before == 1)
    return (
        select(d.c.id, d.c.name, d.c.key_last4)
        .outerjoin(first_after, first_after.c.device_id == d.c.id)
        .where(d.c.account_id == account_id, d.c.device_type_id == device_type, active_then)
        .order_by(d.c.registered_at, d.c.name, d.c.id)
    )
