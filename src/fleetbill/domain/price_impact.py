"""R9: a price change's impact before it is announced: what a proposed price version would have
billed over each account's last three closed months, against what those months billed.

The rule, decided in /work/notes/decisions-price-impact.md (docs/decisions.md once merged):

- The window is each account's own last `WINDOW_MONTHS` closed months (the months up to its
  `closed_through`, which the close moves in its transaction); an account with fewer closed months
  is compared over those it has, and one with none is left out and counted.
- "Before" is what those months' invoices billed for device usage; "after" is the same invoiced
  quantities re-rated through the proposed tiers (R7: the same graduated rating as
  `rating.rate_graduated`, which the tests hold the set-based SQL equal to). Credit notes correct
  money, not counts, so they change neither side.
- Amounts are tax-exclusive (R8): tax depends on each invoice's rates and rounding, not on prices.
- The fixed fee is not re-billed into the figures: it is shown beside them, the fee a period before
  and after, as every account on the plan pays it alike at its renewals.
- A proposed version with no price for a device type that the window billed is refused: the close
  could not bill those accounts (it refuses a month whose device type has no price).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidInput
from .rating import Tier, check_tiers

WINDOW_MONTHS = 3  # R9 (issue 12): each account's last three closed months
TOP_INCREASES = 10  # the largest increases listed unless asked for another number
MAX_TOP = 100


@dataclass(frozen=True, slots=True)
class TierBound:
    """One graduated tier as the range of devices it prices: devices `lower`+1 to `upper`
    (None: no limit) at `unit_price` each (R7). The form the set-based re-rating reads."""

    lower: int
    upper: int | None
    unit_price: int


def tier_bounds(tiers: Sequence[Tier]) -> tuple[TierBound, ...]:
    """R7: a checked graduated price as ranges; tier n starts after tier n-1's `up_to`."""
    bounds, lower = [], 0
    for tier in check_tiers(tiers):
        bounds.append(TierBound(lower, tier.up_to, tier.unit_price))
        lower = tier.up_to if tier.up_to is not None else lower
    return tuple(bounds)


def check_every_type_priced(prices: Mapping[str, object], billed: Mapping[str, int]) -> None:
    """R9: refuse prices that leave out a device type the window billed (`billed`: type -> the
    accounts that paid for it), since the close would refuse to bill those accounts."""
    missing = sorted(set(billed) - set(prices))
    if missing:
        used = "; ".join(f"{dt} (billed to {billed[dt]} accounts)" for dt in missing)
        raise InvalidInput(
            f"the new prices have no price for {used} in their last {WINDOW_MONTHS} closed months; "
            "the close could not bill those accounts: add a price for each"
        )


@dataclass(frozen=True, slots=True)
class AccountChange:
    """One account's usage over its window, billed (`before`) and re-rated (`after`), JPY before tax."""

    account_id: str
    name: str
    before: int
    after: int

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class DeviceTypeChange:
    """One device type's usage over every account's window, billed and re-rated (before tax)."""

    device_type: str
    name: str
    accounts: int  # accounts billed for it in their window
    devices: int  # the billed quantities summed: device-months
    before: int
    after: int

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class NoticeCheck:
    """R9: whether the version could be announced now, and by when it must be."""

    announce_by: datetime
    problem: str | None  # None: it can be announced now

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class PriceImpact:
    """R9: what a proposed version would have billed over each account's last closed months."""

    plan_id: str
    effective_month: str
    currency: str
    accounts_on_plan: int
    accounts_compared: int  # with at least one closed month
    accounts_with_fewer_months: int  # compared over fewer than WINDOW_MONTHS closed months
    more: int
    less: int
    same: int
    before: int  # usage billed, JPY before tax (R8)
    after: int  # the same quantities re-rated with the new version
    fixed_fee_before: int  # a period, the version the new one follows
    fixed_fee_after: int
    device_types: tuple[DeviceTypeChange, ...]
    largest_increases: tuple[AccountChange, ...]
    notice: NoticeCheck

    @property
    def difference(self) -> int:
        return self.after - self.before

    @property
    def accounts_without_closed_month(self) -> int:
        return self.accounts_on_plan - self.accounts_compared


def check_top(top: int) -> int:
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"top must be 1 to {MAX_TOP}, not {top}")
    return top
