"""The billing page's chart (R5, R20) on the real database: the steps of each device type from
adapters/db/usage.active_steps_by_type (SQL) equal those of domain/activity.active_steps_by_type
(the reference sweep, type by type) on random status histories, and each type's highest step is
its billed peak (domain/metering.peak_active), as tests/integration/test_peak_property.py holds
the peak's SQL to its sweep.

The histories are those of the peak's property test: many changes at one instant (they apply
together), before the month, at exactly its first instant, inside it, at exactly its end and
after it, written in a random order. Runs on SQLite by default and on PostgreSQL when
FLEETBILL_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.usage import active_steps_by_type as steps_in_sql
from fleetbill.adapters.db.usage import write_closing_levels
from fleetbill.domain.activity import active_steps, active_steps_by_type
from fleetbill.domain.metering import CountingMode, peak_active
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from tests import factories as f
from tests.integration import test_peak_property as peak


def test_r5_r20_chart_steps_per_device_type_in_sql_equal_the_reference_sweep(app):
    # given two device types, a plan, and another account whose history must not count
    for dt in peak.TYPES:
        f.device_type(app, dt, dt.upper())
    f.plan(app, "peak", {dt: [Tier(None, 100)] for dt in peak.TYPES}, mode=CountingMode.PEAK)
    other = f.account(app, "peak")
    with app.db.transaction() as conn:
        month = BillingMonth.parse("2026-03")
        start, end = month.bounds("UTC")
        peak._write_history(conn, other, ["esp32"] * 3, [(d, start + timedelta(days=d), True) for d in range(3)])

    # each example opens its own account (a fresh id), so examples never see each other's data
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(peak.histories())
    def check(example):
        tz, month, device_types, changes, closed_before = example
        # given a random history of an account in its zone, and maybe the months before closed
        # (the chart then starts from the opening levels they stored, issue 11)
        account = f.account(app, "peak", timezone=tz)
        with app.db.transaction() as conn:
            written = peak._write_history(conn, account, device_types, changes)
            for before in range(closed_before, 0, -1):
                earlier = BillingMonth(month.index - before).bounds(tz)
                write_closing_levels(conn, {tz: earlier}, t.accounts.c.id == account)
        # when the chart's steps for its month come from SQL
        start, end = month.bounds(tz)
        with app.db.read() as conn:
            got = steps_in_sql(conn, account, start, end)
        # then each type's are the reference sweep's, instants and levels alike
        assert got == active_steps_by_type(written, start, end)
        assert all(at.tzinfo is not None for steps in got.values() for at, _ in steps)
        # and each type's highest step is the peak the bill counts for it (R5), 0 left out
        peaks = {dt: max(n for _, n in steps) for dt, steps in got.items()}
        billed = peak_active(written, start, end)
        assert {dt: n for dt, n in peaks.items() if n} == {dt: n for dt, n in billed.items() if n}

    check()


def test_r5_r20_chart_steps_in_sql_apply_changes_at_one_instant_together(app):
    # given, in New York's March 2026, the peak test's hand-made history: A on before the month
    # and off at its first instant; B on and off at one instant inside; C off then on at its first
    # instant; D on when B goes on; E on at exactly the month's end
    f.device_type(app)
    f.plan(app, "peak", {"esp32": [Tier(None, 100)]}, mode=CountingMode.PEAK)
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
    account = f.account(app, "peak", timezone=tz)
    empty = f.account(app, "peak", timezone=tz)
    with app.db.transaction() as conn:
        written = peak._write_history(conn, account, ["esp32"] * 5, changes)
    # when the steps come from SQL
    with app.db.read() as conn:
        got = steps_in_sql(conn, account, start, end)
        nothing = steps_in_sql(conn, empty, start, end)
    # then C alone from the first instant, C and D from day 2 (B never counts); E not this month
    assert got == {"esp32": [(start, 1), (day2, 2)]} == {"esp32": active_steps(written, start, end)}
    # and an account with no history has no series
    assert nothing == {}


def test_r5_r20_two_types_are_two_series_whose_peaks_add_up_to_the_bill_not_the_peak_of_all(app):
    # given esp32 devices A, B on from the start and A off on day 2; m5stack C on from day 2
    for dt in peak.TYPES:
        f.device_type(app, dt, dt.upper())
    f.plan(app, "peak", {dt: [Tier(None, 100)] for dt in peak.TYPES}, mode=CountingMode.PEAK)
    start, end = BillingMonth.parse("2026-03").bounds("Asia/Tokyo")
    day2 = start + timedelta(days=1)
    account = f.account(app, "peak", timezone="Asia/Tokyo")
    with app.db.transaction() as conn:
        written = peak._write_history(
            conn,
            account,
            ["esp32", "esp32", peak.TYPES[1]],
            [(0, start - timedelta(days=1), True), (1, start, True), (0, day2, False), (2, day2, True)],
        )
    # when the chart's series come from SQL
    with app.db.read() as conn:
        got = steps_in_sql(conn, account, start, end)
    # then one series a type: esp32 2 then 1, the other 0 then 1; peaks 2 + 1 = 3, as billed,
    # though never more than 2 devices were Active at once in all
    assert got == {"esp32": [(start, 2), (day2, 1)], peak.TYPES[1]: [(start, 0), (day2, 1)]}
    assert peak_active(written, start, end) == {"esp32": 2, peak.TYPES[1]: 1}
    assert max(n for _, n in active_steps(written, start, end)) == 2
