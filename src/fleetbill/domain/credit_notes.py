"""Credit notes (R15: a finalized invoice is corrected by a credit note, never edited): what one
takes off an invoice, per line and per tax rate (R12), and where the money goes. Pure.

An invoice's total is the cash part (`amount_due`, what points left to pay) plus the points that
paid it. A credit takes off the cash part first, then the points part: the customer gets money
back before points. What was received beyond what the invoice still asks for goes back (a refund
the operator sends by card, points or bank); the points part credited comes back as points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .catalog import has_visible_character
from .errors import InvalidInput
from .lifecycle import InvoiceState
from .rating import TierCharge
from .tax import TaxAmount, TaxRounding, tax_per_rate

MAX_REASON = 300


class RefundMethod(StrEnum):
    CARD = "card"  # back to the card that paid, through the gateway (R17)
    POINTS = "points"  # as credit points (1 point = 1 JPY, R16)
    BANK_TRANSFER = "bank_transfer"  # the operator sent it; it records the reference


class RefundState(StrEnum):
    PENDING = "pending"  # recorded before the gateway is asked
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # refused by the gateway: the money is still owed back
    UNKNOWN = "unknown"  # no answer: asked again with the same idempotency key, never sent twice


@dataclass(frozen=True, slots=True)
class CreditableLine:
    """An invoice line as a credit note sees it, with what earlier credit notes took of it."""

    position: int
    description: str
    quantity: int
    amount: int  # tax-exclusive (R8)
    tax_rate: Decimal
    tiers: tuple[TierCharge, ...] = ()
    credited_quantity: int = 0
    credited_amount: int = 0

    @property
    def quantity_left(self) -> int:
        return self.quantity - self.credited_quantity

    @property
    def amount_left(self) -> int:
        return self.amount - self.credited_amount

    def amount_of_first(self, units: int) -> int:
        """What the first `units` units of the line cost through its tiers (proportionally, rounded
        down, for a line without tiers: a fee is one unit)."""
        if not self.tiers:
            return self.amount * units // self.quantity if self.quantity else 0
        return sum(max(0, min(units, c.last) - c.first + 1) * c.unit_price for c in self.tiers)


@dataclass(frozen=True, slots=True)
class Creditable:
    """A finalized invoice and what its earlier credit notes took off it, per line and per rate."""

    number: str
    status: InvoiceState
    currency: str
    total: int
    amount_due: int  # the cash part: the total less the points that paid it
    lines: tuple[CreditableLine, ...]
    taxes: Mapping[Decimal, TaxAmount]  # the invoice's own, per rate
    credited_taxable: Mapping[Decimal, int] = field(default_factory=dict)
    credited_tax: Mapping[Decimal, int] = field(default_factory=dict)

    @property
    def credited(self) -> int:
        return sum(self.credited_taxable.values()) + sum(self.credited_tax.values())


@dataclass(frozen=True, slots=True)
class LineCredit:
    position: int
    quantity: int | None = None  # None: all that is left of the line


@dataclass(frozen=True, slots=True)
class CreditRequest:
    reason: str
    lines: tuple[LineCredit, ...] = ()
    amount: int | None = None  # tax-exclusive, at `rate`
    rate: Decimal | None = None  # None: the invoice's only rate


@dataclass(frozen=True, slots=True)
class CreditNoteLine:
    invoice_position: int | None  # None: an amount, not a line
    description: str
    quantity: int
    amount: int  # tax-exclusive
    tax_rate: Decimal


@dataclass(frozen=True, slots=True)
class CreditNoteDraft:
    reason: str
    lines: tuple[CreditNoteLine, ...]
    taxes: tuple[TaxAmount, ...]  # per rate: the amount returned and the tax on it (R12, R14)

    @property
    def subtotal(self) -> int:
        return sum(x.amount for x in self.lines)

    @property
    def tax_total(self) -> int:
        return sum(x.tax for x in self.taxes)

    @property
    def total(self) -> int:
        return self.subtotal + self.tax_total


def draft_credit_note(invoice: Creditable, request: CreditRequest, rounding: TaxRounding) -> CreditNoteDraft:
    """R15, R12: the credit note the request makes, or InvalidInput saying what to change. Never
    more than the invoice has left uncredited, per line and per rate."""
    reason = request.reason.strip()
    if not has_visible_character(reason) or len(reason) > MAX_REASON:
        raise InvalidInput(f"reason: say why the invoice is credited, in 1 to {MAX_REASON} characters")
    if invoice.status is InvoiceState.VOID or invoice.status is InvoiceState.CREDITED:
        raise InvalidInput(f"invoice {invoice.number} is {invoice.status}: nothing is left to credit")
    if not request.lines and request.amount is None:
        raise InvalidInput("say what to credit: `lines` (whole lines, or part of a line's quantity) or an `amount`")
    if request.rate is not None and request.amount is None:
        raise InvalidInput("rate: a rate goes with an `amount`; a line is credited at its own rate")
    lines = [_line_credit(invoice, c) for c in _unique(request.lines)]
    if request.amount is not None:
        lines.append(_amount_credit(invoice, request.amount, request.rate))
    taxes = _taxes(invoice, lines, rounding)
    draft = CreditNoteDraft(reason, tuple(lines), taxes)
    if draft.total <= 0:
        raise InvalidInput("the credit note would return nothing: credit a line with an amount, or a positive amount")
    return draft


def _unique(credits: Sequence[LineCredit]) -> Sequence[LineCredit]:
    positions = [c.position for c in credits]
    if len(set(positions)) != len(positions):
        raise InvalidInput("lines: name each invoice line once")
    return credits


def _line_credit(invoice: Creditable, credit: LineCredit) -> CreditNoteLine:
    line = next((x for x in invoice.lines if x.position == credit.position), None)
    if line is None:
        raise InvalidInput(f"lines: invoice {invoice.number} has no line {credit.position}")
    left = line.quantity_left
    units = left if credit.quantity is None else credit.quantity
    if units <= 0 or units > left:
        raise InvalidInput(
            f"lines: line {line.position} ({line.description}) has {left} of {line.quantity} left to credit, "
            f"not {units}"
        )
    # The units credited are the last ones of what is left: those the highest tier priced.
    amount = line.amount_of_first(left) - line.amount_of_first(left - units)
    if units == left:
        amount = line.amount_left  # every unit left: exactly what is left of the line
    return CreditNoteLine(line.position, line.description, units, amount, line.tax_rate)


def _amount_credit(invoice: Creditable, amount: int, rate: Decimal | None) -> CreditNoteLine:
    if amount <= 0:
        raise InvalidInput(f"amount: credit a positive amount of {invoice.currency}, not {amount}")
    rates = sorted(invoice.taxes)
    if rate is None:
        if len(rates) != 1:
            listed = ", ".join(f"{r:%}" for r in rates)
            raise InvalidInput(f"rate: invoice {invoice.number} has lines at several rates ({listed}); say which")
        rate = rates[0]
    if rate not in invoice.taxes:
        raise InvalidInput(f"rate: invoice {invoice.number} has no line at {rate:%}")
    return CreditNoteLine(None, "Adjustment", 1, amount, rate)


def _taxes(invoice: Creditable, lines: list[CreditNoteLine], rounding: TaxRounding) -> tuple[TaxAmount, ...]:
    """R12: tax per rate on the sum returned at that rate, rounded once as the invoice was; the
    last credit of a rate returns exactly the tax left at it, so a full credit returns the invoice's."""
    by_rate: dict[Decimal, int] = {}
    for x in lines:
        by_rate[x.tax_rate] = by_rate.get(x.tax_rate, 0) + x.amount
    out = []
    for computed in tax_per_rate(by_rate, rounding):
        rate, own = computed.rate, invoice.taxes[computed.rate]
        taxable_left = own.taxable_amount - invoice.credited_taxable.get(rate, 0)
        tax_left = own.tax - invoice.credited_tax.get(rate, 0)
        if computed.taxable_amount > taxable_left:
            raise InvalidInput(
                f"invoice {invoice.number} has {taxable_left:,} {invoice.currency} left to credit at {rate:%} "
                f"(before tax), not {computed.taxable_amount:,}"
            )
        tax = tax_left if computed.taxable_amount == taxable_left else min(computed.tax, tax_left)
        out.append(TaxAmount(rate, computed.taxable_amount, tax))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class CreditEffect:
    """What a credit note does to its invoice and to the money (R15-R18)."""

    status: InvoiceState  # the invoice's state after it
    refund_due: int  # money received beyond what the invoice now asks for: to send back
    points_back: int  # the points part credited by this note: granted back as points (R16)
    collection_ends: bool  # nothing is left to collect: the retries stop


