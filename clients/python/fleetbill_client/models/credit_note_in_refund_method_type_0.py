from enum import StrEnum


class CreditNoteInRefundMethodType0(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    POINTS = "points"

    def __str__(self) -> str:
        return str(self.value)
