"""Entitlements: which of the plan's features an account may use now, and why (R10, R19)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entitlement:
    feature: str
    enabled: bool
    reason: str


def entitlements(
    features: Sequence[str], *, suspended_for: str | None, awaiting_purchase: str | None
) -> list[Entitlement]:
    """Every feature of the plan is on, unless the account is suspended for an unpaid invoice
    (R19) or the plan's purchase is not paid yet (R10: the service starts when payment is confirmed)."""
    if suspended_for is not None:
        why, on = f"suspended: invoice {suspended_for} is unpaid; paying it restores the features at once", False
    elif awaiting_purchase is not None:
        why, on = f"starts when the purchase invoice {awaiting_purchase} is paid", False
    else:
        why, on = "included in the plan", True
    return [Entitlement(f, on, why) for f in features]
