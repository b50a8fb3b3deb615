"""R5 and R6 on the real database: the set-based SQL of adapters/db/usage.py equals the reference
sweep of domain/metering.py on random status histories, and so does the first instant each peak
was reached (issue 12), read from the changes and from the month's marks.

The histories are written straight into the devices and status_changes tables, with many changes
at one instant (right-continuous: they apply together), and changes before the month, at exactly
its first instant, inside it, at exactly its end and after it. Runs on SQLite by default and on
PostgreSQL when FLEETBILL_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, update

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.marks import rebuild_marks
from fleetbill.adapters.db.usage import (
    NO_DEVICES,
    active_at_query,
    distinct_quantities,
    peak_quantities,
    peaks,
    write_closing_levels,
)
from fleetbill.domain.metering import CountingMode, StatusChange, distinct_active, explain_peaks, peak_active
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from tests import factories as f
from tests.conftest import START

ZONES = ("Asia/Tokyo", "America/New_York", "UTC")
TYPES = ("esp32", "m5stack")
MONTHS = tuple(BillingMonth.parse(m) for m in ("2026-02", "2026-03", "2026-11", "2028-02"))
US = timedelta(microseconds=1)


@st.composite
def histories(draw):
    """A zone, a month, and a status history of up to 4 devices around that month."""
    tz = draw(st.sampled_from(ZONES))
    month = draw(st.sampled_from(MONTHS))
    start, end = month.bounds(tz)
    mid = start + (end - start) / 2
    # a few instants that most changes land on (so many share one), the month's edges among them
    edges = [start - timedelta(days=3), start - US, start, start + US, mid, end - US, end, end + timedelta(days=2)]
    span = int((end - start).total_seconds())
    # and anywhere from two months before the month (so the months before it have changes too)
    anywhere = st.integers(-70 * 86_400, span + 3 * 86_400).map(lambda s: start + timedelta(seconds=s))
    instant = st.one_of(st.sampled_from(edges), st.sampled_from(edges), st.sampled_from(edges), anywhere)
    device_types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=4))
    # each device gets a short history of its own (some are never Active in the month), and the
    # changes are written in a random order, so the database ids order same-instant changes at random
    own = [draw(st.lists(st.tuples(instant, st.booleans()), max_size=7)) for _ in device_types]
    changes = draw(st.permutations([(d, at, active) for d, history in enumerate(own) for at, active in history]))
    # how many of the months just before it were closed first, in order (each close stores the
    # next month's opening levels, which the month then starts from instead of the history)
    closed_before = draw(st.integers(0, 2))
    return tz, month, device_types, changes, closed_before


def _deltas(changes) -> list[int]:
    """What each change does to the count of Active devices, as the services write it: its status
    less its device's status before it, in the order of the instant then the id (the id order is
    the order written, this list's)."""
    order = sorted(range(len(changes)), key=lambda i: (changes[i][0], changes[i][1], i))
    deltas, status = [0] * len(changes), {}
    for i in order:
        device, _, active = changes[i]
        deltas[i] = int(active) - int(status.get(device, False))
        status[device] = active
    return deltas


def _write_history(conn, account_id: str, device_types: list[str], changes) -> list[StatusChange]:
    """Insert the devices and their changes (in the drawn order); return them as the core sees them."""
    ids = [str(uuid.uuid4()) for _ in device_types]
    conn.execute(
        insert(t.devices),
        [
            dict(
                id=i,
                account_id=account_id,
                device_type_id=dt,
                name=f"d{n}",
                key_hash=uuid.uuid4().hex * 2,
                key_last4="abcd",
                active=False,
                registered_at=min((c[1] for c in changes), default=START),
            )
            for n, (i, dt) in enumerate(zip(ids, device_types, strict=True))
        ],
    )
    if changes:
        conn.execute(
            insert(t.status_changes),
            [
                dict(
                    device_id=ids[d],
                    account_id=account_id,
                    device_type_id=device_types[d],
                    active=active,
                    delta=delta,
                    effective_at=at,
                    actor="property-test",
                )
                for (d, at, active), delta in zip(changes, _deltas(changes), strict=True)
            ],
        )
    sc = t.status_changes
    rows = conn.execute(
        select(sc.c.id, sc.c.device_id, sc.c.device_type_id, sc.c.effective_at, sc.c.active)
        .where(sc.c.account_id == account_id)
        .order_by(sc.c.id)
    ).all()
    # each device's status now is its last change's, as the services keep it (devices.active)
    final = {}
    for r in sorted(rows, key=lambda r: (r.effective_at, r.id)):
        final[r.device_id] = r.active
    for device_id, active in final.items():
        conn.execute(update(t.devices).where(t.devices.c.id == device_id).values(active=active))
    # the rows are the drawn changes, instants intact (the sweep gets the database's ids as seq)
    assert Counter((r.device_id, r.effective_at, r.active) for r in rows) == Counter(
        (ids[d], at, active) for d, at, active in changes
    )
    return [StatusChange(r.device_id, r.device_type_id, r.effective_at, r.active, seq=r.id) for r in rows]


