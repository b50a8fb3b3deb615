from enum import StrEnum


class PlanInCountingMode(StrEnum):
    DISTINCT = "distinct"
    PEAK = "peak"

    def __str__(self) -> str:
        return str(self.value)
