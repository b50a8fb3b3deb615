from enum import StrEnum


class InvoiceCollectionOutState(StrEnum):
    CANCELLED = "cancelled"
    COLLECTING = "collecting"
    FAILED = "failed"
    PAID = "paid"

    def __str__(self) -> str:
        return str(self.value)
