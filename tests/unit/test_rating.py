"""R7: graduated tiers (domain.rating), at their exact edges, and refused when malformed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.errors import InvalidInput
from fleetbill.domain.invoice import UsageCharge, assemble_invoice
from fleetbill.domain.rating import Tier, TierCharge, check_tiers, rate_graduated

FIRST_3_FREE = (Tier(3, 0), Tier(None, 300))
# 1-10 at 500, 11-50 at 400, 51 and up at 250
VOLUME = (Tier(10, 500), Tier(50, 400), Tier(None, 250))


# --- R7: "first 3 devices: 0 JPY, then: 300 JPY per device per month" -----------------------


def test_r7_first_3_free_peak_3_costs_0():
    # given the first-3-free price, when a peak of 3 is rated
    amount, breakdown = rate_graduated(FIRST_3_FREE, 3)
    # then all three fall in the free tier
    assert amount == 0
    assert breakdown == (TierCharge(1, 3, 0, 0),)


def test_r7_first_3_free_peak_4_costs_300():
    # given the first-3-free price, when a peak of 4 is rated
    amount, breakdown = rate_graduated(FIRST_3_FREE, 4)
    # then the 4th device is the first one paid: 1 x 300
    assert amount == 300
    assert breakdown == (TierCharge(1, 3, 0, 0), TierCharge(4, 4, 300, 300))
    assert [c.quantity for c in breakdown] == [3, 1]


def test_r7_peak_0_costs_0_with_no_breakdown():
    # given the first-3-free price, when no device was Active
    # then nothing is charged and no tier appears
    assert rate_graduated(FIRST_3_FREE, 0) == (0, ())


def test_r7_first_3_free_peak_10():
    # given the first-3-free price, when a peak of 10 is rated
    amount, breakdown = rate_graduated(FIRST_3_FREE, 10)
    # then devices 4..10 (7 of them) cost 300 each: 2,100
    assert amount == 2_100
    assert breakdown == (TierCharge(1, 3, 0, 0), TierCharge(4, 10, 300, 2_100))


def test_r7_flat_price_is_one_tier():
    # given a flat 100 JPY per device, when 7 devices are rated
    # then 7 x 100
    assert rate_graduated([Tier(None, 100)], 7) == (700, (TierCharge(1, 7, 100, 700),))


@pytest.mark.parametrize(
    ("quantity", "amount", "breakdown"),
    [
        (1, 500, [(1, 1, 500, 500)]),
        (10, 5_000, [(1, 10, 500, 5_000)]),  # the first tier's last device
        (11, 5_400, [(1, 10, 500, 5_000), (11, 11, 400, 400)]),  # the second tier's first device
        (50, 21_000, [(1, 10, 500, 5_000), (11, 50, 400, 16_000)]),
        (51, 21_250, [(1, 10, 500, 5_000), (11, 50, 400, 16_000), (51, 51, 250, 250)]),
        (60, 23_500, [(1, 10, 500, 5_000), (11, 50, 400, 16_000), (51, 60, 250, 2_500)]),
    ],
)
def test_r7_multi_tier_breakdown_at_and_around_each_edge(quantity, amount, breakdown):
    # given 1-10 at 500, 11-50 at 400, then 250; when `quantity` devices are rated
    got_amount, got_breakdown = rate_graduated(VOLUME, quantity)
    # then each tier prices only its own devices (worked out by hand in the table)
    assert got_amount == amount
    assert [(c.first, c.last, c.unit_price, c.amount) for c in got_breakdown] == breakdown


def test_r7_negative_quantity_is_refused():
    with pytest.raises(ValueError):
        rate_graduated(FIRST_3_FREE, -1)


def test_r5_r7_two_device_types_each_priced_at_their_own_price():
    # given a peak of 5 esp32 (first 3 free, then 300) and 2 m5stack (flat 1,000), at 10%
    usage = [
        UsageCharge("esp32", "ESP32", 5, FIRST_3_FREE, Decimal("0.10")),
        UsageCharge("m5stack", "M5Stack", 2, [Tier(None, 1_000)], Decimal("0.10")),
    ]
    # when the invoice is assembled
    draft = assemble_invoice(currency="JPY", usage=usage)
    # then esp32 costs 2 x 300 = 600, m5stack 2 x 1,000 = 2,000; tax 10% of 2,600 = 260
    assert [(line.device_type, line.quantity, line.amount) for line in draft.lines] == [
        ("esp32", 5, 600),
        ("m5stack", 2, 2_000),
    ]
    assert (draft.subtotal, draft.tax_total, draft.total) == (2_600, 260, 2_860)


# --- R7: malformed tier lists are refused ----------------------------------------------------


def test_r7_valid_tiers_are_accepted_as_given():
    assert check_tiers(list(VOLUME)) == VOLUME
    assert check_tiers([Tier(None, 0)]) == (Tier(None, 0),)


@pytest.mark.parametrize(
    ("tiers", "says"),
    [
        ([], "at least one tier"),
        ([Tier(3, 0)], "last tier must have up_to null"),
        ([Tier(3, 0), Tier(10, 300)], "last tier must have up_to null"),
        ([Tier(None, 0), Tier(None, 300)], "only the last tier"),
        ([Tier(3, 0), Tier(3, 300), Tier(None, 200)], "must be greater"),
        ([Tier(5, 0), Tier(4, 300), Tier(None, 200)], "must be greater"),
        ([Tier(0, 0), Tier(None, 300)], "must be greater"),
        ([Tier(-2, 0), Tier(None, 300)], "must be greater"),
        ([Tier(3, -1), Tier(None, 300)], "0 or more"),
        ([Tier(None, -300)], "0 or more"),
    ],
)
def test_r7_invalid_tier_lists_are_refused(tiers, says):
    with pytest.raises(InvalidInput) as e:
        check_tiers(tiers)
    assert says in e.value.detail


# --- R7 properties ---------------------------------------------------------------------------


@st.composite
def tier_lists(draw) -> tuple[Tier, ...]:
    limits = sorted(draw(st.sets(st.integers(1, 200), max_size=5)))
    prices = draw(st.lists(st.integers(0, 10_000), min_size=len(limits) + 1, max_size=len(limits) + 1))
    return check_tiers([Tier(u, p) for u, p in zip([*limits, None], prices, strict=True)])


def price_of_nth_device(tiers: tuple[Tier, ...], n: int) -> int:
    """An independent oracle: the nth device costs the price of the first tier whose limit reaches it."""
    return next(t.unit_price for t in tiers if t.up_to is None or n <= t.up_to)


@given(tiers=tier_lists(), quantity=st.integers(0, 400))
def test_r7_amount_is_the_sum_of_the_breakdown_and_of_each_devices_price(tiers, quantity):
    amount, breakdown = rate_graduated(tiers, quantity)
    assert amount == sum(c.amount for c in breakdown)
    assert all(c.amount == c.quantity * c.unit_price and c.quantity >= 1 for c in breakdown)
    # the breakdown covers devices 1..quantity exactly once, in order
    covered = [n for c in breakdown for n in range(c.first, c.last + 1)]
    assert covered == list(range(1, quantity + 1))
    assert amount == sum(price_of_nth_device(tiers, n) for n in range(1, quantity + 1))


@given(tiers=tier_lists(), quantity=st.integers(0, 400))
def test_r7_amount_is_monotone_non_decreasing_in_quantity(tiers, quantity):
    here, _ = rate_graduated(tiers, quantity)
    more, _ = rate_graduated(tiers, quantity + 1)
    assert here <= more
    assert more - here == price_of_nth_device(tiers, quantity + 1)
