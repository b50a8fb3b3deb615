"""R16: credit points (1 point = 1 JPY) pay the invoice total, tax included, earliest-expiring first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fleetbill.domain.invoice import FeeCharge, assemble_invoice
from fleetbill.domain.points import PointGrant, PointUse, apply_points, usable_balance

CLOSE = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)  # January's end in Tokyo: points valid then pay January
GRANTED = datetime(2026, 1, 2, tzinfo=UTC)
US = timedelta(microseconds=1)


def grant(gid: str, remaining: int, expires_at: datetime | None = None, granted_at: datetime = GRANTED) -> PointGrant:
    return PointGrant(gid, remaining, granted_at, expires_at)


def spent(uses: tuple[PointUse, ...]) -> int:
    return sum(u.amount for u in uses)


def test_r16_no_points_pay_nothing():
    # given no grants, when 346 is due
    uses = apply_points([], 346, CLOSE)
    # then nothing is used
    assert uses == ()


def test_r16_partial_points_pay_what_they_can():
    # given 100 points, when 346 is due
    uses = apply_points([grant("g1", 100)], 346, CLOSE)
    # then all 100 are used and 246 remain to collect
    assert uses == (PointUse("g1", 100),)
    assert 346 - spent(uses) == 246


def test_r16_points_exactly_the_total_pay_it_all():
    uses = apply_points([grant("g1", 346)], 346, CLOSE)
    assert uses == (PointUse("g1", 346),)


def test_r16_more_points_than_the_total_use_only_the_total():
    # given 1,000 points in one grant and 500 in another, when 346 is due
    grants = [grant("g1", 1_000, CLOSE + timedelta(days=10)), grant("g2", 500, CLOSE + timedelta(days=20))]
    uses = apply_points(grants, 346, CLOSE)
    # then only 346 are used, all from the earlier-expiring grant, which keeps 654 (never below 0)
    assert uses == (PointUse("g1", 346),)
    assert grants[0].remaining - uses[0].amount == 654


def test_r16_nothing_due_uses_no_points():
    assert apply_points([grant("g1", 100)], 0, CLOSE) == ()
    assert apply_points([grant("g1", 100)], -50, CLOSE) == ()


def test_r16_earliest_expiring_first_never_expiring_last():
    # given four grants: one never expiring (granted first), and three expiring in June, March, April
    grants = [
        grant("forever", 100, None, granted_at=GRANTED - timedelta(days=30)),
        grant("june", 100, datetime(2026, 6, 1, tzinfo=UTC)),
        grant("march", 100, datetime(2026, 3, 1, tzinfo=UTC)),
        grant("april", 100, datetime(2026, 4, 1, tzinfo=UTC)),
    ]
    # when 350 is due
    uses = apply_points(grants, 350, CLOSE)
    # then March, April and June are used up in that order, and only 50 of the never-expiring ones
    assert uses == (
        PointUse("march", 100),
        PointUse("april", 100),
        PointUse("june", 100),
        PointUse("forever", 50),
    )


def test_r16_never_expiring_points_are_used_when_the_others_are_not_enough():
    grants = [grant("forever", 500, None), grant("soon", 20, CLOSE + timedelta(hours=1))]
    assert apply_points(grants, 30, CLOSE) == (PointUse("soon", 20), PointUse("forever", 10))


def test_r16_a_grant_is_usable_up_to_but_not_at_its_expiry_instant():
    # given a grant expiring at exactly the close instant, and one a microsecond after it
    at_close = grant("at-close", 100, CLOSE)
    just_after = grant("just-after", 100, CLOSE + US)
    # when the close pays 150 at CLOSE
    uses = apply_points([at_close, just_after], 150, CLOSE)
    # then the grant expiring at CLOSE is not usable; the other one is
    assert uses == (PointUse("just-after", 100),)
    # and one microsecond earlier both were, the earlier-expiring one first
    assert apply_points([at_close, just_after], 150, CLOSE - US) == (
        PointUse("at-close", 100),
        PointUse("just-after", 50),
    )
    assert usable_balance([at_close, just_after], CLOSE) == 100
    assert usable_balance([at_close, just_after], CLOSE - US) == 200


def test_r16_a_grant_is_not_usable_before_it_is_granted_nor_once_used_up():
    later = grant("later", 100, None, granted_at=CLOSE + US)
    empty = grant("empty", 0, None)
    assert apply_points([later, empty], 100, CLOSE) == ()
    assert usable_balance([later, empty], CLOSE) == 0
    # from its grant instant on it is usable
    assert apply_points([later], 100, CLOSE + US) == (PointUse("later", 100),)


def _invoice_346(grants, points_at=CLOSE):
    fees = [FeeCharge(f"fee {i}", 105, CLOSE - timedelta(days=31), CLOSE, Decimal("0.10")) for i in range(3)]
    return assemble_invoice(currency="JPY", usage=(), fees=fees, grants=grants, points_at=points_at)


def test_r16_points_pay_the_total_with_tax_included():
    # given an invoice of 315 + 31 tax = 346 and 1,000 points
    draft = _invoice_346([grant("g1", 1_000)])
    # then the points pay the whole 346 (they are a way of paying, not a discount: tax stays 31)
    assert (draft.subtotal, draft.tax_total, draft.total) == (315, 31, 346)
    assert draft.point_uses == (PointUse("g1", 346),)
    assert (draft.points_applied, draft.amount_due) == (346, 0)


def test_r16_points_short_of_the_total_leave_the_rest_to_the_card():
    # given the same 346 invoice and 340 points
    draft = _invoice_346([grant("g1", 340)])
    # then tax is still 31 on 315 and 6 is left to collect
    assert (draft.tax_total, draft.points_applied, draft.amount_due) == (31, 340, 6)


def test_r16_points_expired_at_the_close_do_not_pay_it():
    draft = _invoice_346([grant("g1", 1_000, expires_at=CLOSE)])
    assert (draft.points_applied, draft.amount_due) == (0, 346)
