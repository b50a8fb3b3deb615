"""R5 (peak) and R6 (distinct): the reference sweep in domain.metering, on hand-made histories.

Every month here is January 2026 in Asia/Tokyo, written out in UTC by hand:
[2025-12-31T15:00Z, 2026-01-31T15:00Z), and February is [2026-01-31T15:00Z, 2026-02-28T15:00Z).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fleetbill.domain.metering import (
    CountingMode,
    StatusChange,
    billable_quantities,
    distinct_active,
    peak_active,
)

JAN_START = datetime(2025, 12, 31, 15, 0, tzinfo=UTC)
JAN_END = FEB_START = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
FEB_END = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


def day(n: int, hour: int = 0) -> datetime:
    """Local midnight (plus `hour`) of January `n` in Tokyo, in UTC."""
    return JAN_START + timedelta(days=n - 1, hours=hour)


class History:
    """Builds a status history; `seq` follows the order the changes are written (like the db id)."""

    def __init__(self) -> None:
        self.changes: list[StatusChange] = []

    def set(self, device: str, at: datetime, active: bool, device_type: str = "esp32") -> History:
        self.changes.append(StatusChange(device, device_type, at, active, seq=len(self.changes) + 1))
        return self

    def on(self, device: str, at: datetime, device_type: str = "esp32") -> History:
        return self.set(device, at, True, device_type)

    def off(self, device: str, at: datetime, device_type: str = "esp32") -> History:
        return self.set(device, at, False, device_type)


def both(history: History, start: datetime = JAN_START, end: datetime = JAN_END) -> tuple[dict, dict]:
    return peak_active(history.changes, start, end), distinct_active(history.changes, start, end)


# --- the R5 examples, each with R6's distinct count on the same history ---------------------


def test_r5_r6_device_active_all_month_counts_1():
    # given A registered (Active) in December and never touched
    h = History().on("A", JAN_START - timedelta(days=10))
    # when January is metered
    peak, distinct = both(h)
    # then it counts once either way
    assert peak == {"esp32": 1}
    assert distinct == {"esp32": 1}


def test_r5_a_active_then_inactive_then_b_active_is_peak_1_and_r6_distinct_2():
    # given A Active on the 2nd, A Inactive on the 10th, B Active on the 20th
    h = History().on("A", day(2)).off("A", day(10)).on("B", day(20))
    # when January is metered
    peak, distinct = both(h)
    # then only one device was Active at a time (peak 1), but two distinct devices were Active (R6)
    assert peak == {"esp32": 1}
    assert distinct == {"esp32": 2}


def test_r5_r6_device_toggled_many_times_counts_1():
    # given A switched Inactive and Active again ten times during January
    h = History().on("A", day(1, 1))
    for n in range(2, 12):
        h.off("A", day(n)).on("A", day(n, 12))
    # when January is metered
    peak, distinct = both(h)
    # then it is still one device
    assert peak == {"esp32": 1}
    assert distinct == {"esp32": 1}


def test_r5_r6_inactive_from_exactly_the_first_instant_counts_0():
    # given A Active in December and switched Inactive at exactly 2026-01-01 00:00 Tokyo
    h = History().on("A", JAN_START - timedelta(days=5)).off("A", JAN_START)
    # when January is metered
    peak, distinct = both(h)
    # then A was never Active in January (status is right-continuous: Inactive at the first instant)
    assert peak == {}
    assert distinct == {}
    # and December, which ends at that instant, did count it
    dec_start = datetime(2025, 11, 30, 15, 0, tzinfo=UTC)
    assert peak_active(h.changes, dec_start, JAN_START) == {"esp32": 1}


def test_r5_r6_inactive_during_month_counts_in_that_month_and_0_the_next():
    # given A Active from before January, switched Inactive on January 15th, never again Active
    h = History().on("A", JAN_START - timedelta(days=1)).off("A", day(15, 9))
    # when January and February are metered
    jan = both(h, JAN_START, JAN_END)
    feb = both(h, FEB_START, FEB_END)
    # then January counts it, February ("you will not be charged for the next month") does not
    assert jan == ({"esp32": 1}, {"esp32": 1})
    assert feb == ({}, {})


def test_r5_r6_two_device_types_get_one_peak_each():
    # given esp32: A and B Active together on the 5th; m5stack: C all month, D only after C went Inactive
    h = (
        History()
        .on("A", day(3), "esp32")
        .on("B", day(5), "esp32")
        .off("A", day(8), "esp32")
        .on("C", JAN_START - timedelta(days=1), "m5stack")
        .off("C", day(20), "m5stack")
        .on("D", day(21), "m5stack")
    )
    # when January is metered
    peak, distinct = both(h)
    # then each type has its own peak: esp32 2 (A and B on the 5th-8th), m5stack 1 (C, then D)
    assert peak == {"esp32": 2, "m5stack": 1}
    # and its own distinct count: esp32 A, B; m5stack C, D
    assert distinct == {"esp32": 2, "m5stack": 2}


# --- the right-continuous step function: changes at one instant apply together ---------------


def test_r5_inactive_and_active_at_the_same_instant_never_count_as_two():
    # given A Active from before; at the same instant A goes Inactive and B goes Active, written
    # with B's change first (so a sweep that applied them one by one would see 2 for a moment)
    t = day(10)
    h = History().on("A", JAN_START - timedelta(days=1)).on("B", t).off("A", t)
    # when January is metered
    peak, distinct = both(h)
    # then the peak is 1 (the instant's changes apply together); both devices were Active at some moment
    assert peak == {"esp32": 1}
    assert distinct == {"esp32": 2}


def test_r5_r6_on_and_off_at_the_same_instant_is_never_active():
    # given B switched Active and Inactive at one same instant, and A Active all month
    t = day(10)
    h = History().on("A", JAN_START - timedelta(days=1)).on("B", t).off("B", t)
    # when January is metered
    peak, distinct = both(h)
    # then B's status from t on is its last change at t (Inactive): it was never Active
    assert peak == {"esp32": 1}
    assert distinct == {"esp32": 1}


def test_r5_r6_last_change_at_the_same_instant_wins_even_on_the_first_instant():
    # given A Inactive then Active, and B Active then Inactive, all at exactly the month's first instant
    h = History().off("A", JAN_START).on("A", JAN_START).on("B", JAN_START).off("B", JAN_START)
    # when January is metered
    peak, distinct = both(h)
    # then only A is Active from the first instant
    assert peak == {"esp32": 1}
    assert distinct == {"esp32": 1}


def test_r5_r6_many_devices_on_at_one_instant_count_together():
    # given three devices switched Active at the same instant and two of them Inactive one microsecond later
    t = day(15)
    h = History().on("A", t).on("B", t).on("C", t).off("A", t + US).off("B", t + US)
    # when January is metered
    peak, distinct = both(h)
    # then for that one microsecond all three were Active
    assert peak == {"esp32": 3}
    assert distinct == {"esp32": 3}


def test_r5_r6_the_month_is_half_open():
    # given A Active from exactly January's first instant, and B Active from exactly February's
    h = History().on("A", JAN_START).on("B", JAN_END)
    # when January is metered
    peak, distinct = both(h)
    # then A counts and B does not (its change is at January's exclusive end)
    assert peak == {"esp32": 1}
    assert distinct == {"esp32": 1}
    # and in February both are Active from its first instant
    assert both(h, FEB_START, FEB_END) == ({"esp32": 2}, {"esp32": 2})


def test_r5_r6_active_until_the_last_microsecond_counts():
    # given A Active only in January's last microsecond
    h = History().on("A", JAN_END - US).off("A", JAN_END)
    # when January and February are metered
    # then January counts it and February does not
    assert both(h, JAN_START, JAN_END) == ({"esp32": 1}, {"esp32": 1})
    assert both(h, FEB_START, FEB_END) == ({}, {})


def test_r5_peak_is_the_high_water_mark_not_the_level_at_the_end():
    # given 4 devices Active on the 10th, down to 1 by the 20th
    h = History()
    for d in "ABCD":
        h.on(d, day(10))
    for d in "BCD":
        h.off(d, day(20))
    # when January is metered
    # then the peak is 4, though only 1 is Active at the end
    assert peak_active(h.changes, JAN_START, JAN_END) == {"esp32": 4}


def test_r6_billable_quantities_follows_the_counting_mode():
    # given the A-then-B history
    h = History().on("A", JAN_START - timedelta(days=3)).off("A", day(10)).on("B", day(20))
    # when metered under each mode
    # then peak gives 1 and distinct gives 2
    assert billable_quantities(CountingMode.PEAK, h.changes, JAN_START, JAN_END) == {"esp32": 1}
    assert billable_quantities(CountingMode.DISTINCT, h.changes, JAN_START, JAN_END) == {"esp32": 2}
