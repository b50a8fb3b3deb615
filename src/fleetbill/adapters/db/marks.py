"""The months' high-water marks in the database (domain/marks.py, issue 11 item 2).

`note_changes` folds a request's changes into their marks in the request's transaction: one
statement per (device type, month) the request touched when the change is not earlier than its
mark, a locked read and a refold when it is. `rebuild_marks` makes a
month's marks from its changes set-based, for writers that do not go through the services (a
bulk load, the benchmarks) and as the reference the close's `--verify` compares against.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, case, delete, func, insert, literal, or_, select, update

from ...domain.marks import Mark, first, fold, fold_all
from ...domain.periods import BillingMonth
from .schema import UTCDateTime, accounts, month_marks, month_marks_since, status_changes
from .usage import Bounds, _mark_peak_at, _mark_rise, _month_changes, _scope, peaks

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def marks_since(conn: Connection) -> datetime:
    """From when every change was folded into the marks as it was written."""
    return conn.execute(select(month_marks_since.c.since)).scalar() or datetime.max.replace(tzinfo=UTC)


def note_changes(
    conn: Connection, account_id: str, timezone: str, changes: Iterable[tuple[str, datetime, int]]
) -> None:
    """R5: fold (device type, instant, delta) changes, just written for the account, into their
    months' marks. A change earlier than its mark (another transaction wrote a later one first)
    refolds that mark from the month's changes, this transaction's included."""
    summed: dict[tuple[str, int, datetime], int] = defaultdict(int)
    for device_type, at, delta in changes:
        if delta:
            summed[(device_type, BillingMonth.containing(at, timezone).index, at)] += delta
    m, refolded = month_marks, set()
    for (device_type, month, at), delta in sorted(summed.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        if (device_type, month) in refolded:
            continue  # the refold read this transaction's later changes of that month too: folded once
        key = and_(m.c.month == month, m.c.account_id == account_id, m.c.device_type_id == device_type)
        # the usual case, one statement: the mark exists and the change is not earlier than it
        # (domain.marks.fold in SQL: every SET reads the row as it was)
        later = m.c.last_at < _at(at)
        in_order = update(m).where(key, m.c.last_at <= _at(at))
        if conn.execute(
            in_order.values(
                peak_before=case((later, _mark_rise), else_=m.c.peak_before),
                peak_before_at=case((later, _mark_peak_at), else_=m.c.peak_before_at),
                level=m.c.level + delta,
                last_at=at,
            )
        ).rowcount:
            continue
        start = BillingMonth(month).start(timezone)
        values = dict(month=month, account_id=account_id, device_type_id=device_type) | _row(first(start, at, delta))
        if conn.execute(_insert_new(conn, values)).first() is not None:
            continue
        # NOTE: R5 out of order (another transaction wrote a later change first): refold the month
        row = conn.execute(
            select(m.c.level, m.c.peak_before, m.c.last_at, m.c.peak_before_at).where(key).with_for_update()
        ).one()
        folded = fold(Mark(row.level, row.peak_before, row.last_at, row.peak_before_at), at, delta)
        if folded is None:
            end = BillingMonth(month).end(timezone)
            folded = fold_all(start, _month_instants(conn, account_id, device_type, start, end))
            refolded.add((device_type, month))
        conn.execute(update(m).where(key).values(**_row(folded)))


def _at(at: datetime):
    return literal(at, UTCDateTime())


def _insert_new(conn: Connection, values: dict):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING, in the database's own words (a row back: inserted)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    return upsert(month_marks).values(**values).on_conflict_do_nothing().returning(month_marks.c.month)


def _row(mark: Mark) -> dict:
    return dict(
        level=mark.level, peak_before=mark.peak_before, last_at=mark.last_at, peak_before_at=mark.peak_before_at
    )


def _month_instants(conn: Connection, account_id: str, device_type: str, start: datetime, end: datetime):
    sc = status_changes
    return conn.execute(
        select(sc.c.effective_at, func.sum(sc.c.delta))
        .where(sc.c.account_id == account_id, sc.c.device_type_id == device_type)
        .where(sc.c.effective_at >= start, sc.c.effective_at < end)
        .group_by(sc.c.effective_at)
        .order_by(sc.c.effective_at)
    ).all()


def rebuild_marks(conn: Connection, month: BillingMonth, bounds: Bounds, where=None) -> None:
    """The month's marks of the scoped accounts, made again from the month's changes in one
    INSERT ... SELECT (what note_changes folds change by change)."""
    scope = _scope(bounds, None, where)
    sc = status_changes
    instants = _month_changes(
        scope, bounds, sc.c.account_id, sc.c.device_type_id, sc.c.effective_at, sc.c.delta, scope.c.start
    ).subquery("changes")
    c = instants.c
    per_instant = (
        select(c.account_id, c.device_type_id, c.start, c.effective_at.label("t"), func.sum(c.delta).label("d"))
        .group_by(c.account_id, c.device_type_id, c.start, c.effective_at)
        .subquery("instants")
    )
    p = per_instant.c
    group = (p.account_id, p.device_type_id)
    running = (
        select(
            p.account_id,
            p.device_type_id,
            p.start,
            p.t,
            func.sum(p.d).over(partition_by=group, order_by=p.t).label("r"),
            func.max(p.t).over(partition_by=group).label("last_at"),
        )
    ).subquery("running")
    r = running.c
    # the highest before the last instant beside each instant, so that the first instant it was
    # reached comes out of the same pass (Mark.peak_before_at)
    highest = func.max(case((r.t < r.last_at, r.r))).over(partition_by=(r.account_id, r.device_type_id))
    ranked = select(running, highest.label("highest")).subquery("ranked")
    k = ranked.c
    before = func.max(k.highest)
    started_before = func.min(k.t) > k.start
    # the month's first instant counts (0) when the first change came after it
    at_start = and_(started_before, or_(before.is_(None), before <= 0))
    peak_before = case((and_(started_before, or_(before.is_(None), before < 0)), literal(0)), else_=before)
    peak_before_at = case((at_start, k.start), else_=func.min(case((and_(k.t < k.last_at, k.r == k.highest), k.t))))
    rows = select(
        literal(month.index).label("month"),
        k.account_id,
        k.device_type_id,
        func.max(case((k.t == k.last_at, k.r))).label("level"),
        peak_before.label("peak_before"),
        func.max(k.t).label("last_at"),
        peak_before_at.label("peak_before_at"),
    ).group_by(k.account_id, k.device_type_id, k.start)
    m = month_marks
    in_scope = select(accounts.c.id)
    conn.execute(
        delete(m).where(
            m.c.month == month.index, m.c.account_id.in_(in_scope.where(where) if where is not None else in_scope)
        )
    )
    columns = [m.c.month, m.c.account_id, m.c.device_type_id, m.c.level, m.c.peak_before, m.c.last_at]
    columns.append(m.c.peak_before_at)
    conn.execute(insert(m).from_select(columns, rows))


def kept_for(conn: Connection, bounds: Bounds) -> bool:
    """Whether the marks hold every change of months with these bounds (they started after the
    marks were first kept)."""
    return marks_since(conn) <= min(start for start, _ in bounds.values())


def disagreements(conn: Connection, month: BillingMonth, bounds: Bounds, where=None, limit: int = 10) -> list[str]:
    """The close's `--verify`: the month's peaks and the instants they were first reached (issue
    12) from its marks against the full recompute from its changes (peak_query), account by
    account; what differs, at most `limit` lines."""
    by_marks = peaks(conn, bounds, where, marks=month.index)
    by_changes = peaks(conn, bounds, where)
    differ = sorted(k for k in by_marks.keys() | by_changes.keys() if by_marks.get(k) != by_changes.get(k))

    def said(found):
        return "0" if found is None else f"{found[0]} (first at {found[1]:%Y-%m-%d %H:%M:%S} UTC)"

    return [
        f"account {a} {t}: marks {said(by_marks.get((a, t)))}, changes {said(by_changes.get((a, t)))}"
        for a, t in differ[:limit]
    ] + ([f"... and {len(differ) - limit} more"] if len(differ) > limit else [])
