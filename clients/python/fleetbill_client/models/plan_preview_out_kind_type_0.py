from enum import StrEnum


class PlanPreviewOutKindType0(StrEnum):
    DOWNGRADE = "downgrade"
    UPGRADE = "upgrade"

    def __str__(self) -> str:
        return str(self.value)
