"""R20 (issue 12 item 4): the budget's pure rules: which thresholds a projection reaches, which are
still to tell, the budget in force, and what a budget may be."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.budget import MAX_BUDGET, Budget, checked_budget, effective_budget, newly_reached, reached, share
from fleetbill.domain.errors import InvalidInput


def test_r20_a_threshold_is_reached_at_its_share_of_the_budget_in_whole_yen():
    # given a budget of 1,001 JPY: 80% is 800.8 JPY, so 800 has not reached it and 801 has
    assert reached(800, 1_001) == ()
    assert reached(801, 1_001) == (80,)
    assert reached(1_000, 1_001) == (80,)
    assert reached(1_001, 1_001) == (80, 100)
    assert reached(0, 1) == ()


def test_r20_only_the_thresholds_not_yet_told_this_month_are_told():
    assert newly_reached(1_100, 1_000, told=()) == (80, 100)
    assert newly_reached(1_100, 1_000, told=(80,)) == (100,)
    assert newly_reached(1_100, 1_000, told=(80, 100)) == ()
    assert newly_reached(700, 1_000, told=()) == ()


@given(projection=st.integers(0, 10**13), budget=st.integers(1, MAX_BUDGET))
def test_r20_reaching_100_percent_means_reaching_80_too(projection, budget):
    found = reached(projection, budget)
    assert (100 in found) == (projection >= budget)
    assert 100 not in found or 80 in found
    assert share(projection, budget) * budget <= projection * 100


def test_r20_the_accounts_own_budget_is_in_force_else_its_plans_default():
    assert effective_budget(5_000, 9_000) == Budget(5_000, "account")
    assert effective_budget(None, 9_000) == Budget(9_000, "plan")
    assert effective_budget(None, None) is None


@pytest.mark.parametrize("bad", [0, -1, 1.5, "5000", True, MAX_BUDGET + 1, [1]])
def test_r20_a_budget_is_a_whole_positive_number_of_yen(bad):
    with pytest.raises(InvalidInput, match="whole number of JPY"):
        checked_budget(bad)
    assert checked_budget(1) == 1 and checked_budget(MAX_BUDGET) == MAX_BUDGET and checked_budget(None) is None
