"""Entitlements: which of the plan's features an account may use now, and why (R10, R19)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .billing_state import AccountBillingState, BillingState


@dataclass(frozen=True, slots=True)
class Entitlement:
    feature: str
    enabled: bool
    reason: str


def entitlements(features: Sequence[str], standing: AccountBillingState) -> list[Entitlement]:
    """Every feature of the plan is on, unless the account's billing state turns them off: it is
    suspended for an unpaid invoice (R19), or its plan's purchase is not paid yet (R10: the service
    starts when payment is confirmed). A payment failing leaves them on."""
    number = standing.invoice_number
    if standing.state == BillingState.SUSPENDED:
        why = f"suspended: invoice {number} is unpaid; paying it restores the features at once"
    elif standing.state == BillingState.AWAITING_PAYMENT:
        why = f"starts when the purchase invoice {number} is paid"
    else:
        why = "included in the plan"
    return [Entitlement(f, standing.features_on, why) for f in features]
