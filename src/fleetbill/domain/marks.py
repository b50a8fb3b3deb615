"""A month's high-water mark per account and device type, kept as changes arrive (R5, issue 11).

The close bills the peak of devices Active at once (R5). Instead of reading every change of the
month at its end, each change folds into a small record of its (account, device type, month),
relative to the count at the month's start (which the close knows: the opening level):

* `level`: the count's change since the month's start, at `last_at` with every change at that
  instant applied (changes at one instant apply together, R5);
* `peak_before`: the highest the count's change reached at an instant before `last_at`: 0 for the
  month's first instant when the first change came after it, None while no instant is before;
* `peak_before_at`: the first instant `peak_before` was reached (issue 12: every count explained).

The month's peak is then the opening level plus the highest of the two. A change at an instant
before `last_at` (a transaction that took its time before committing) cannot be folded in: the
mark is refolded from the month's changes, in order (`fold_all`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Mark:
    level: int
    peak_before: int | None
    last_at: datetime
    peak_before_at: datetime | None = None

    @property
    def peak(self) -> int:
        """The highest the count's change reached in the month so far (may be below 0)."""
        return self.level if self.peak_before is None else max(self.peak_before, self.level)

    @property
    def peak_at(self) -> datetime:
        """The first instant the count reached `peak` (a tie keeps the earlier instant)."""
        if self.peak_before is None or self.level > self.peak_before:
            return self.last_at
        return self.peak_before_at


def first(month_start: datetime, at: datetime, delta: int) -> Mark:
    """The mark of a month's first change: the month's first instant counts unless it is the change's."""
    if at > month_start:
        return Mark(delta, 0, at, month_start)
    return Mark(delta, None, at)


def fold(mark: Mark, at: datetime, delta: int) -> Mark | None:
    """The mark with one more change; None when the change is earlier than the mark (refold)."""
    if at == mark.last_at:
        return Mark(mark.level + delta, mark.peak_before, at, mark.peak_before_at)
    if at > mark.last_at:
        return Mark(mark.level + delta, mark.peak, at, mark.peak_at)
    return None


def fold_all(month_start: datetime, changes: Iterable[tuple[datetime, int]]) -> Mark | None:
    """The mark of a month's changes given in time order (None: no change)."""
    mark = None
    for at, delta in changes:
        mark = first(month_start, at, delta) if mark is None else fold(mark, at, delta)
        if mark is None:
            raise ValueError("fold_all needs the changes in time order")
    return mark


def month_peak(opening: int, mark: Mark | None) -> int:
    """R5: the month's peak from its opening level and its mark."""
    return opening if mark is None else opening + mark.peak


def month_peak_at(month_start: datetime, mark: Mark | None) -> datetime:
    """When the month's peak was first reached: its start when no change rose above the opening."""
    return month_start if mark is None else mark.peak_at
