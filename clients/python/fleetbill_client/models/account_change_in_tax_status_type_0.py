from enum import StrEnum


class AccountChangeInTaxStatusType0(StrEnum):
    EXEMPT = "exempt"
    REVERSE_CHARGE = "reverse_charge"
    TAXABLE = "taxable"

    def __str__(self) -> str:
        return str(self.value)
