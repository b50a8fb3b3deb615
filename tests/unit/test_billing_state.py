"""An account's billing state (domain.billing_state, R10, R19): the most serious fact wins, the
features follow the state, and the days its sentence names are the account's days."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleetbill.domain.billing_state import BillingState, Late, billing_state
from fleetbill.domain.entitlements import entitlements

TRY = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 01:00 on Dec 2 in Tokyo, still Dec 1 in UTC
DUE = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)  # 00:00 on Jan 1 in Tokyo: the last day to pay is Dec 31
CARD_LATE = Late("FB-00000007", by_transfer=False, next_try_at=TRY, due_at=None)


def state(**facts):
    base = dict(timezone="Asia/Tokyo", by_transfer=False, suspended=None, awaiting_purchase=None, late=None)
    return billing_state(**(base | facts))


@pytest.mark.parametrize(
    ("facts", "expected", "on"),
    [
        ({}, BillingState.ACTIVE, True),
        ({"late": CARD_LATE}, BillingState.PAYMENT_FAILING, True),
        ({"late": CARD_LATE, "awaiting_purchase": "FB-00000001"}, BillingState.AWAITING_PAYMENT, False),
        (
            {"late": CARD_LATE, "awaiting_purchase": "FB-00000001", "suspended": ("FB-00000003", TRY)},
            BillingState.SUSPENDED,
            False,
        ),
    ],
)
def test_r10_r19_the_most_serious_fact_wins_and_the_features_follow(facts, expected, on):
    standing = state(**facts)
    assert (standing.state, standing.features_on) == (expected, on)
    assert {e.enabled for e in entitlements(["api", "dashboard"], standing)} == {on}


def test_r19_a_failed_try_names_the_next_try_on_the_accounts_day():
    # a try at 01:00 on Dec 2 in Tokyo is Dec 2 there, though Dec 1 in UTC
    assert state(late=CARD_LATE).summary() == (
        "A payment failed. Invoice FB-00000007 could not be charged; the plan's features stay on, "
        "and we try again on 2026-12-02."
    )
    assert state(late=CARD_LATE, timezone="UTC").summary().endswith("we try again on 2026-12-01.")


def test_r18_an_overdue_transfer_names_its_last_day_to_pay():
    late = Late("FB-00000009", by_transfer=True, next_try_at=None, due_at=DUE)
    standing = state(late=late, by_transfer=True)
    assert standing.state == BillingState.PAYMENT_FAILING and standing.features_on
    assert "was due by 2026-12-31 and is not paid yet" in standing.summary()


def test_r19_suspended_and_awaiting_name_their_invoice():
    assert state(suspended=("FB-00000003", TRY)).summary() == (
        "Suspended: invoice FB-00000003 is unpaid, so the plan's features are off until it is paid."
    )
    assert state(awaiting_purchase="FB-00000001").summary() == (
        "The plan's features are off until its purchase invoice FB-00000001 is paid."
    )
    assert state().summary() == "The plan's features are on." and state().invoice_number is None
