from enum import StrEnum


class AccountInTaxStatus(StrEnum):
    EXEMPT = "exempt"
    REVERSE_CHARGE = "reverse_charge"
    TAXABLE = "taxable"

    def __str__(self) -> str:
        return str(self.value)
