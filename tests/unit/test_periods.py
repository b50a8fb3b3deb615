"""Billing months (the 'billing month' of the rules, used by R5, R9, R11, R15): calendar months in
the account's time zone, half-open [1st 00:00, next 1st 00:00), as UTC instants.

Every bound below is worked out by hand: Tokyo is UTC+9 all year; New York is UTC-5 (EST) and
UTC-4 (EDT) from 2026-03-08 02:00 local to 2026-11-01 02:00 local.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleetbill.domain.errors import InvalidInput
from fleetbill.domain.periods import BillingMonth, check_timezone, require_utc

TOKYO, NEW_YORK = "Asia/Tokyo", "America/New_York"
US = timedelta(microseconds=1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("month", "tz", "start", "end", "length"),
    [
        ("2026-01", TOKYO, utc(2025, 12, 31, 15), utc(2026, 1, 31, 15), timedelta(days=31)),
        ("2026-02", TOKYO, utc(2026, 1, 31, 15), utc(2026, 2, 28, 15), timedelta(days=28)),
        ("2026-03", TOKYO, utc(2026, 2, 28, 15), utc(2026, 3, 31, 15), timedelta(days=31)),
        ("2026-11", TOKYO, utc(2026, 10, 31, 15), utc(2026, 11, 30, 15), timedelta(days=30)),
        ("2026-12", TOKYO, utc(2026, 11, 30, 15), utc(2026, 12, 31, 15), timedelta(days=31)),
        # leap year: February 2028 has 29 days
        ("2028-02", TOKYO, utc(2028, 1, 31, 15), utc(2028, 2, 29, 15), timedelta(days=29)),
        ("2028-03", TOKYO, utc(2028, 2, 29, 15), utc(2028, 3, 31, 15), timedelta(days=31)),
        # New York, winter: EST both ends
        ("2026-02", NEW_YORK, utc(2026, 2, 1, 5), utc(2026, 3, 1, 5), timedelta(days=28)),
        # March 2026: starts in EST, ends in EDT, one hour short
        ("2026-03", NEW_YORK, utc(2026, 3, 1, 5), utc(2026, 4, 1, 4), timedelta(days=31, hours=-1)),
        ("2026-04", NEW_YORK, utc(2026, 4, 1, 4), utc(2026, 5, 1, 4), timedelta(days=30)),
        ("2026-10", NEW_YORK, utc(2026, 10, 1, 4), utc(2026, 11, 1, 4), timedelta(days=31)),
        # November 2026: starts in EDT (the switch is at 02:00 on the 1st), ends in EST, one hour long
        ("2026-11", NEW_YORK, utc(2026, 11, 1, 4), utc(2026, 12, 1, 5), timedelta(days=30, hours=1)),
        ("2026-12", NEW_YORK, utc(2026, 12, 1, 5), utc(2027, 1, 1, 5), timedelta(days=31)),
        ("2028-02", NEW_YORK, utc(2028, 2, 1, 5), utc(2028, 3, 1, 5), timedelta(days=29)),
    ],
)
def test_billing_month_bounds(month, tz, start, end, length):
    # given a month in a time zone, when its bounds are asked
    bounds = BillingMonth.parse(month).bounds(tz)
    # then they are local midnights on the 1st, in UTC, and the month is as long as it really is
    assert bounds == (start, end)
    assert bounds[1] - bounds[0] == length
    assert all(b.tzinfo is not None and b.utcoffset() == timedelta(0) for b in bounds)


@pytest.mark.parametrize(
    ("instant", "tz", "month"),
    [
        # Tokyo: January ends at 2026-01-31T15:00Z
        (utc(2026, 1, 31, 15) - US, TOKYO, "2026-01"),
        (utc(2026, 1, 31, 15), TOKYO, "2026-02"),
        # Tokyo: the leap day is in February, March begins at 2028-02-29T15:00Z
        (utc(2028, 2, 29, 14, 59, 59, 999_999), TOKYO, "2028-02"),
        (utc(2028, 2, 29, 15), TOKYO, "2028-03"),
        # New York, March 2026 (EST) begins at 05:00Z; its end is EDT, 04:00Z
        (utc(2026, 3, 1, 5) - US, NEW_YORK, "2026-02"),
        (utc(2026, 3, 1, 5), NEW_YORK, "2026-03"),
        (utc(2026, 3, 8, 7), NEW_YORK, "2026-03"),  # the DST switch itself (03:00 EDT)
        (utc(2026, 4, 1, 4) - US, NEW_YORK, "2026-03"),
        (utc(2026, 4, 1, 4), NEW_YORK, "2026-04"),
        # New York, November 2026: begins at 04:00Z (EDT), ends at 05:00Z (EST)
        (utc(2026, 11, 1, 4) - US, NEW_YORK, "2026-10"),
        (utc(2026, 11, 1, 4), NEW_YORK, "2026-11"),
        (utc(2026, 11, 1, 6), NEW_YORK, "2026-11"),  # the repeated 01:00-02:00 hour, second time
        (utc(2026, 12, 1, 5) - US, NEW_YORK, "2026-11"),
        (utc(2026, 12, 1, 5), NEW_YORK, "2026-12"),
    ],
)
def test_billing_month_containing_an_instant(instant, tz, month):
    assert str(BillingMonth.containing(instant, tz)) == month


def test_the_same_instant_is_in_different_months_in_different_zones():
    # 2026-01-31T16:00Z is 2026-02-01 01:00 in Tokyo and 2026-01-31 11:00 in New York
    at = utc(2026, 1, 31, 16)
    assert (str(BillingMonth.containing(at, TOKYO)), str(BillingMonth.containing(at, NEW_YORK))) == (
        "2026-02",
        "2026-01",
    )


def test_billing_month_arithmetic_and_order():
    dec = BillingMonth.of(2025, 12)
    assert dec.next() == BillingMonth.of(2026, 1)
    assert dec.next(14) == BillingMonth.of(2027, 2)
    assert (dec.year, dec.month, str(dec)) == (2025, 12, "2025-12")
    assert BillingMonth.parse("2026-03") < BillingMonth.parse("2026-11") < BillingMonth.parse("2027-01")
    assert BillingMonth.parse("2026-01").end(TOKYO) == BillingMonth.parse("2026-02").start(TOKYO)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026/01", "January", ""])
def test_bad_months_are_refused(text):
    with pytest.raises(InvalidInput):
        BillingMonth.parse(text)


def test_bad_time_zone_is_refused():
    assert check_timezone(NEW_YORK) == NEW_YORK
    with pytest.raises(InvalidInput):
        check_timezone("Mars/Olympus_Mons")


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        require_utc(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        BillingMonth.containing(datetime(2026, 1, 1), TOKYO)
