from enum import StrEnum


class InvoiceOutStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
