"""The parts events carry (R22): an invoice's reference and a card's, the same in every event."""

from __future__ import annotations

from ..domain.events import EventType, NewEvent
from ..domain.periods import BillingMonth


def invoice_ref(invoice) -> dict:
    """What identifies an invoice and what it asks for (a row of t.invoices)."""
    month = invoice.billing_month
    return dict(
        id=invoice.id,
        number=invoice.number,
        kind=invoice.kind,
        billing_month=str(BillingMonth(month)) if month is not None else None,
        currency=invoice.currency,
        total=invoice.total,
        amount_due=invoice.amount_due,
        amount_credited=invoice.amount_credited,  # R15: what credit notes took off it so far
    )


def card_ref(card) -> dict:
    """A card as fleetbill keeps it (R17): never more than brand, last 4 and expiry."""
    return dict(
        id=card.id,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )


def plan_changed(change, status: str, **extra) -> NewEvent:
    """plan.changed for a row of plan_changes: requested, applied or cancelled (R10)."""
    payload = dict(
        status=status,
        change=dict(
            id=change.id,
            from_plan_id=change.from_plan_id,
            to_plan_id=change.to_plan_id,
            kind=change.kind,
            requested_at=change.requested_at,
            effective_at=change.effective_at,
            purchase_invoice_id=change.purchase_invoice_id,
        ),
    )
    return NewEvent(EventType.PLAN_CHANGED, change.account_id, payload | extra)
