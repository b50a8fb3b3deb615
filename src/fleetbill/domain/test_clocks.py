"""Test clocks (test mode only): timelines an integrator starts at any instant, past or future,
puts accounts on, and moves forward, as Stripe's test clocks. Pure: what a clock may do and which
instants an advance stops at; the database and the jobs are the services' work."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import Conflict, InvalidInput
from .periods import require_utc


class ClockStatus(StrEnum):
    READY = "ready"  # may be advanced; its accounts may be changed
    ADVANCING = "advancing"  # its due jobs are running: an advance or a change waits


# The only moves a clock's status makes (the database refuses any other status).
TRANSITIONS: dict[ClockStatus, frozenset[ClockStatus]] = {
    ClockStatus.READY: frozenset({ClockStatus.ADVANCING}),
    ClockStatus.ADVANCING: frozenset({ClockStatus.READY}),
}

# One advance moves a clock at most a year: it runs the due jobs at every day's start in its
# accounts' zones and at every collection try on the way, so its work stays bounded (R15).
MAX_ADVANCE = timedelta(days=366)
# An advance that has not finished after this long was interrupted (a crash): the next one resumes
# from where the clock stopped, rather than leaving the clock stuck.
STALE_ADVANCE = timedelta(minutes=10)
# The instants a clock may hold: what the database and a BillingMonth can represent.
EARLIEST = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
LATEST = datetime.fromisoformat("2200-01-01T00:00:00+00:00")


def check_transition(current: ClockStatus, to: ClockStatus) -> None:
    if to not in TRANSITIONS[current]:
        raise Conflict(f"a test clock that is {current} cannot become {to}")


def check_frozen_time(instant: datetime) -> datetime:
    instant = require_utc(instant)
    if not EARLIEST <= instant < LATEST:
        raise InvalidInput(
            f"frozen_time: {instant.isoformat()} is outside the years a test clock can hold "
            f"({EARLIEST.year} to {LATEST.year - 1})"
        )
    return instant


def check_advance(frozen_time: datetime, target: datetime) -> datetime:
    """The instant an advance goes to, or why it cannot: never back (history is append-only, R4),
    at most MAX_ADVANCE in one call."""
    target = check_frozen_time(target)
    if target <= frozen_time:
        raise InvalidInput(
            f"frozen_time: a test clock only moves forward; it is at {frozen_time.isoformat()}, "
            f"give a later instant than that (a new clock starts a new timeline)"
        )
    if target - frozen_time > MAX_ADVANCE:
        raise InvalidInput(
            f"frozen_time: one advance moves a test clock at most {MAX_ADVANCE.days} days (to "
            f"{(frozen_time + MAX_ADVANCE).isoformat()}); advance it in steps"
        )
    return target


def next_stop(current: datetime, target: datetime, timezones: Iterable[str], tries: Iterable[datetime]) -> datetime:
    """The next instant after `current` at which an advance runs the due jobs: the next start of a
    day in any of the accounts' zones (month ends are among them: R15 closes at local midnight;
    reminders and expiries are judged by the day), the next collection try (R19), or the target."""
    stops = [target]
    for zone in set(timezones):
        local = current.astimezone(ZoneInfo(zone))
        midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), ZoneInfo(zone))
        stops.append(require_utc(midnight))
    stops.extend(t for t in tries if t > current)
    return min(stops)
