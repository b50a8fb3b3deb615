from enum import StrEnum


class GetInvoicePdfLang(StrEnum):
    EN = "en"
    JA = "ja"

    def __str__(self) -> str:
        return str(self.value)
