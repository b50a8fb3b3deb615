from enum import StrEnum


class AccountChangeInLanguageType0(StrEnum):
    EN = "en"
    JA = "ja"

    def __str__(self) -> str:
        return str(self.value)
