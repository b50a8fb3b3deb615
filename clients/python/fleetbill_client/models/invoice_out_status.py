from enum import StrEnum


class InvoiceOutStatus(StrEnum):
    CREDITED = "credited"
    OPEN = "open"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    UNCOLLECTIBLE = "uncollectible"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
