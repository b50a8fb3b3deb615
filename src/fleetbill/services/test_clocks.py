"""Test clocks (test mode only), as Stripe has them: a clock starts at any instant, past or future;
accounts are opened on it and live at its frozen time; advancing it runs the due jobs of its
accounts alone (the close, collection, reminders and suspension, card warnings, point expiry) at
every instant they would have run on the way. Many clocks live in one server, each its own
timeline, so a test suite needs one server, not one per timeline."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db.audit import audit
from ..adapters.db.engine import Database
from ..adapters.gateway.port import PaymentGateway
from ..clock import Clock, TestClock
from ..domain.errors import Conflict, NotFound
from ..domain.lifecycle import CollectionState
from ..domain.test_clocks import (
    STALE_ADVANCE,
    ClockStatus,
    check_advance,
    check_frozen_time,
    check_transition,
    next_stop,
)
from ..settings import Settings
from .close_month import Progress
from .run_due_jobs import DueJobsReport, run_timeline_jobs
from .timeline import Timeline

# How long an advance waits at a stop for another timeline's close to finish: 60 x 0.5 s.
CLOSE_WAITS, CLOSE_WAIT = 60, 0.5
# Stripe's form: "clock_" and a random part.
ID_PREFIX = "clock_"


@dataclass(frozen=True, slots=True)
class AdvanceReport:
    clock: dict
    stops: int  # the instants at which the due jobs ran
    invoices: int
    billed: int
    paid: int
    declined: int
    suspended: int


def create_test_clock(conn: Connection, now: datetime, frozen_time: datetime, name: str, actor: str) -> dict:
    clock_id = ID_PREFIX + secrets.token_hex(12)
    frozen_time = check_frozen_time(frozen_time)
    conn.execute(
        t.test_clocks.insert().values(
            id=clock_id, name=name, frozen_time=frozen_time, status=ClockStatus.READY.value, created_at=now
        )
    )
    audit(conn, now, actor, "test_clock.created", subject=clock_id, frozen_time=frozen_time.isoformat())
    return get_test_clock(conn, clock_id)


def get_test_clock(conn: Connection, clock_id: str) -> dict:
    row = conn.execute(_clocks().where(t.test_clocks.c.id == clock_id)).first()
    if row is None:
        raise NotFound(f"no test clock {clock_id!r}; create one with POST /v1/test-clocks")
    return dict(row._mapping)


def list_test_clocks(conn: Connection) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(_clocks().order_by(t.test_clocks.c.created_at, t.test_clocks.c.id))]


def _clocks():
    c, a = t.test_clocks, t.accounts
    accounts = select(func.count()).where(a.c.test_clock_id == c.c.id).scalar_subquery()
    return select(c, accounts.label("accounts"))


def account_clock(conn: Connection, account_id: str, server: Clock, *, changing: bool) -> Clock:
    """The clock an account lives on: the server's, or its test clock frozen where it stands. A
    change to an account whose clock is advancing waits (409): it would be dated at an instant the
    advance has already passed."""
    c, a = t.test_clocks, t.accounts
    row = conn.execute(
        select(c.c.id, c.c.frozen_time, c.c.status).join(a, a.c.test_clock_id == c.c.id).where(a.c.id == account_id)
    ).first()
    if row is None:
        return server
    if changing and row.status == ClockStatus.ADVANCING:
        raise Conflict(f"test clock {row.id} is advancing: change this account once its status is ready again")
    return TestClock(row.frozen_time)


def clock_for_new_account(conn: Connection, clock_id: str | None, server: Clock) -> Clock:
    """The clock a new account opens at: the server's, or the named test clock's (which must be ready)."""
    if clock_id is None:
        return server
    clock = get_test_clock(conn, clock_id)
    if clock["status"] == ClockStatus.ADVANCING:
        raise Conflict(f"test clock {clock_id} is advancing: open the account once its status is ready again")
    return TestClock(clock["frozen_time"])


def advance_test_clock(
    db: Database,
    clock_id: str,
    target: datetime,
    settings: Settings,
    gateway: PaymentGateway,
    server: Clock,
    actor: str,
    progress: Progress | None = None,
) -> AdvanceReport:
    """Move the clock to `target`, running its accounts' due jobs at every instant they fall due on
    the way (each local midnight, each collection try), each in their own transactions as the
    worker runs them. Interrupted, the clock stays where its last finished stop put it, and the
    next advance goes on from there."""
    start = _begin(db, clock_id, target, server.now(), actor)
    timeline = Timeline(clock_id)
    current, stops = start, 0
    counts = dict(invoices=0, billed=0, paid=0, declined=0, suspended=0)
    try:
        while current < target:
            with db.read() as conn:
                stop = next_stop(current, target, *_due_instants(conn, clock_id, current))
            _add(counts, _run_stop(db, TestClock(stop), settings, gateway, timeline, progress))
            with db.transaction() as conn:
                conn.execute(update(t.test_clocks).where(t.test_clocks.c.id == clock_id).values(frozen_time=stop))
            current, stops = stop, stops + 1
    finally:
        _end(db, clock_id)
    with db.read() as conn:
        clock = get_test_clock(conn, clock_id)
    return AdvanceReport(clock, stops, **counts)


def _run_stop(db, clock, settings, gateway, timeline, progress) -> DueJobsReport:
    """The due jobs at one stop. A close of another timeline running at the same moment (PostgreSQL
    lets one close run at a time) is waited for: a month left unclosed at its stop would be closed
    at a later one, dated then."""
    for _ in range(CLOSE_WAITS):
        report = run_timeline_jobs(db, clock, settings, gateway, timeline, progress)
        if not report.close.running_elsewhere:
            return report
        time.sleep(CLOSE_WAIT)
    raise Conflict("another close kept running while this test clock advanced; advance it again in a minute")


def _add(counts: dict[str, int], report: DueJobsReport) -> None:
    counts["invoices"] += report.close.invoices
    counts["billed"] += report.close.billed
    counts["paid"] += len(report.collect.paid)
    counts["declined"] += len(report.collect.declined)
    counts["suspended"] += len(report.collect.suspended)


def _begin(db: Database, clock_id: str, target: datetime, now: datetime, actor: str) -> datetime:
    """Mark the clock advancing (one advance at a time), and where it starts from."""
    c = t.test_clocks
    with db.transaction() as conn:
        row = conn.execute(select(c).where(c.c.id == clock_id).with_for_update()).first()
        if row is None:
            raise NotFound(f"no test clock {clock_id!r}; create one with POST /v1/test-clocks")
        check_advance(row.frozen_time, target)
        status = ClockStatus(row.status)
        if status is ClockStatus.ADVANCING and row.advance_started_at > now - STALE_ADVANCE:
            raise Conflict(
                f"test clock {clock_id} is advancing since {row.advance_started_at:%H:%M:%S} UTC; "
                "advance it again once its status is ready"
            )
        if status is ClockStatus.READY:
            check_transition(status, ClockStatus.ADVANCING)
        # An advance left stale by a crash is taken over: its clock stands at its last finished stop.
        conn.execute(
            update(c).where(c.c.id == clock_id).values(status=ClockStatus.ADVANCING.value, advance_started_at=now)
        )
        audit(conn, now, actor, "test_clock.advance", subject=clock_id, frozen_time=target.isoformat())
        return row.frozen_time


def _end(db: Database, clock_id: str) -> None:
    c = t.test_clocks
    check_transition(ClockStatus.ADVANCING, ClockStatus.READY)
    with db.transaction() as conn:
        conn.execute(
            update(c).where(c.c.id == clock_id).values(status=ClockStatus.READY.value, advance_started_at=None)
        )


def _due_instants(conn: Connection, clock_id: str, after: datetime) -> tuple[list[str], list[datetime]]:
    """The zones of the clock's accounts, and the next collection try among them after `after`."""
    a, col, inv = t.accounts, p.collections, t.invoices
    zones = conn.execute(select(a.c.timezone).where(a.c.test_clock_id == clock_id).distinct()).scalars().all()
    next_try = conn.execute(
        select(func.min(col.c.next_try_at))
        .join(inv, inv.c.id == col.c.invoice_id)
        .join(a, a.c.id == inv.c.account_id)
        .where(a.c.test_clock_id == clock_id, col.c.state == CollectionState.COLLECTING, col.c.next_try_at > after)
    ).scalar()
    return list(zones), [next_try] if next_try is not None else []
