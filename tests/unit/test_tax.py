"""R12 (tax once per invoice per rate, rounding, exempt/reverse charge, rate by region) and
R14 (the qualified-invoice registration number), on domain.tax and domain.invoice."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.errors import InvalidInput
from fleetbill.domain.invoice import FeeCharge, UsageCharge, assemble_invoice
from fleetbill.domain.rating import Tier
from fleetbill.domain.tax import (
    NO_TAX_NOTES,
    TaxAmount,
    TaxRate,
    TaxRounding,
    TaxStatus,
    check_registration_number,
    rate_in_force,
    tax_per_rate,
)

TEN = Decimal("0.10")
EIGHT = Decimal("0.08")
P_START = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
P_END = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)


def usage(device_type: str, quantity: int, unit_price: int, rate: Decimal = TEN) -> UsageCharge:
    return UsageCharge(device_type, device_type.upper(), quantity, [Tier(None, unit_price)], rate)


def fee(amount: int, rate: Decimal = TEN) -> FeeCharge:
    return FeeCharge("Pro fee, 2026-02", amount, P_START, P_END, rate)


def three_lines_of_105(rate: Decimal = TEN) -> dict:
    return dict(usage=[usage("esp32", 1, 105, rate), usage("m5stack", 1, 105, rate)], fees=[fee(105, rate)])


# --- R12: once per invoice per rate ---------------------------------------------------------


def test_r12_three_lines_of_105_at_10_percent_give_31_not_30():
    # given three lines of 105 JPY at 10% (two usage lines and a fixed fee)
    # when the invoice is assembled with the default rounding
    draft = assemble_invoice(currency="JPY", **three_lines_of_105())
    # then tax is taken once on 315: 31.5 rounded down is 31 (per line it would be 10 + 10 + 10 = 30)
    assert [line.amount for line in draft.lines] == [105, 105, 105]
    assert draft.taxes == (TaxAmount(TEN, 315, 31),)
    assert (draft.subtotal, draft.tax_total, draft.total) == (315, 31, 346)
    assert draft.tax_note is None


@pytest.mark.parametrize(
    ("subtotal_lines", "rounding", "tax"),
    [
        # 315 x 10% = 31.5
        ((105, 105, 105), TaxRounding.DOWN, 31),
        ((105, 105, 105), TaxRounding.HALF_UP, 32),
        ((105, 105, 105), TaxRounding.UP, 32),
        # 314 x 10% = 31.4
        ((104, 105, 105), TaxRounding.DOWN, 31),
        ((104, 105, 105), TaxRounding.HALF_UP, 31),
        ((104, 105, 105), TaxRounding.UP, 32),
        # 316 x 10% = 31.6
        ((106, 105, 105), TaxRounding.DOWN, 31),
        ((106, 105, 105), TaxRounding.HALF_UP, 32),
        ((106, 105, 105), TaxRounding.UP, 32),
        # 310 x 10% = 31 exactly: no rounding changes it
        ((100, 105, 105), TaxRounding.DOWN, 31),
        ((100, 105, 105), TaxRounding.HALF_UP, 31),
        ((100, 105, 105), TaxRounding.UP, 31),
    ],
)
def test_r12_rounding_is_a_setting(subtotal_lines, rounding, tax):
    # given three 10% lines, when assembled with each rounding setting
    a, b, c = subtotal_lines
    draft = assemble_invoice(
        currency="JPY", usage=[usage("esp32", 1, a), usage("m5stack", 1, b)], fees=[fee(c)], rounding=rounding
    )
    # then the one tax figure is rounded as the setting says
    assert draft.taxes == (TaxAmount(TEN, a + b + c, tax),)
    assert draft.total == a + b + c + tax


def test_r12_default_rounding_is_down():
    assert tax_per_rate({TEN: 315}) == (TaxAmount(TEN, 315, 31),)
    assert tax_per_rate({TEN: 319}) == (TaxAmount(TEN, 319, 31),)


@pytest.mark.parametrize("status", [TaxStatus.EXEMPT, TaxStatus.REVERSE_CHARGE])
def test_r12_exempt_and_reverse_charge_accounts_get_0_tax_and_the_reason(status):
    # given the three 105 JPY lines at 10%, for an account that pays no tax itself
    # when the invoice is assembled
    draft = assemble_invoice(currency="JPY", tax_status=status, **three_lines_of_105())
    # then the lines are untaxed, the total is the subtotal, and the invoice says why
    assert all(line.tax_rate == 0 for line in draft.lines)
    assert draft.taxes == (TaxAmount(Decimal(0), 315, 0),)
    assert (draft.subtotal, draft.tax_total, draft.total) == (315, 0, 315)
    assert draft.tax_note == NO_TAX_NOTES[status]


def test_r12_the_notes_say_exempt_and_reverse_charge():
    assert "exempt" in NO_TAX_NOTES[TaxStatus.EXEMPT].lower()
    assert "reverse charge" in NO_TAX_NOTES[TaxStatus.REVERSE_CHARGE].lower()


def test_r12_two_rates_on_one_invoice_give_one_tax_figure_per_rate():
    # given 1,000 + 105 at 10%, and 2 x 250 + 333 at 8% (Japan's reduced rate)
    draft = assemble_invoice(
        currency="JPY",
        usage=[usage("esp32", 4, 250, TEN), usage("m5stack", 2, 250, EIGHT)],
        fees=[fee(105, TEN), fee(333, EIGHT)],
    )
    # then: 10% on 1,105 = 110.5 -> 110; 8% on 833 = 66.64 -> 66; each rounded once
    assert draft.taxes == (TaxAmount(EIGHT, 833, 66), TaxAmount(TEN, 1_105, 110))
    assert (draft.subtotal, draft.tax_total, draft.total) == (1_938, 176, 2_114)


def test_r12_an_invoice_with_nothing_to_bill_has_no_tax_line():
    draft = assemble_invoice(currency="JPY", usage=[usage("esp32", 0, 300)], fees=[fee(0)])
    assert (draft.lines, draft.taxes, draft.total) == ((), (), 0)


# --- R12: the rate of the account's country/region, from a dated table ---------------------

JP_2019 = TaxRate("JP", None, TEN, datetime(2019, 9, 30, 15, 0, tzinfo=UTC))
# Japan's real 10% from 2019-10-01 JST; the others are made up to exercise the lookup
JP_2027 = TaxRate("JP", None, Decimal("0.11"), datetime(2027, 3, 31, 15, 0, tzinfo=UTC))
TOKYO_2020 = TaxRate("JP", "JP-13", Decimal("0.12"), datetime(2019, 12, 31, 15, 0, tzinfo=UTC))
US_NY = TaxRate("US", "US-NY", Decimal("0.04"), datetime(2020, 1, 1, 5, 0, tzinfo=UTC))
RATES = [JP_2019, JP_2027, TOKYO_2020, US_NY]
AT_2026 = datetime(2026, 6, 1, tzinfo=UTC)


def test_r12_rate_in_force_prefers_the_subdivisions_own_rate():
    assert rate_in_force(RATES, "JP", "JP-13", AT_2026) == TOKYO_2020
    # a later change of the country's rate does not override the subdivision's own
    assert rate_in_force(RATES, "JP", "JP-13", datetime(2028, 1, 1, tzinfo=UTC)) == TOKYO_2020


def test_r12_rate_in_force_falls_back_to_the_country():
    # a subdivision without its own rate, or no subdivision at all, uses the country's rate
    assert rate_in_force(RATES, "JP", "JP-27", AT_2026) == JP_2019
    assert rate_in_force(RATES, "JP", None, AT_2026) == JP_2019
    # before the subdivision's rate began, the country's applies there too
    assert rate_in_force(RATES, "JP", "JP-13", datetime(2019, 12, 31, 14, 59, tzinfo=UTC)) == JP_2019


def test_r12_rate_in_force_is_dated():
    # the newest rate whose valid_from is at or before the instant
    assert rate_in_force(RATES, "JP", None, JP_2027.valid_from) == JP_2027
    assert rate_in_force(RATES, "JP", None, datetime(2027, 3, 31, 14, 59, 59, tzinfo=UTC)) == JP_2019
    # nothing in force before the first rate, and nothing for a country not in the table
    assert rate_in_force(RATES, "JP", None, datetime(2019, 1, 1, tzinfo=UTC)) is None
    assert rate_in_force(RATES, "DE", None, AT_2026) is None
    # a subdivision's rate never applies to the rest of its country
    assert rate_in_force(RATES, "US", None, AT_2026) is None
    assert rate_in_force(RATES, "US", "US-NY", AT_2026) == US_NY


# --- R14: the registration number -----------------------------------------------------------


def test_r14_the_national_tax_agencys_own_number_is_valid():
    # T + 7000012050002: the 12 digits after the check digit, weighted 1,2,1,2... from the right,
    # sum to 2 + 5 + 2 + 2 x 1 = 11; 9 - 11 mod 9 = 7, the first digit
    assert check_registration_number("T7000012050002") == "T7000012050002"


@pytest.mark.parametrize(
    "number",
    [
        "T8000000000001",  # 12 digits weigh 1: 9 - 1 = 8
        "T9000000000009",  # 9 mod 9 = 0: 9 - 0 = 9
        "T7123456789012",  # the default issuer number in settings: 74 mod 9 = 2, 9 - 2 = 7
    ],
)
def test_r14_check_digits_worked_out_by_hand_are_valid(number):
    assert check_registration_number(number) == number


@pytest.mark.parametrize("wrong", [d for d in "012345689"])
def test_r14_a_wrong_check_digit_is_refused(wrong):
    with pytest.raises(InvalidInput) as e:
        check_registration_number(f"T{wrong}000012050002")
    assert "check digit" in e.value.detail


@pytest.mark.parametrize(
    "number",
    ["7000012050002", "t7000012050002", "T700001205000", "T70000120500020", "T7000012O50002", "T 7000012050002", ""],
)
def test_r14_a_wrong_format_is_refused(number):
    with pytest.raises(InvalidInput) as e:
        check_registration_number(number)
    assert "'T' followed by 13 digits" in e.value.detail


# --- R12 property: floor(sum x rate), once per rate --------------------------------------------

# rates as exact fractions, so the oracle below is plain integer arithmetic
FRACTIONS = {Decimal("0.10"): (10, 100), Decimal("0.08"): (8, 100), Decimal("0.075"): (75, 1000), Decimal("0"): (0, 1)}


@given(
    lines=st.lists(st.tuples(st.integers(0, 1_000_000), st.sampled_from(sorted(FRACTIONS))), min_size=1, max_size=12)
)
def test_r12_tax_per_rate_is_floor_of_the_sum_times_the_rate(lines):
    # given fee lines at a few rates
    fees = [fee(amount, rate) for amount, rate in lines]
    # when assembled with the default rounding
    draft = assemble_invoice(currency="JPY", usage=(), fees=fees)
    # then each rate's tax is floor(sum of its lines x rate), and the total adds them up
    sums: dict[Decimal, int] = defaultdict(int)
    for amount, rate in lines:
        if amount > 0:
            sums[rate] += amount
    expected = tuple(
        TaxAmount(rate, sums[rate], sums[rate] * FRACTIONS[rate][0] // FRACTIONS[rate][1]) for rate in sorted(sums)
    )
    assert draft.taxes == expected
    assert draft.total == sum(sums.values()) + sum(x.tax for x in expected)
