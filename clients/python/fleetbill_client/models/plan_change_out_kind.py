from enum import StrEnum


class PlanChangeOutKind(StrEnum):
    DOWNGRADE = "downgrade"
    UPGRADE = "upgrade"

    def __str__(self) -> str:
        return str(self.value)
