"""The bill before the switch's core (R5, R10, R25): domain/what_if.py, with no database.

Counts are checked against the reference sweep of domain/metering.py: the history and the planned
switches written as one status history must give the same peaks as the preview."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.errors import InvalidInput
from fleetbill.domain.marks import fold_all
from fleetbill.domain.metering import StatusChange, peak_active
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.what_if import (
    DeviceNow,
    MonthSoFar,
    PlanHeld,
    PlannedSwitch,
    check_switches,
    planned_deltas,
    quantities,
    window_peak,
)

START = datetime(2026, 10, 31, 15, 0, tzinfo=UTC)  # November in Tokyo
END = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
NEXT_END = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _so_far(openings: dict, changes: list[tuple[str, datetime, int]], now: datetime = NOW) -> MonthSoFar:
    by_type: dict[str, list] = {}
    for device_type, at, delta in sorted(changes, key=lambda c: c[1]):
        by_type.setdefault(device_type, []).append((at, delta))
    marks = {t: fold_all(START, c) for t, c in by_type.items()}
    return MonthSoFar(START, END, now, openings, {t: m for t, m in marks.items() if m})


def test_r5_r21_forty_inactive_now_this_month_counted_next_month_not():
    """R5: 50 Active since before the month; 40 switched Inactive now: this month 50, next month 10."""
    devices = {f"d{i}": DeviceNow("esp32", True) for i in range(50)}
    switches = [PlannedSwitch(f"d{i}", False, NOW) for i in range(40)]
    q = quantities(_so_far({"esp32": 50}, []), NEXT_END, planned_deltas(devices, switches))
    assert (q.this_month, q.next_month) == ({"esp32": 50}, {"esp32": 10})


def test_r5_a_device_made_active_now_and_planned_inactive_now_never_counts():
    """R5: changes at one instant apply together, the recorded ones at now with the planned ones."""
    so_far = _so_far({}, [("esp32", NOW, +1)])
    deltas = planned_deltas({"a": DeviceNow("esp32", True)}, [PlannedSwitch("a", False, NOW)])
    q = quantities(so_far, NEXT_END, deltas)
    assert (q.this_month, q.next_month) == ({}, {})


def test_r5_switching_one_off_and_another_on_at_the_same_instant_never_counts_two():
    devices = {"a": DeviceNow("esp32", True), "b": DeviceNow("esp32", False)}
    later = NOW + 5 * H
    deltas = planned_deltas(devices, [PlannedSwitch("a", False, later), PlannedSwitch("b", True, later)])
    assert deltas == {"esp32": [(later, 0)]}
    assert quantities(_so_far({"esp32": 1}, []), NEXT_END, deltas).this_month == {"esp32": 1}


def test_r5_a_device_already_in_the_status_asked_changes_nothing():
    assert planned_deltas({"a": DeviceNow("esp32", False)}, [PlannedSwitch("a", False, NOW)]) == {"esp32": [(NOW, 0)]}


def test_r5_active_from_the_month_end_counts_next_month_only():
    deltas = planned_deltas({"a": DeviceNow("m5stack", False)}, [PlannedSwitch("a", True, END)])
    q = quantities(_so_far({}, []), NEXT_END, deltas)
    assert (q.this_month, q.next_month) == ({}, {"m5stack": 1})


def test_window_peak_counts_the_level_before_only_through_earlier():
    assert window_peak(3, None, [(NOW, -3)], NOW, END) == (0, 0)
    assert window_peak(3, 3, [(NOW, -3)], NOW, END) == (3, 0)
    assert window_peak(1, None, [(NOW + H, 2), (NOW + 2 * H, -3)], NOW, END) == (3, 0)


def test_r10_a_downgrade_takes_effect_at_its_renewal_and_names_the_renewal_plan_the_month_before():
    held = PlanHeld("pro", START - 40 * 24 * H, ("basic", END))
    november = BillingMonth.containing(NOW, "Asia/Tokyo")
    assert held.in_month(november, "Asia/Tokyo") == ("pro", START - 40 * 24 * H, "basic")
    assert held.in_month(november.next(), "Asia/Tokyo") == ("basic", END, None)


def test_r4_r25_a_switch_before_now_or_after_next_month_or_of_an_unknown_device_is_refused():
    so_far = _so_far({}, [])
    devices = {"a": DeviceNow("esp32", True)}
    for switch, says in [
        (PlannedSwitch("b", False, NOW), "no device b"),
        (PlannedSwitch("a", False, NOW - H), "before now"),
        (PlannedSwitch("a", False, NEXT_END), "after next month"),
    ]:
        with pytest.raises(InvalidInput, match=says):
            check_switches(so_far, "Asia/Tokyo", devices, [switch])


# --- against the reference sweep ------------------------------------------------------------------

INSTANTS = [START, START + H, NOW - H, NOW, NOW + H, END - H, END, END + H, NEXT_END - H]


@given(
    st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=4),  # status before the month, per device
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([i for i in INSTANTS if i <= NOW]), st.booleans()), max_size=6
    ),
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([i for i in INSTANTS if i >= NOW]), st.booleans()), max_size=6
    ),
)
def test_r5_r25_the_preview_counts_what_the_reference_sweep_counts(opening, recorded, planned):
    """R5: history up to now (as opening levels and marks) plus planned switches from now equals
    metering.peak_active over the whole history, this month and next."""
    # given 4 devices (two types), their status before the month, recorded changes and planned ones
    types = ["esp32", "esp32", "m5stack", "m5stack"]
    before = {d: False for d in range(4)} | dict(opening)
    history = [StatusChange(str(d), types[d], START - 24 * H, on, seq=d) for d, on in before.items()]
    status, deltas_recorded = dict(before), []
    for n, (d, at, on) in enumerate(sorted(recorded, key=lambda r: r[1])):
        history.append(StatusChange(str(d), types[d], at, on, seq=100 + n))
        deltas_recorded.append((types[d], at, int(on) - int(status[d])))
        status[d] = on
    openings = {}
    for d, on in before.items():
        openings[types[d]] = openings.get(types[d], 0) + int(on)
    devices = {str(d): DeviceNow(types[d], status[d]) for d in range(4)}
    switches = [PlannedSwitch(str(d), on, at) for d, at, on in planned]
    for n, s in enumerate(sorted(switches, key=lambda s: s.at)):
        history.append(StatusChange(s.device_id, devices[s.device_id].device_type, s.at, s.active, seq=1000 + n))

    # when the preview counts
    q = quantities(_so_far(openings, deltas_recorded), NEXT_END, planned_deltas(devices, switches))

    # then it counts as the sweep over the whole history does
    assert q.this_month == peak_active(history, START, END)
    assert q.next_month == peak_active(history, END, NEXT_END)
