"""R9: the price impact's pure rule (domain/price_impact.py): tiers as ranges, the refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.errors import InvalidInput
from fleetbill.domain.price_impact import TierBound, check_every_type_priced, check_top, tier_bounds
from fleetbill.domain.rating import Tier, rate_graduated


def test_r7_graduated_tiers_become_the_ranges_of_devices_each_prices():
    # given first 3 free, devices 4-10 at 120, then 90
    tiers = [Tier(3, 0), Tier(10, 120), Tier(None, 90)]
    # then each tier prices the devices after the one before's limit
    assert tier_bounds(tiers) == (TierBound(0, 3, 0), TierBound(3, 10, 120), TierBound(10, None, 90))


@given(
    limits=st.lists(st.integers(1, 50), max_size=4, unique=True).map(sorted),
    prices=st.lists(st.integers(0, 10_000), min_size=5, max_size=5),
    quantity=st.integers(0, 300),
)
def test_r7_the_ranges_price_a_quantity_as_rate_graduated_does(limits, prices, quantity):
    """R7, R9: the ranges the SQL reads are the tiers rate_graduated walks, not a second rule."""
    tiers = [Tier(up_to, prices[k]) for k, up_to in enumerate(limits)] + [Tier(None, prices[-1])]
    bounds = tier_bounds(tiers)
    by_ranges = sum(
        max(0, min(quantity, b.upper if b.upper is not None else quantity) - b.lower) * b.unit_price for b in bounds
    )
    assert by_ranges == rate_graduated(tiers, quantity)[0]


def test_r9_prices_that_leave_out_a_type_the_window_billed_are_refused_naming_it():
    with pytest.raises(InvalidInput) as refused:
        check_every_type_priced({"esp32": ()}, {"esp32": 5, "m5stack": 3, "gateway": 1})
    assert "gateway (billed to 1 accounts); m5stack (billed to 3 accounts)" in refused.value.detail
    check_every_type_priced({"esp32": (), "lora": ()}, {"esp32": 5})  # a type nobody was billed for may be added


def test_r9_top_is_1_to_100():
    assert check_top(1) == 1 and check_top(100) == 100
    for bad in (0, 101):
        with pytest.raises(InvalidInput, match="top must be 1 to 100"):
            check_top(bad)
