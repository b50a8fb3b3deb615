"""Where "now" comes from: the system clock, or a clock that tests and the test mode move."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Protocol

from .domain.errors import Conflict
from .domain.periods import require_utc


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class TestClock:
    """A clock that only moves when told to, and never backwards (history is append-only, R4)."""

    __test__ = False  # not a pytest test class

    def __init__(self, start: datetime):
        self._now = require_utc(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> datetime:
        instant = require_utc(instant)
        with self._lock:
            if instant < self._now:
                raise Conflict(
                    f"the test clock cannot go back from {self._now.isoformat()} to {instant.isoformat()}: "
                    "history is append-only; start a new server for a new timeline"
                )
            self._now = instant
            return instant
