from enum import StrEnum


class ChargeAttemptOutOutcome(StrEnum):
    DECLINED = "declined"
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)
