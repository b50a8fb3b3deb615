"""Invoice assembly: usage lines, fixed fees, tax per rate, points, amount left to collect."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from .line_words import usage_label
from .points import PointGrant, PointUse, apply_points
from .rating import Tier, TierCharge, rate_graduated
from .tax import NO_TAX_NOTES, TaxAmount, TaxRounding, TaxStatus, tax_per_rate


@dataclass(frozen=True, slots=True)
class UsageCharge:
    """What the core needs to price one device type's usage in a month."""

    device_type: str
    device_type_name: str
    quantity: int
    tiers: Sequence[Tier]
    tax_rate: Decimal


@dataclass(frozen=True, slots=True)
class FeeCharge:
    """A fixed fee for a contract period [period_start, period_end) (R11)."""

    description: str
    amount: int
    period_start: datetime
    period_end: datetime
    tax_rate: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    kind: str  # "usage" or "fixed_fee"
    description: str
    quantity: int
    amount: int  # tax-exclusive (R8)
    tax_rate: Decimal
    device_type: str | None = None
    tiers: tuple[TierCharge, ...] = ()
    period_start: datetime | None = None
    period_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    """A computed invoice, before it is numbered and stored."""

    currency: str
    lines: tuple[InvoiceLine, ...]
    taxes: tuple[TaxAmount, ...]
    subtotal: int
    tax_total: int
    total: int
    point_uses: tuple[PointUse, ...]
    tax_note: str | None

    @property
    def points_applied(self) -> int:
        return sum(u.amount for u in self.point_uses)

    @property
    def amount_due(self) -> int:
        """What is left to collect by card or bank transfer after the points."""
        return self.total - self.points_applied


def usage_line(charge: UsageCharge) -> InvoiceLine:
    amount, tiers = rate_graduated(charge.tiers, charge.quantity)
    return InvoiceLine(
        kind="usage",
        description=usage_label(charge.device_type_name),
        quantity=charge.quantity,
        amount=amount,
        tax_rate=charge.tax_rate,
        device_type=charge.device_type,
        tiers=tiers,
    )


def fee_line(fee: FeeCharge) -> InvoiceLine:
    return InvoiceLine(
        kind="fixed_fee",
        description=fee.description,
        quantity=1,
        amount=fee.amount,
        tax_rate=fee.tax_rate,
        period_start=fee.period_start,
        period_end=fee.period_end,
    )


def assemble_invoice(
    *,
    currency: str,
    usage: Iterable[UsageCharge],
    fees: Iterable[FeeCharge] = (),
    tax_status: TaxStatus = TaxStatus.TAXABLE,
    rounding: TaxRounding = TaxRounding.DOWN,
    grants: Iterable[PointGrant] = (),
    points_at: datetime | None = None,
) -> InvoiceDraft:
    """Price the usage and fees, add tax once per rate (R12), then pay with points (R16)."""
    lines = [usage_line(u) for u in sorted(usage, key=lambda u: u.device_type) if u.quantity > 0]
    lines += [fee_line(f) for f in fees if f.amount > 0]
    if tax_status is not TaxStatus.TAXABLE:
        # NOTE: R12 an exempt or reverse-charge account pays no tax; the invoice says why.
        lines = [replace(line, tax_rate=Decimal(0)) for line in lines]
    by_rate: dict[Decimal, int] = defaultdict(int)
    for line in lines:
        by_rate[line.tax_rate] += line.amount
    taxes = tax_per_rate(by_rate, rounding) if lines else ()
    subtotal = sum(line.amount for line in lines)
    tax_total = sum(t.tax for t in taxes)
    total = subtotal + tax_total
    # NOTE: R16 points pay the total with tax: they are a way of paying, not a discount.
    uses = apply_points(grants, total, points_at) if points_at is not None else ()
    return InvoiceDraft(
        currency=currency,
        lines=tuple(lines),
        taxes=taxes,
        subtotal=subtotal,
        tax_total=tax_total,
        total=total,
        point_uses=uses,
        tax_note=NO_TAX_NOTES.get(tax_status),
    )
