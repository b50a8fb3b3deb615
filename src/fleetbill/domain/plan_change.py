"""R10: buying a bigger plan starts at once; moving to a smaller one waits for the renewal."""

from __future__ import annotations

from enum import StrEnum

from .catalog import Plan, PriceVersion


class ChangeKind(StrEnum):
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"


def monthly_fee(plan: Plan, version: PriceVersion) -> tuple[int, int]:
    """The fixed fee per month as a fraction (fee, months), compared without rounding."""
    return version.fixed_fee, plan.term.months


def change_kind(old: Plan, old_version: PriceVersion, new: Plan, new_version: PriceVersion) -> ChangeKind:
    """An upgrade costs more per month, or the same with more features; anything else waits for
    the renewal, so that nobody loses what they already paid for."""
    old_fee, old_months = monthly_fee(old, old_version)
    new_fee, new_months = monthly_fee(new, new_version)
    if new_fee * old_months != old_fee * new_months:
        more = new_fee * old_months > old_fee * new_months
    else:
        # NOTE: R10 "more features" is a strict superset: the same plan at the same price is no
        # upgrade (bought at once, a yearly plan's prepaid months would be lost for nothing).
        more = set(new.features) > set(old.features)
    return ChangeKind.UPGRADE if more else ChangeKind.DOWNGRADE
