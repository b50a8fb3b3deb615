from enum import StrEnum


class ListInvoicesStatusType0(StrEnum):
    OPEN = "open"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
