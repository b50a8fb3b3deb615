"""Cards on file (R17): at most two, one default, known only by token, brand, last 4, expiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .periods import BillingMonth, require_utc

MAX_CARDS = 2
EXPIRY_WARNING = timedelta(days=30)  # R19: the account is warned this long before a card expires


def card_valid_until(exp_month: int, exp_year: int, tz: str) -> datetime:
    """The first instant a card valid "through MM/YYYY" is expired: 00:00 on the 1st of the next
    month in the account's time zone `tz` (UTC). See docs/decisions.md, "Card expiry"."""
    # NOTE: R17, R19 the customer reads "11/2026" on their own calendar, so it ends at their midnight.
    return BillingMonth.of(exp_year, exp_month).end(tz)


def card_expired(exp_month: int, exp_year: int, now: datetime, tz: str) -> bool:
    """True once the card's expiry month has ended in `tz` (a new card is refused then, R17)."""
    return require_utc(now) >= card_valid_until(exp_month, exp_year, tz)


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    account_id: str
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    is_default: bool
    account_timezone: str  # the account's IANA zone: the calendar the expiry month is read in (R19)

    @property
    def expires_at(self) -> datetime:
        """The first instant the card is expired, in UTC."""
        return card_valid_until(self.exp_month, self.exp_year, self.account_timezone)

    def expired(self, now: datetime) -> bool:
        return require_utc(now) >= self.expires_at

    def expiring_soon(self, now: datetime) -> bool:
        """R19: within 30 days of its expiry, and not yet expired (an expired card is not "soon")."""
        return not self.expired(now) and now >= self.expires_at - EXPIRY_WARNING


def charge_order(cards: Sequence[Card], now: datetime) -> list[Card]:
    """R19: the cards to try, default first then the other; an expired card is never charged."""
    return [c for c in sorted(cards, key=lambda c: not c.is_default) if not c.expired(now)]
