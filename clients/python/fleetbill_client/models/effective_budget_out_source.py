from enum import StrEnum


class EffectiveBudgetOutSource(StrEnum):
    ACCOUNT = "account"
    PLAN = "plan"

    def __str__(self) -> str:
        return str(self.value)
