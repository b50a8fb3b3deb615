"""R17, R19: a card's expiry month is read on the account's own calendar, through the API and the
due jobs on the real database: a card valid through 01/2026 is not charged at 01:00 Tokyo on
Feb 1 (16:00 on Jan 31 in UTC), and a card is not "expiring soon" once its month has ended there.

Same catalog and accounts as test_collection: esp32 at 100 JPY, Japan's 10%, Asia/Tokyo accounts
that sign up at 2026-01-05T03:00Z; one device Active all January bills 100 + 10 = 110 JPY.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.integration import test_collection as collection
from tests.integration.test_collection import VISA, Billing

ONE_AM_FEB_1_TOKYO = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)  # January has ended in Tokyo, not in UTC
ONE_AM_MAR_1_TOKYO = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)


@pytest.fixture
def billing(api, app) -> Billing:
    """test_collection's catalog and helpers."""
    return collection.billing.__wrapped__(api, app)


def test_r19_a_card_through_01_2026_is_not_charged_at_01_00_tokyo_on_feb_1(billing, app):
    # given: a Tokyo account with one device and one card, valid through 01/2026
    acme = billing.account()
    billing.devices(acme, 1)
    card = billing.add_card(acme, VISA, exp_month=1, exp_year=2026)

    # when: the due jobs run at 01:00 on Feb 1 in Tokyo: January closes and its collection opens
    billing.at(ONE_AM_FEB_1_TOKYO)
    done = billing.run()

    # then: January is billed 110 JPY, but the card (its month over in Tokyo) is never charged;
    # the try fails for want of a usable card, and the card no longer shows as expiring soon
    invoice = billing.invoice(acme)
    assert (invoice["total"], invoice["amount_due"], invoice["status"]) == (110, 110, "open")
    assert done["collect"]["declined"] == [invoice["id"]]
    assert app.gateway.charges == ()
    assert billing.attempts(invoice["id"]) == []
    [stored] = billing.cards(acme)
    assert (stored["id"], stored["expiring_soon"]) == (card["id"], False)


def test_r17_a_card_whose_month_has_ended_in_the_accounts_zone_is_refused_when_added(billing, app):
    # given: 01:00 on Feb 1 in Tokyo, still January in UTC
    acme = billing.account()
    billing.at(ONE_AM_FEB_1_TOKYO)

    # when: a card valid through 01/2026 is added
    token = billing.token(VISA, 1, 2026)
    answer = billing.api.post(f"/v1/accounts/{acme}/cards", json={"token": token})

    # then: refused with what to do, and nothing is on file
    assert answer.status_code == 422, answer.text
    assert "expired in 01/2026" in answer.json()["detail"]
    assert billing.cards(acme) == []


def test_r19_no_expiry_warning_once_the_cards_month_has_ended_in_the_accounts_zone(billing, app):
    # given: a card valid through 02/2026 added in January (before its 30-day warning), and a
    # second card, so the account still has one that pays
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA, exp_month=2, exp_year=2026)
    billing.add_card(acme, "5555 5555 5555 4444", exp_month=12, exp_year=2030)
    assert billing.run()["cards_warned"] == 0

    # when: the first due-jobs run after that is at 01:00 on Mar 1 in Tokyo (Feb 28 in UTC)
    billing.at(ONE_AM_MAR_1_TOKYO)
    done = billing.run()

    # then: no "expires soon" warning for a card that has already expired there, on any surface
    assert done["cards_warned"] == 0
    assert "card_expiring" not in billing.kinds(acme)
    assert [c["expiring_soon"] for c in billing.cards(acme)] == [False, False]
