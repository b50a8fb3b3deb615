"""The monthly invoice of one account: usage in arrears, the next period's fee in advance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from .catalog import Account, Plan, PriceVersion, version_in_force
from .errors import Conflict
from .invoice import FeeCharge, InvoiceDraft, UsageCharge, assemble_invoice
from .line_words import fee_label, purchase_fee_label
from .periods import BillingMonth
from .points import PointGrant
from .tax import TaxRate, TaxRounding, TaxStatus, rate_in_force


def locked_rate(account: Account, rates: Sequence[TaxRate], at: datetime) -> Decimal:
    """R13: the rate in force when the contract period began stays until the next renewal."""
    if account.tax_status is not TaxStatus.TAXABLE:
        return Decimal(0)
    rate = rate_in_force(rates, account.country, account.subdivision, at)
    if rate is None:
        region = account.subdivision or account.country
        raise Conflict(f"no tax rate for {region} in force at {at.isoformat()}; add one to the tax table")
    return rate.rate


def draft_monthly_invoice(
    *,
    account: Account,
    plan: Plan,
    versions: Sequence[PriceVersion],
    device_type_names: Mapping[str, str],
    month: BillingMonth,
    quantities: Mapping[str, int],
    rates: Sequence[TaxRate],
    rounding: TaxRounding,
    grants: Sequence[PointGrant] = (),
    points_at: datetime | None = None,
    renewal_plan: tuple[Plan, Sequence[PriceVersion]] | None = None,
) -> InvoiceDraft:
    """R5-R16 for one account and month: the same code prices the close and the running estimate.

    `renewal_plan` is the (plan, versions) the account moves to when its next period begins, if
    a downgrade is due then (R10): that period's fee is the new plan's."""
    contract = account.contract(plan)
    version = version_in_force(versions, month)
    usage_rate = locked_rate(account, rates, contract.period_start(month))
    usage = []
    for device_type, quantity in quantities.items():
        tiers = version.tiers.get(device_type)
        if tiers is None:
            raise Conflict(f"plan {plan.id} has no price for device type {device_type} in {month}")
        usage.append(
            UsageCharge(device_type, device_type_names.get(device_type, device_type), quantity, tiers, usage_rate)
        )
    fees = []
    renewal = contract.renewal_after(month)
    if renewal is not None:
        first, _ = renewal
        next_plan, next_versions = renewal_plan or (plan, versions)
        last = first.next(next_plan.term.months - 1)
        # NOTE: R11 the renewed period's fee is billed in advance, at the price and tax rate in
        # force when that period begins.
        fee = version_in_force(next_versions, first).fixed_fee
        if fee:
            start, end = first.start(account.timezone), last.end(account.timezone)
            label = fee_label(next_plan.name, first, last)
            fees.append(FeeCharge(label, fee, start, end, locked_rate(account, rates, start)))
    return assemble_invoice(
        currency=account.currency,
        usage=usage,
        fees=fees,
        tax_status=account.tax_status,
        rounding=rounding,
        grants=grants,
        points_at=points_at,
    )


def draft_purchase_invoice(
    *,
    account: Account,
    plan: Plan,
    versions: Sequence[PriceVersion],
    rates: Sequence[TaxRate],
    rounding: TaxRounding,
) -> InvoiceDraft | None:
    """R10, R11: buying a plan with a fixed fee bills its first period, prorated, at purchase."""
    contract = account.contract(plan)
    month = BillingMonth.containing(account.contract_started_at, account.timezone)
    fee = version_in_force(versions, month).fixed_fee
    if not fee:
        return None
    amount, start, end = contract.first_period_fee(fee)
    if amount == 0:
        return None
    label = purchase_fee_label(plan.name, prorated=amount != fee)
    rate = locked_rate(account, rates, start)
    return assemble_invoice(
        currency=account.currency,
        usage=(),
        fees=[FeeCharge(label, amount, start, end, rate)],
        tax_status=account.tax_status,
        rounding=rounding,
    )
