from enum import StrEnum


class EventType(StrEnum):
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_REINSTATED = "account.reinstated"
    ACCOUNT_SUSPENDED = "account.suspended"
    ACCOUNT_UPDATED = "account.updated"
    BUDGET_THRESHOLD_REACHED = "budget.threshold_reached"
    CARD_EXPIRING = "card.expiring"
    CARD_UPDATED = "card.updated"
    CREDIT_NOTE_ISSUED = "credit_note.issued"
    DEVICES_SWITCHED = "devices.switched"
    DEVICE_REGISTERED = "device.registered"
    ENTITLEMENTS_CHANGED = "entitlements.changed"
    INVOICE_FINALIZED = "invoice.finalized"
    INVOICE_MARKED_UNCOLLECTIBLE = "invoice.marked_uncollectible"
    INVOICE_OVERDUE = "invoice.overdue"
    INVOICE_PAID = "invoice.paid"
    INVOICE_PAYMENT_FAILED = "invoice.payment_failed"
    PAYMENT_RECEIVED = "payment.received"
    PLAN_CHANGED = "plan.changed"
    POINTS_EXPIRED = "points.expired"
    POINTS_GRANTED = "points.granted"
    PRICE_VERSION_ANNOUNCED = "price_version.announced"
    REFUND_SUCCEEDED = "refund.succeeded"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"

    def __str__(self) -> str:
        return str(self.value)
