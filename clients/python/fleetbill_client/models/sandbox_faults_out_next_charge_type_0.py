from enum import StrEnum


class SandboxFaultsOutNextChargeType0(StrEnum):
    ANSWER_LOST = "answer_lost"
    DECLINE = "decline"
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return str(self.value)
