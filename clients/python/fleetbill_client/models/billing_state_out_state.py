from enum import StrEnum


class BillingStateOutState(StrEnum):
    ACTIVE = "active"
    AWAITING_PAYMENT = "awaiting_payment"
    PAYMENT_FAILING = "payment_failing"
    SUSPENDED = "suspended"

    def __str__(self) -> str:
        return str(self.value)
