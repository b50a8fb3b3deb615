"""Where a test clock's advance stops (issue 9 item 7): each local midnight of its accounts' zones
(R15: a month closes at midnight on the 1st in the account's zone), each collection try (R19), the
target; never backwards, never beyond a year a call."""

from datetime import UTC, datetime, timedelta

import pytest

from fleetbill.domain.errors import Conflict, InvalidInput
from fleetbill.domain.test_clocks import ClockStatus, check_advance, check_transition, next_stop

AT = datetime(2025, 3, 30, 12, 0, tzinfo=UTC)


def test_r15_the_next_stop_is_the_earliest_local_midnight_try_or_target():
    target = datetime(2025, 4, 10, tzinfo=UTC)
    assert next_stop(AT, target, ["Asia/Tokyo"], []) == datetime(2025, 3, 30, 15, 0, tzinfo=UTC)
    assert next_stop(AT, target, ["America/New_York"], []) == datetime(2025, 3, 31, 4, 0, tzinfo=UTC)  # EDT
    both = next_stop(AT, target, ["America/New_York", "Asia/Tokyo"], [])
    assert both == datetime(2025, 3, 30, 15, 0, tzinfo=UTC)
    try_at = datetime(2025, 3, 30, 13, 30, tzinfo=UTC)
    assert next_stop(AT, target, ["Asia/Tokyo"], [try_at, AT - timedelta(days=1)]) == try_at
    assert next_stop(AT, AT + timedelta(hours=1), ["Asia/Tokyo"], []) == AT + timedelta(hours=1)
    assert next_stop(AT, target, [], []) == target  # no accounts yet: straight there


def test_r15_the_stop_follows_daylight_saving_in_the_accounts_zone():
    before_change = datetime(2025, 3, 8, 12, 0, tzinfo=UTC)  # New York moves to EDT on March 9th
    first = next_stop(before_change, before_change + timedelta(days=5), ["America/New_York"], [])
    second = next_stop(first, before_change + timedelta(days=5), ["America/New_York"], [])
    assert (first, second) == (datetime(2025, 3, 9, 5, 0, tzinfo=UTC), datetime(2025, 3, 10, 4, 0, tzinfo=UTC))


def test_r4_a_clock_only_moves_forward_and_at_most_a_year_a_call():
    assert check_advance(AT, AT + timedelta(days=366)) == AT + timedelta(days=366)
    for bad in (AT, AT - timedelta(seconds=1), AT + timedelta(days=366, seconds=1)):
        with pytest.raises(InvalidInput):
            check_advance(AT, bad)


def test_a_clock_status_moves_only_between_ready_and_advancing():
    check_transition(ClockStatus.READY, ClockStatus.ADVANCING)
    check_transition(ClockStatus.ADVANCING, ClockStatus.READY)
    with pytest.raises(Conflict):
        check_transition(ClockStatus.READY, ClockStatus.READY)
