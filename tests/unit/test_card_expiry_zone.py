"""R17, R19: a card valid "through MM/YYYY" is judged on the account's own calendar: it expires at
00:00 on the 1st of the next month in the account's time zone, never at some UTC instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleetbill.domain.cards import Card, card_expired, card_valid_until, charge_order

SECOND = timedelta(seconds=1)
DEC_1_TOKYO = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 00:00 on Dec 1 in Tokyo
ONE_AM_DEC_1_TOKYO = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # still Nov 30 in UTC


def card(exp_month: int, exp_year: int, tz: str = "Asia/Tokyo", *, default: bool = True, cid: str = "c1") -> Card:
    return Card(cid, "acct", f"tok_{cid}", "visa", "4242", exp_month, exp_year, default, tz)


def test_r19_a_card_through_11_2026_is_expired_at_01_00_tokyo_on_dec_1_and_never_charged():
    # given a Tokyo account's only card, valid through 11/2026
    through_november = card(11, 2026)
    # when it is 01:00 on Dec 1 in Tokyo (16:00 on Nov 30 in UTC: still November there)
    # then the card has expired: its month has ended where the customer is, so it is not charged
    assert through_november.expired(ONE_AM_DEC_1_TOKYO)
    assert charge_order([through_november], ONE_AM_DEC_1_TOKYO) == []


def test_r19_the_card_expires_exactly_at_midnight_on_the_1st_in_the_accounts_zone():
    # given the same card in Tokyo, and in Los Angeles (UTC-8 in December)
    tokyo, los_angeles = card(11, 2026), card(11, 2026, "America/Los_Angeles")
    # then each is good up to, not at, its own midnight on Dec 1
    assert tokyo.expires_at == DEC_1_TOKYO
    assert not tokyo.expired(DEC_1_TOKYO - SECOND) and tokyo.expired(DEC_1_TOKYO)
    la_midnight = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert los_angeles.expires_at == la_midnight
    assert not los_angeles.expired(la_midnight - SECOND) and los_angeles.expired(la_midnight)
    assert [c.id for c in charge_order([los_angeles], ONE_AM_DEC_1_TOKYO)] == ["c1"]  # still November in LA


def test_r19_expiring_soon_is_the_30_days_before_the_local_end_and_never_after_it():
    # given a Tokyo card valid through 11/2026: it ends at 2026-11-30T15:00Z
    through_november = card(11, 2026)
    warn_from = DEC_1_TOKYO - timedelta(days=30)
    # then it is "expiring soon" from 30 days before that instant up to it, and not after it
    assert not through_november.expiring_soon(warn_from - SECOND)
    assert through_november.expiring_soon(warn_from)
    assert through_november.expiring_soon(DEC_1_TOKYO - SECOND)
    assert not through_november.expiring_soon(ONE_AM_DEC_1_TOKYO)  # expired there, not "soon"


def test_r19_the_default_card_first_then_the_other_unless_expired_in_the_accounts_zone():
    # given an expired default card (through 11/2026) and a valid other one, in Tokyo at 01:00 Dec 1
    expired_default, other = card(11, 2026, cid="old"), card(12, 2030, default=False, cid="new")
    # then only the other is tried
    assert [c.id for c in charge_order([other, expired_default], ONE_AM_DEC_1_TOKYO)] == ["new"]


@pytest.mark.parametrize("month, year, end", [(12, 2026, datetime(2026, 12, 31, 15, tzinfo=UTC)), (2, 2028, None)])
def test_r17_a_card_valid_through_december_or_february_ends_with_its_month(month, year, end):
    # given December (the year rolls over) and a leap February, in Tokyo
    end = end or datetime(2028, 2, 29, 15, tzinfo=UTC)
    # then the card is valid up to local midnight on the next 1st, and a new one is refused from then
    assert card_valid_until(month, year, "Asia/Tokyo") == end
    assert not card_expired(month, year, end - SECOND, "Asia/Tokyo")
    assert card_expired(month, year, end, "Asia/Tokyo")


def test_r19_a_naive_now_is_refused():
    with pytest.raises(ValueError):
        card(11, 2026).expired(datetime(2026, 12, 1, 1, 0))