def test_r5_r6_set_based_sql_equals_the_reference_sweep(app):
    # given two device types and a plan per counting mode
    for dt in TYPES:
        f.device_type(app, dt, dt.upper())
    prices = {dt: [Tier(None, 100)] for dt in TYPES}
    f.plan(app, "peak", prices, mode=CountingMode.PEAK)
    f.plan(app, "distinct", prices, mode=CountingMode.DISTINCT)

    # The fixtures are set up once; each example opens its own two accounts (fresh ids) and the
    # queries are scoped to them, so examples never see each other's data.
    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(histories())
    def check(example):
        tz, month, device_types, changes, closed_before = example
        # given the same random history under an account on each plan
        peak_acc = f.account(app, "peak", timezone=tz)
        distinct_acc = f.account(app, "distinct", timezone=tz)
        with app.db.transaction() as conn:
            peak_changes = _write_history(conn, peak_acc, device_types, changes)
            distinct_changes = _write_history(conn, distinct_acc, device_types, changes)
        # when the month is metered set-based, with the bounds of every zone as the close passes them
        bounds = {zone: month.bounds(zone) for zone in ZONES}
        scope = t.accounts.c.id.in_([peak_acc, distinct_acc])
        with app.db.transaction() as conn:
            for before in range(closed_before, 0, -1):
                earlier = BillingMonth(month.index - before)
                write_closing_levels(conn, {zone: earlier.bounds(zone) for zone in ZONES}, scope)
            got_peak = peak_quantities(conn, bounds, scope)
            got_distinct = distinct_quantities(conn, bounds, scope)
            # issue 12: the instants the peaks were first reached, from the changes and from the
            # month's marks made set-based (what the close reads when the marks are kept)
            explained = peaks(conn, bounds, scope)
            rebuild_marks(conn, month, bounds, scope)
            explained_by_marks = peaks(conn, bounds, scope, marks=month.index)
        # (and when months before were closed, the month starts from their stored levels: one for
        # every type with a change before its start, or one saying there was no device)
        start, end = bounds[tz]
        if closed_before:
            ol = t.opening_levels
            with app.db.read() as conn:
                stored = conn.execute(
                    select(ol.c.device_type_id).where(ol.c.account_id == peak_acc, ol.c.at == start)
                ).scalars()
                # (an account with no device before the start stores that it had none: NO_DEVICES)
                assert set(stored) == ({device_types[d] for d, at, _ in changes if at < start} or {NO_DEVICES})
        # then it equals the reference sweep over the account's own zone's month
        assert got_peak == {(peak_acc, dt): n for dt, n in peak_active(peak_changes, start, end).items()}
        swept = {(peak_acc, dt): (e.peak, e.at) for dt, e in explain_peaks(peak_changes, start, end).items()}
        assert explained == swept
        assert explained_by_marks == swept
        # and the devices Active at that instant, read from the changes after it and the devices'
        # status now, are the sweep's
        with app.db.read() as conn:
            for dt, e in explain_peaks(peak_changes, start, end).items():
                at_peak = {row.id for row in conn.execute(active_at_query(peak_acc, dt, e.at))}
                assert at_peak == e.devices
        assert got_distinct == {
            (distinct_acc, dt): n for dt, n in distinct_active(distinct_changes, start, end).items()
        }

    check()


def test_r5_r6_sql_applies_changes_at_one_instant_together(app):
    # given, in New York's March 2026, a hand-made history with same-instant changes:
    # A on before the month and off at exactly its first instant; B on and off at one instant inside;
    # C off-then-on at exactly the first instant (the last change wins); D on at the instant B goes on;
    # E on at exactly the month's end (the next month's first instant)
    f.device_type(app)
    prices = {"esp32": [Tier(None, 100)]}
    f.plan(app, "peak", prices, mode=CountingMode.PEAK)
    f.plan(app, "distinct", prices, mode=CountingMode.DISTINCT)
    tz, month = "America/New_York", BillingMonth.parse("2026-03")
    start, end = month.bounds(tz)
    day2 = start + timedelta(days=2)
    changes = [
        (0, start - timedelta(days=1), True),
        (0, start, False),
        (1, day2, True),
        (1, day2, False),
        (2, start, False),
        (2, start, True),
        (3, day2, True),
        (4, end, True),
    ]
    accounts = {mode: f.account(app, mode.value, timezone=tz) for mode in CountingMode}
    with app.db.transaction() as conn:
        written = {mode: _write_history(conn, acc, ["esp32"] * 5, changes) for mode, acc in accounts.items()}
    # when the SQL meters it
    with app.db.transaction() as conn:
        scope = t.accounts.c.id.in_(list(accounts.values()))
        peak = peak_quantities(conn, {tz: (start, end)}, scope)
        distinct = distinct_quantities(conn, {tz: (start, end)}, scope)
    # then only C (from the first instant) and D (from day 2) are ever Active: peak 2 and distinct 2,
    # as the sweep says (B, on and off at one instant, never was; A was off from the first instant;
    # E only from the next month on)
    assert peak == {(accounts[CountingMode.PEAK], "esp32"): 2}
    assert distinct == {(accounts[CountingMode.DISTINCT], "esp32"): 2}
    assert peak_active(written[CountingMode.PEAK], start, end) == {"esp32": 2}
    assert distinct_active(written[CountingMode.DISTINCT], start, end) == {"esp32": 2}
