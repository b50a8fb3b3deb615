"""Cards on file (R17): at most two, one default, known only by token, brand, last 4, expiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_CARDS = 2
EXPIRY_WARNING = timedelta(days=30)  # R19: the account is warned this long before a card expires


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

    @property
    def expires_at(self) -> datetime:
        """A card is good through the last day of its expiry month; we take the end of that
        day anywhere on Earth (UTC-12), so a card is never called expired while it still works."""
        first_of_next = datetime(self.exp_year + self.exp_month // 12, self.exp_month % 12 + 1, 1, tzinfo=UTC)
        return first_of_next + timedelta(hours=12)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def expiring_soon(self, now: datetime) -> bool:
        return not self.expired(now) and now >= self.expires_at - EXPIRY_WARNING


def charge_order(cards: Sequence[Card], now: datetime) -> list[Card]:
    """R19: the cards to try, default first then the other; an expired card is never charged."""
    return [c for c in sorted(cards, key=lambda c: not c.is_default) if not c.expired(now)]
