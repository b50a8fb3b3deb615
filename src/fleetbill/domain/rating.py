"""Rating: a quantity of devices priced through graduated tiers (R7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Tier:
    """Devices up to `up_to` (inclusive; None = no limit) cost `unit_price` each per month."""

    up_to: int | None
    unit_price: int  # minor units per device per month, tax-exclusive (R8)


@dataclass(frozen=True, slots=True)
class TierCharge:
    """The part of a line that one tier priced: devices `first`..`last` at `unit_price`."""

    first: int
    last: int
    unit_price: int
    amount: int

    @property
    def quantity(self) -> int:
        return self.last - self.first + 1


def check_tiers(tiers: Sequence[Tier]) -> tuple[Tier, ...]:
    """Validate a graduated price: ascending limits, the last one open-ended, no negative price."""
    if not tiers:
        raise InvalidInput("a price needs at least one tier; a flat price is one tier with up_to null")
    previous = 0
    for i, tier in enumerate(tiers):
        if tier.unit_price < 0:
            raise InvalidInput(f"tier {i + 1}: unit_price must be 0 or more, not {tier.unit_price}")
        last = i == len(tiers) - 1
        if last and tier.up_to is not None:
            raise InvalidInput("the last tier must have up_to null, so every quantity has a price")
        if not last:
            if tier.up_to is None:
                raise InvalidInput(f"tier {i + 1}: only the last tier may have up_to null")
            if tier.up_to <= previous:
                raise InvalidInput(
                    f"tier {i + 1}: up_to {tier.up_to} must be greater than the tier before ({previous})"
                )
            previous = tier.up_to
    return tuple(tiers)


def rate_graduated(tiers: Sequence[Tier], quantity: int) -> tuple[int, tuple[TierCharge, ...]]:
    """R7: price `quantity` devices through graduated tiers; returns (amount, breakdown)."""
    if quantity < 0:
        raise ValueError("quantity must be 0 or more")
    charges: list[TierCharge] = []
    first = 1
    for tier in tiers:
        if first > quantity:
            break
        last = quantity if tier.up_to is None else min(tier.up_to, quantity)
        if last >= first:
            n = last - first + 1
            charges.append(TierCharge(first, last, tier.unit_price, n * tier.unit_price))
            first = last + 1
    return sum(c.amount for c in charges), tuple(charges)


# How an invoice's tier row reads, the same on the PDF and the billing page's estimate: one
# wording, so the estimate explains its total as the invoice will.
TIER_ROW = {
    "en": "Devices {first}-{last}: {count} x {price}",
    "ja": "{first}〜{last}台目: {count}台 × {price}",
}


def tier_rows(charges: Sequence[TierCharge]) -> tuple[TierCharge, ...]:
    """R7: the tiers shown beneath a usage line, free ones too: none when a single tier priced the
    whole line, since the line's quantity and amount already say it."""
    return tuple(charges) if len(charges) > 1 else ()


def describe_tier(charge: TierCharge, lang: str, price: str) -> str:
    """A tier row in `lang` ("en" or "ja"), its unit price already formatted as `price`."""
    return TIER_ROW[lang].format(first=charge.first, last=charge.last, count=charge.quantity, price=price)
