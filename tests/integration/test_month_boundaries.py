"""R5 at the month's edges, end to end: devices switched through the services at the last and first
instants of billing months, then closed by close_due_months (R15) on the real database.

Each test builds its own timeline forward from the fixture clock (2026-01-05T03:00Z); the UTC
instants are worked out by hand (Tokyo UTC+9; New York EST UTC-5, EDT UTC-4 from 2026-03-08 to
2026-11-01). The plan prices esp32 at a flat 100 JPY; Tokyo accounts pay 10% tax, the New York
accounts are tax exempt (so an invoice's total is 100 per device counted).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import views
from fleetbill.services.close_month import close_due_months
from tests import factories as f
from tests.conftest import START

TOKYO, NEW_YORK = "Asia/Tokyo", "America/New_York"
MS = timedelta(milliseconds=1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _account_with_device(app, name: str, tz: str) -> tuple[str, str]:
    if tz == TOKYO:
        acc = f.account(app, name=name)
    else:
        acc = f.account(app, name=name, country="US", timezone=tz, tax_status="exempt")
    (dev,) = f.devices(app, acc, 1)
    return acc, dev


def _play(app, clock, events: list[tuple[datetime, str, str, bool]]) -> None:
    """Switch devices at the given instants, moving the clock forward to each."""
    for at, acc, dev, active in sorted(events, key=lambda e: e[0]):
        clock.set(at)
        f.switch(app, acc, [dev], active)


def _invoices(app, account_id: str) -> dict[str, dict]:
    with app.db.transaction() as conn:
        rows = views.invoices(conn, (t.invoices.c.kind == "monthly") & (t.invoices.c.account_id == account_id), 1000)
    return {i["billing_month"]: i for i in rows}


def _quantity(invoice: dict) -> int:
    usage = [line for line in invoice["lines"] if line["kind"] == "usage"]
    assert len(usage) <= 1
    return usage[0]["quantity"] if usage else 0


def _quantities(app, account_id: str, months: list[str]) -> list[int]:
    invoices = _invoices(app, account_id)
    return [_quantity(invoices[m]) for m in months]


def _setup(app) -> None:
    f.device_type(app)
    f.plan(app)  # esp32 at a flat 100 JPY


# --- Asia/Tokyo -------------------------------------------------------------------------------


def test_r5_inactive_at_the_last_millisecond_counts_in_that_month_not_the_next(app, clock):
    # given a Tokyo account whose one device (Active since 2026-01-05) is switched Inactive at
    # 2026-01-31 23:59:59.999 JST = 2026-01-31T14:59:59.999Z
    _setup(app)
    acc, dev = _account_with_device(app, "Tokyo", TOKYO)
    _play(app, clock, [(utc(2026, 1, 31, 15) - MS, acc, dev, False)])
    # when February has ended in Tokyo (2026-03-01 00:00 JST) and the close runs
    clock.set(utc(2026, 2, 28, 15))
    report = close_due_months(app.db, clock, app.settings)
    # then January counts it (100 + 10% = 110) and February does not (nothing to pay)
    assert report.months == ["2026-01", "2026-02"]
    invoices = _invoices(app, acc)
    jan, feb = invoices["2026-01"], invoices["2026-02"]
    assert (_quantity(jan), jan["subtotal"], jan["tax_total"], jan["total"]) == (1, 100, 10, 110)
    assert (_quantity(feb), feb["lines"], feb["total"]) == (0, [], 0)
    assert (jan["period_start"], jan["period_end"]) == (utc(2025, 12, 31, 15), utc(2026, 1, 31, 15))
    assert (feb["period_start"], feb["period_end"]) == (utc(2026, 1, 31, 15), utc(2026, 2, 28, 15))


def test_r5_active_at_exactly_midnight_on_the_1st_counts_in_the_new_month_only(app, clock):
    # given a Tokyo device switched Inactive one second after it was registered (so January counts
    # it), then Active at exactly 2026-03-01 00:00 JST = 2026-02-28T15:00:00Z
    _setup(app)
    acc, dev = _account_with_device(app, "Tokyo", TOKYO)
    _play(app, clock, [(START + timedelta(seconds=1), acc, dev, False), (utc(2026, 2, 28, 15), acc, dev, True)])
    # when March has ended in Tokyo and the close runs
    clock.set(utc(2026, 3, 31, 15))
    close_due_months(app.db, clock, app.settings)
    # then February (Inactive all month) counts 0 and March counts 1
    assert _quantities(app, acc, ["2026-01", "2026-02", "2026-03"]) == [1, 0, 1]
    assert _invoices(app, acc)["2026-03"]["total"] == 110


def test_r5_a_month_does_not_close_before_its_last_instant_has_passed(app, clock):
    # given a Tokyo device Active since January
    _setup(app)
    acc, _ = _account_with_device(app, "Tokyo", TOKYO)
    # when the close runs at 2026-01-31 23:59:59.999 JST, then at 2026-02-01 00:00 JST
    clock.set(utc(2026, 1, 31, 15) - MS)
    before = close_due_months(app.db, clock, app.settings)
    clock.set(utc(2026, 1, 31, 15))
    at = close_due_months(app.db, clock, app.settings)
    # then January closes only once it has ended
    assert (before.months, before.invoices) == ([], 0)
    assert (at.months, at.invoices) == (["2026-01"], 1)
    assert list(_invoices(app, acc)) == ["2026-01"]


# --- America/New_York across the DST months -------------------------------------------------


def test_r5_new_york_march_2026_bounds_start_in_est_and_end_in_edt(app, clock):
    # given four New York accounts with one device each (Active since 2026-01-04 22:00 EST):
    _setup(app)
    off_feb = _account_with_device(app, "off at Feb's last instant", NEW_YORK)
    on_mar = _account_with_device(app, "on at Mar 1 00:00", NEW_YORK)
    off_mar = _account_with_device(app, "off at Mar's last instant", NEW_YORK)
    on_apr = _account_with_device(app, "on at Apr 1 00:00", NEW_YORK)
    _play(
        app,
        clock,
        [
            # the two that will be switched Active go Inactive one second after registration
            (START + timedelta(seconds=1), *on_mar, False),
            (START + timedelta(seconds=1), *on_apr, False),
            # 2026-02-28 23:59:59.999 EST
            (utc(2026, 3, 1, 5) - MS, *off_feb, False),
            # 2026-03-01 00:00 EST
            (utc(2026, 3, 1, 5), *on_mar, True),
            # 2026-03-31 23:59:59.999 EDT
            (utc(2026, 4, 1, 4) - MS, *off_mar, False),
            # 2026-04-01 00:00 EDT
            (utc(2026, 4, 1, 4), *on_apr, True),
        ],
    )
    # when April has ended in New York (2026-05-01 00:00 EDT) and the close runs
    clock.set(utc(2026, 5, 1, 4))
    report = close_due_months(app.db, clock, app.settings)
    # then each switch counts on its own side of the boundary
    assert report.months == ["2026-01", "2026-02", "2026-03", "2026-04"]
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert _quantities(app, off_feb[0], months) == [1, 1, 0, 0]
    assert _quantities(app, on_mar[0], months) == [1, 0, 1, 1]
    assert _quantities(app, off_mar[0], months) == [1, 1, 1, 0]
    assert _quantities(app, on_apr[0], months) == [1, 0, 0, 1]
    # and March's invoice covers [2026-03-01 00:00 EST, 2026-04-01 00:00 EDT), 100 per device, no tax
    march = _invoices(app, off_mar[0])["2026-03"]
    assert (march["period_start"], march["period_end"]) == (utc(2026, 3, 1, 5), utc(2026, 4, 1, 4))
    assert (march["subtotal"], march["tax_total"], march["total"]) == (100, 0, 100)
    assert march["tax_note"] is not None


def test_r5_new_york_november_2026_bounds_start_in_edt_and_end_in_est(app, clock):
    # given four New York accounts with one device each, switched at November's edges
    _setup(app)
    off_oct = _account_with_device(app, "off at Oct's last instant", NEW_YORK)
    on_nov = _account_with_device(app, "on at Nov 1 00:00", NEW_YORK)
    off_nov = _account_with_device(app, "off at Nov's last instant", NEW_YORK)
    on_dec = _account_with_device(app, "on at Dec 1 00:00", NEW_YORK)
    _play(
        app,
        clock,
        [
            (START + timedelta(seconds=1), *on_nov, False),
            (START + timedelta(seconds=1), *on_dec, False),
            # 2026-10-31 23:59:59.999 EDT
            (utc(2026, 11, 1, 4) - MS, *off_oct, False),
            # 2026-11-01 00:00 EDT (two hours before the clocks go back)
            (utc(2026, 11, 1, 4), *on_nov, True),
            # 2026-11-30 23:59:59.999 EST
            (utc(2026, 12, 1, 5) - MS, *off_nov, False),
            # 2026-12-01 00:00 EST
            (utc(2026, 12, 1, 5), *on_dec, True),
        ],
    )
    # when December has ended in New York (2027-01-01 00:00 EST) and the close runs
    clock.set(utc(2027, 1, 1, 5))
    report = close_due_months(app.db, clock, app.settings)
    # then each switch counts on its own side of the boundary
    assert report.months[-3:] == ["2026-10", "2026-11", "2026-12"] and len(report.months) == 12
    months = ["2026-10", "2026-11", "2026-12"]
    assert _quantities(app, off_oct[0], months) == [1, 0, 0]
    assert _quantities(app, on_nov[0], months) == [0, 1, 1]
    assert _quantities(app, off_nov[0], months) == [1, 1, 0]
    assert _quantities(app, on_dec[0], months) == [0, 0, 1]
    # and November's invoice covers [2026-11-01 00:00 EDT, 2026-12-01 00:00 EST)
    november = _invoices(app, off_nov[0])["2026-11"]
    assert (november["period_start"], november["period_end"]) == (utc(2026, 11, 1, 4), utc(2026, 12, 1, 5))
    assert november["total"] == 100


# --- a leap-year February ---------------------------------------------------------------------


def test_r5_leap_year_february_2028_closes_with_29_days(app, clock):
    # given two Tokyo accounts: one device Inactive from 2026-01-05 until it is switched Active on
    # the leap day (2028-02-29 12:00 JST = 03:00Z), one switched Inactive at the leap day's last
    # millisecond (2028-02-29 23:59:59.999 JST = 14:59:59.999Z)
    _setup(app)
    on_leap_day = _account_with_device(app, "on on the leap day", TOKYO)
    off_at_end = _account_with_device(app, "off at Feb 29 23:59:59.999", TOKYO)
    _play(
        app,
        clock,
        [
            (START + timedelta(seconds=1), *on_leap_day, False),
            (utc(2028, 2, 29, 3), *on_leap_day, True),
            (utc(2028, 2, 29, 15) - MS, *off_at_end, False),
        ],
    )
    # when the close runs at that last millisecond, then at 2028-03-01 00:00 JST, then after March
    before = close_due_months(app.db, clock, app.settings)  # 24 months a run (R15): 2026-01..2027-12
    assert before.months_remaining == 1
    before = close_due_months(app.db, clock, app.settings)
    clock.set(utc(2028, 2, 29, 15))
    at_march = close_due_months(app.db, clock, app.settings)
    clock.set(utc(2028, 3, 31, 15))
    close_due_months(app.db, clock, app.settings)
    # then February 2028 was still open at its last millisecond and closed at March's first instant
    assert before.months[-1] == "2028-01"
    assert at_march.months == ["2028-02"]
    # with bounds [2028-02-01 00:00 JST, 2028-03-01 00:00 JST): 29 days
    feb = _invoices(app, on_leap_day[0])["2028-02"]
    assert (feb["period_start"], feb["period_end"]) == (utc(2028, 1, 31, 15), utc(2028, 2, 29, 15))
    assert feb["period_end"] - feb["period_start"] == timedelta(days=29)
    # and the leap day belongs to February; the last millisecond too, March does not get it
    months = ["2028-01", "2028-02", "2028-03"]
    assert _quantities(app, on_leap_day[0], months) == [0, 1, 1]
    assert _quantities(app, off_at_end[0], months) == [1, 1, 0]
    assert (feb["subtotal"], feb["tax_total"], feb["total"]) == (100, 10, 110)
