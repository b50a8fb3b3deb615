"""R5 explained (issue 12 item 1): the reference sweep says when a month's peak was first reached
and which devices were Active then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.metering import StatusChange, explain_peaks, peak_active

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)


def at(day: int, hour: int = 0) -> datetime:
    return START + timedelta(days=day - 1, hours=hour)


def test_r5_a_peak_reached_twice_is_explained_by_its_first_instant():
    changes = [
        StatusChange("a", "esp32", at(3), True, 1),
        StatusChange("b", "esp32", at(4), True, 2),  # 2 Active: the peak, first reached here
        StatusChange("b", "esp32", at(6), False, 3),
        StatusChange("c", "esp32", at(9), True, 4),  # 2 Active again
    ]
    explained = explain_peaks(changes, START, END)["esp32"]
    assert (explained.peak, explained.at, explained.devices) == (2, at(4), frozenset({"a", "b"}))


def test_r5_a_peak_made_by_devices_active_since_the_month_before_is_reached_at_the_start():
    changes = [
        StatusChange("a", "esp32", START - timedelta(days=40), True, 1),
        StatusChange("b", "esp32", START - timedelta(days=2), True, 2),
        StatusChange("a", "esp32", at(10), False, 3),
        StatusChange("c", "esp32", at(12), True, 4),  # back to 2, not above
    ]
    explained = explain_peaks(changes, START, END)["esp32"]
    assert (explained.peak, explained.at, explained.devices) == (2, START, frozenset({"a", "b"}))


def test_r5_each_device_type_is_explained_on_its_own():
    changes = [
        StatusChange("a", "esp32", at(2, 10), True, 1),
        StatusChange("g", "gateway", at(2, 10), True, 2),
        StatusChange("h", "gateway", at(20, 8), True, 3),
        StatusChange("a", "esp32", at(21), False, 4),
    ]
    explained = explain_peaks(changes, START, END)
    assert (explained["esp32"].peak, explained["esp32"].at) == (1, at(2, 10))
    assert (explained["gateway"].peak, explained["gateway"].at) == (2, at(20, 8))
    assert explained["gateway"].devices == frozenset({"g", "h"})


def test_r5_changes_at_one_instant_apply_together_in_the_explanation():
    changes = [
        StatusChange("a", "esp32", at(2), True, 1),
        StatusChange("a", "esp32", at(5), False, 2),  # a swapped for b at one instant: never two
        StatusChange("b", "esp32", at(5), True, 3),
    ]
    explained = explain_peaks(changes, START, END)["esp32"]
    assert (explained.peak, explained.at, explained.devices) == (1, at(2), frozenset({"a"}))


INSTANTS = [START - timedelta(days=3), START, at(2), at(2, 5), at(15), END - timedelta(seconds=1), END]


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(["esp32", "gw"]), st.sampled_from(INSTANTS), st.booleans()),
        max_size=30,
    )
)
def test_r5_the_explanation_agrees_with_the_peak_and_shows_that_many_devices(drawn):
    types = {}
    changes = []
    for seq, (device, device_type, instant, active) in enumerate(drawn):
        device_type = types.setdefault(device, device_type)  # a device keeps its type
        changes.append(StatusChange(f"d{device}", device_type, instant, active, seq))
    peaks = peak_active(changes, START, END)
    explained = explain_peaks(changes, START, END)
    assert {t: e.peak for t, e in explained.items()} == peaks
    for e in explained.values():
        assert len(e.devices) == e.peak and START <= e.at < END