def credit_effect(
    *,
    status: InvoiceState,
    total: int,
    amount_due: int,
    credited_before: int,
    credit: int,
    received: int,
) -> CreditEffect:
    """`received`: the money received, less what was already sent back. The cash part is credited
    first, then the points part."""
    credited = credited_before + credit
    if credited > total:
        raise InvalidInput(f"the credit notes would take {credited:,} off an invoice of {total:,}")
    cash_left = amount_due - min(credited, amount_due)
    points_back = max(credited - amount_due, 0) - max(credited_before - amount_due, 0)
    # Only what this note frees: money kept beyond what was owed before it (an overpayment, a
    # refund the gateway refused) is sent back by a refund of its own (refundable), not by this note.
    refund_due = refundable(amount_due, credited, received) - refundable(amount_due, credited_before, received)
    if credited == total:
        after = InvoiceState.VOID if received == 0 and status is not InvoiceState.PAID else InvoiceState.CREDITED
    elif status in (InvoiceState.OPEN, InvoiceState.UNCOLLECTIBLE) and received >= cash_left:
        after = InvoiceState.PAID
    else:
        after = status
    return CreditEffect(after, refund_due, points_back, collection_ends=after is not status)


def refundable(amount_due: int, amount_credited: int, received: int) -> int:
    """R15: money kept beyond what the invoice asks for after its credits (the cash part first):
    what a refund may send back, whatever made it (a credit note, an overpayment, a refused refund)."""
    cash_left = amount_due - min(amount_credited, amount_due)
    return max(received - cash_left, 0)
