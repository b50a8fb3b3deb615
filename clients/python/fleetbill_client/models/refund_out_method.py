from enum import StrEnum


class RefundOutMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    POINTS = "points"

    def __str__(self) -> str:
        return str(self.value)
