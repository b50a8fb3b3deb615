"""A budget that warns (R20, issue 12 item 4): pure rules of an account's monthly budget.

The projection is this month's bill as it would be closed if nothing changed from now on: the
devices Active now kept to the month's end. Under R5 a device Active now is already in the peak so
far, and under R6 in the distinct count so far, so keeping them adds nothing: the projection is
this month's estimate (services/usage_now, priced by the close's code) with the fixed fee and tax,
less the points that would pay it: its amount due."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .errors import InvalidInput

THRESHOLDS = (80, 100)  # percent of the budget; each is told once per account and month
MAX_BUDGET = 10**12  # JPY: a budget above a trillion yen is a typing mistake

Source = Literal["account", "plan"]


@dataclass(frozen=True, slots=True)
class Budget:
    """The budget in force for an account: its own, else its plan's default."""

    amount: int  # JPY a month, tax included, after points (what the projection is compared with)
    source: Source


def effective_budget(account_budget: int | None, plan_default: int | None) -> Budget | None:
    """The account's own budget, else its plan's default; None: no budget, nothing to tell."""
    if account_budget is not None:
        return Budget(account_budget, "account")
    if plan_default is not None:
        return Budget(plan_default, "plan")
    return None


def checked_budget(value: object, field: str = "budget") -> int | None:
    """A budget as given (None clears it): a whole number of JPY from 1 to MAX_BUDGET."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field}: give a whole number of JPY, e.g. 50000, or null to remove it")
    if value < 1 or value > MAX_BUDGET:
        raise InvalidInput(f"{field}: give a whole number of JPY from 1 to {MAX_BUDGET:,}, or null to remove it")
    return value


def reached(projection: int, budget: int) -> tuple[int, ...]:
    """The thresholds `projection` has reached: at or above the threshold's share of `budget`."""
    # NOTE: R20 compared in whole yen times 100: 80% of 1,001 JPY is reached at 801 JPY, not 800.8
    return tuple(t for t in THRESHOLDS if projection * 100 >= t * budget)


def newly_reached(projection: int, budget: int, told: Iterable[int]) -> tuple[int, ...]:
    """The thresholds reached and not yet told this month: what to tell now."""
    already = set(told)
    return tuple(t for t in reached(projection, budget) if t not in already)


def share(projection: int, budget: int) -> int:
    """The projection as a whole percent of the budget, rounded down (the billing page's bar)."""
    return projection * 100 // budget


__all__ = ["MAX_BUDGET", "THRESHOLDS", "Budget", "checked_budget", "effective_budget", "newly_reached", "reached"]
