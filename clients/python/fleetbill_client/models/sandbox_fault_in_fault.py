from enum import StrEnum


class SandboxFaultInFault(StrEnum):
    ANSWER_LOST = "answer_lost"
    DECLINE = "decline"
    LATENCY = "latency"
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return str(self.value)
