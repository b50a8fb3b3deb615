"""When payment fails (R19): the retry schedule, and when an account is suspended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Card tries at these offsets (days) from the first; default: 4 tries over 14 days."""

    offsets_days: tuple[int, ...] = (0, 3, 7, 14)

    @property
    def tries(self) -> int:
        return len(self.offsets_days)

    def next_try_at(self, first_try_at: datetime, tries_made: int) -> datetime | None:
        """When the next try is due, or None when every try has been made."""
        if tries_made >= self.tries:
            return None
        return first_try_at + timedelta(days=self.offsets_days[tries_made])

    @classmethod
    def parse(cls, text: str) -> RetryPolicy:
        """'0,3,7,14' -> RetryPolicy((0, 3, 7, 14)); ascending, starting at 0."""
        try:
            offsets = tuple(int(x) for x in text.split(","))
        except ValueError:
            raise ValueError(f"retry schedule {text!r} must be comma-separated days, like '0,3,7,14'") from None
        if not offsets or offsets[0] != 0 or list(offsets) != sorted(set(offsets)):
            raise ValueError(f"retry schedule {text!r} must start at 0 and ascend, like '0,3,7,14'")
        return cls(offsets)
