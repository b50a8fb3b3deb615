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
