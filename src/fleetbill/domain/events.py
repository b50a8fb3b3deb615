"""Domain events (R22): what happened to an account's billing state, as the operator's platform
is told it. Pure: the types, the event's shape and the delivery schedule; recording and sending
them are the services' and adapters' work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    """Every event fleetbill records. The names are the API's and the webhooks' `type`."""

    ACCOUNT_CREATED = "account.created"
    ACCOUNT_UPDATED = "account.updated"
    DEVICE_REGISTERED = "device.registered"
    DEVICES_SWITCHED = "devices.switched"
    INVOICE_FINALIZED = "invoice.finalized"
    INVOICE_PAID = "invoice.paid"
    INVOICE_PAYMENT_FAILED = "invoice.payment_failed"
    INVOICE_OVERDUE = "invoice.overdue"
    ACCOUNT_SUSPENDED = "account.suspended"
    ACCOUNT_REINSTATED = "account.reinstated"
    ENTITLEMENTS_CHANGED = "entitlements.changed"
    CARD_EXPIRING = "card.expiring"
    CARD_UPDATED = "card.updated"
    PRICE_VERSION_ANNOUNCED = "price_version.announced"
    POINTS_GRANTED = "points.granted"
    POINTS_EXPIRED = "points.expired"
    PLAN_CHANGED = "plan.changed"
    PAYMENT_RECEIVED = "payment.received"  # a transfer or a card payment, whole or in part
    CREDIT_NOTE_ISSUED = "credit_note.issued"  # R15: a correction of a finalized invoice
    REFUND_SUCCEEDED = "refund.succeeded"  # money sent back to a card by the gateway
    INVOICE_MARKED_UNCOLLECTIBLE = "invoice.marked_uncollectible"  # written off by the operator
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"  # the operator's own stream
    BUDGET_THRESHOLD_REACHED = "budget.threshold_reached"  # R20: the month's projection at 80% or 100%


# Events about the operator's installation rather than one account are in this stream.
OPERATOR_STREAM = "operator"

# Events are kept this long, then purged: long enough to reconcile after any outage the
# webhooks' own retries (about three days) did not cover.
RETENTION = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to record, in the transaction of the change it describes."""

    type: EventType
    account_id: str | None  # None: the operator's stream
    payload: dict[str, Any]  # self-contained: what a receiver needs without calling back

    @property
    def stream(self) -> str:
        return self.account_id or OPERATOR_STREAM


def parse_types(text: str | list[str] | None) -> frozenset[EventType]:
    """Event types from a list or a comma-separated text; ValueError names an unknown one."""
    if text is None:
        return frozenset()
    names = text.split(",") if isinstance(text, str) else text
    found = set()
    for name in (n.strip() for n in names):
        if not name:
            continue
        try:
            found.add(EventType(name))
        except ValueError:
            known = ", ".join(sorted(t.value for t in EventType))
            raise ValueError(f"unknown event type {name!r}; the types are: {known}") from None
    return frozenset(found)


# Webhook retries, after the first try: about three days in all, as Svix and Stripe retry.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
)
# An endpoint none of whose deliveries has succeeded for this long is disabled, and the
# operator told (webhook_endpoint.disabled).
DISABLE_AFTER = timedelta(days=5)


def next_attempt(first_tried_at: datetime, attempts_made: int) -> datetime | None:
    """When a delivery tried `attempts_made` times, first at `first_tried_at`, is tried next;
    None when its retries are used up."""
    if attempts_made > len(RETRY_DELAYS):
        return None
    return first_tried_at + sum(RETRY_DELAYS[:attempts_made], timedelta())
