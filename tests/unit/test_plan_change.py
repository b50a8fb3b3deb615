"""R10: which plan change is an upgrade (bought and started at once) and which a downgrade (at the
next renewal), through domain.plan_change.change_kind.

The rule: the fixed fee per month decides, a yearly fee compared per month without rounding
(fee_a x months_b against fee_b x months_a); at an equal fee per month, the features decide:
more of them (every old feature and at least one new) is an upgrade; the same, fewer or
different ones is a downgrade, which waits for the renewal so nothing already paid for is lost.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleetbill.domain.catalog import Plan, PriceVersion
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.plan_change import ChangeKind, change_kind, monthly_fee
from fleetbill.domain.rating import Tier

MONTHLY, YEARLY = ContractTerm.MONTHLY, ContractTerm.YEARLY
UPGRADE, DOWNGRADE = ChangeKind.UPGRADE, ChangeKind.DOWNGRADE
API = ("api",)
API_DASHBOARD = ("api", "dashboard")
API_ALERTS = ("api", "alerts")


def plan(plan_id: str, term: ContractTerm, features: tuple[str, ...]) -> Plan:
    return Plan(plan_id, plan_id.title(), "JPY", term, 30, CountingMode.PEAK, features)


def version(plan_id: str, fee: int, esp32: int = 100) -> PriceVersion:
    announced = datetime(2025, 11, 1, tzinfo=UTC)
    return PriceVersion(plan_id, BillingMonth.parse("2026-01"), announced, fee, {"esp32": (Tier(None, esp32),)})


def kind(old: tuple[ContractTerm, int, tuple[str, ...]], new: tuple[ContractTerm, int, tuple[str, ...]]) -> ChangeKind:
    """change_kind from (term, fixed fee per period, features) of the old and the new plan."""
    (old_term, old_fee, old_features), (new_term, new_fee, new_features) = old, new
    return change_kind(
        plan("old", old_term, old_features),
        version("old", old_fee),
        plan("new", new_term, new_features),
        version("new", new_fee),
    )


# --- the fee per month decides ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # 1,000 -> 3,000 a month: more per month, whatever the features
        ((MONTHLY, 1_000, API), (MONTHLY, 3_000, API_DASHBOARD), UPGRADE),
        ((MONTHLY, 1_000, API_DASHBOARD), (MONTHLY, 3_000, API), UPGRADE),
        # 3,000 -> 1,000 a month: less per month, even with more features
        ((MONTHLY, 3_000, API_DASHBOARD), (MONTHLY, 1_000, API), DOWNGRADE),
        ((MONTHLY, 3_000, API), (MONTHLY, 1_000, API_DASHBOARD), DOWNGRADE),
        # no fee -> any fee is more; any fee -> no fee is less
        ((MONTHLY, 0, API), (MONTHLY, 1, API), UPGRADE),
        ((MONTHLY, 1, API), (MONTHLY, 0, API_DASHBOARD), DOWNGRADE),
        # yearly 36,000 = 3,000 a month > monthly 1,000; yearly 12,000 = 1,000 a month < 3,000
        ((MONTHLY, 1_000, API), (YEARLY, 36_000, API), UPGRADE),
        ((MONTHLY, 3_000, API), (YEARLY, 12_000, API_DASHBOARD), DOWNGRADE),
        ((YEARLY, 12_000, API), (MONTHLY, 3_000, API), UPGRADE),
        ((YEARLY, 36_000, API), (MONTHLY, 1_000, API_DASHBOARD), DOWNGRADE),
        # yearly to yearly: 24,000 -> 36,000 a year (2,000 -> 3,000 a month)
        ((YEARLY, 24_000, API), (YEARLY, 36_000, API), UPGRADE),
        ((YEARLY, 36_000, API_DASHBOARD), (YEARLY, 24_000, API_DASHBOARD), DOWNGRADE),
    ],
)
def test_r10_r11_a_higher_fee_per_month_is_an_upgrade_and_a_lower_one_a_downgrade(old, new, expected):
    # given an old and a new plan whose fixed fees per month differ
    # when the change is classified
    # then the fee per month alone decides
    assert kind(old, new) is expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # 59,999 a year is 4,999.916... a month: less than 5,000, though it rounds to 5,000 (a
        # downgrade, even with more features); 60,001 a year is 5,000.083...: more (an upgrade,
        # even with fewer). Cross-multiplied: 59,999 x 1 < 5,000 x 12 = 60,000 < 60,001 x 1.
        ((MONTHLY, 5_000, API), (YEARLY, 59_999, API_DASHBOARD), DOWNGRADE),
        ((MONTHLY, 5_000, API_DASHBOARD), (YEARLY, 60_001, API), UPGRADE),
        ((YEARLY, 59_999, API_DASHBOARD), (MONTHLY, 5_000, API), UPGRADE),
        ((YEARLY, 60_001, API), (MONTHLY, 5_000, API_DASHBOARD), DOWNGRADE),
        # 1 yen a year against 0: 1/12 of a yen a month is still more
        ((MONTHLY, 0, API_DASHBOARD), (YEARLY, 1, API), UPGRADE),
        ((YEARLY, 1, API), (MONTHLY, 0, API_DASHBOARD), DOWNGRADE),
    ],
)
def test_r10_r11_a_yearly_fee_is_compared_per_month_without_rounding(old, new, expected):
    # given a monthly and a yearly plan whose fees per month differ by less than a yen
    # when the change is classified
    # then the exact fraction decides, never a rounded monthly figure
    assert kind(old, new) is expected


def test_r11_the_fee_per_month_is_the_fee_over_the_months_of_the_term_as_an_exact_fraction():
    # given a yearly plan at 60,000 and a monthly one at 5,000
    # then their fees per month are 60,000/12 and 5,000/1, kept as fractions (both 5,000 exactly)
    assert monthly_fee(plan("y", YEARLY, API), version("y", 60_000)) == (60_000, 12)
    assert monthly_fee(plan("m", MONTHLY, API), version("m", 5_000)) == (5_000, 1)


# --- at an equal fee per month, the features decide --------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # 60,000 a year = 5,000 a month exactly: more features is an upgrade, in either direction
        ((MONTHLY, 5_000, API), (YEARLY, 60_000, API_DASHBOARD), UPGRADE),
        ((YEARLY, 60_000, API), (MONTHLY, 5_000, API_DASHBOARD), UPGRADE),
        # ...fewer features a downgrade
        ((MONTHLY, 5_000, API_DASHBOARD), (YEARLY, 60_000, API), DOWNGRADE),
        ((YEARLY, 60_000, API_DASHBOARD), (MONTHLY, 5_000, API), DOWNGRADE),
        # ...different ones (neither holds the other) a downgrade: something would be lost
        ((MONTHLY, 5_000, API_DASHBOARD), (YEARLY, 60_000, API_ALERTS), DOWNGRADE),
        ((MONTHLY, 1_000, API_DASHBOARD), (MONTHLY, 1_000, API_ALERTS), DOWNGRADE),
        # the same fee and the same term: a strict superset of the features is an upgrade
        ((MONTHLY, 1_000, API), (MONTHLY, 1_000, API_DASHBOARD), UPGRADE),
        ((MONTHLY, 0, ()), (MONTHLY, 0, API), UPGRADE),
        ((MONTHLY, 0, API), (MONTHLY, 0, ()), DOWNGRADE),
    ],
)
def test_r10_r11_at_an_equal_fee_per_month_more_features_is_an_upgrade(old, new, expected):
    # given plans whose fees per month are equal (60,000/12 = 5,000 without rounding)
    # when the change is classified
    # then the features decide: a superset (every old feature and more) is an upgrade
    assert kind(old, new) is expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ((MONTHLY, 5_000, API_DASHBOARD), (YEARLY, 60_000, API_DASHBOARD)),
        ((YEARLY, 60_000, API_DASHBOARD), (MONTHLY, 5_000, API_DASHBOARD)),
        ((MONTHLY, 1_000, API), (MONTHLY, 1_000, API)),
    ],
)
def test_r10_r11_the_same_fee_per_month_and_the_same_features_is_not_an_upgrade(old, new):
    # given plans with equal fees per month (60,000 a year = 5,000 a month) and the same features
    # when the change is classified
    # then it is a downgrade, taking effect at the renewal: bought at once as an "upgrade", a
    # yearly plan's prepaid months would be lost (fees are never refunded) and a monthly plan's
    # month paid twice, for nothing more
    assert kind(old, new) is DOWNGRADE


def test_r10_the_fee_in_force_is_the_one_compared_not_the_device_prices():
    # given two monthly plans at 1,000 a month with the same features, the new one's esp32 dearer
    old, new = plan("old", MONTHLY, API), plan("new", MONTHLY, API_DASHBOARD)
    # when classified with the new plan's esp32 at 100 or at 1,000 a device
    cheap = change_kind(old, version("old", 1_000, esp32=500), new, version("new", 1_000, esp32=100))
    dear = change_kind(old, version("old", 1_000, esp32=100), new, version("new", 1_000, esp32=1_000))
    # then only the fixed fee and the features count: both are upgrades (more features)
    assert cheap is dear is UPGRADE
