"""Billing months: calendar months in the account's time zone, half-open [start, end) in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput


# The areas of the IANA database's canonical names (Area/Location). Names outside them are
# aliases kept for old systems ("Japan", "US/Pacific", "EST5EDT"), files that follow the
# server's own settings ("localtime", "posixrules", "Factory") or other clocks ("right/...",
# counting leap seconds): an account's billing month must not depend on any of them (R15).
CANONICAL_AREAS = frozenset(
    ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
)


def check_timezone(name: str) -> str:
    """Return `name` if it is a canonical IANA time zone (Area/Location, or UTC), else raise a
    clear error."""
    refused = InvalidInput(
        f"{name!r} is not a canonical IANA time zone: use Area/Location, such as 'Asia/Tokyo' or "
        "'America/New_York', or 'UTC'"
    )
    area, _, location = name.partition("/")
    if name != "UTC" and (area not in CANONICAL_AREAS or not location or len(name) > 64):
        raise refused
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name no file system can hold
        raise refused from None
    return name


@dataclass(frozen=True, slots=True, order=True)
class BillingMonth:
    """A calendar month; `index` (year*12 + month-1) is how it is stored and compared."""

    index: int

    @classmethod
    def of(cls, year: int, month: int) -> BillingMonth:
        if not 1 <= month <= 12:
            raise InvalidInput(f"month must be 1..12, not {month}")
        return cls(year * 12 + month - 1)

    @classmethod
    def parse(cls, text: str) -> BillingMonth:
        """Parse 'YYYY-MM' (years 1970 to 9998, so that its bounds are instants Python can hold)."""
        try:
            year, month = text.split("-")
            if len(year) != 4 or not 1970 <= int(year) <= 9998:
                raise ValueError
            return cls.of(int(year), int(month))
        except ValueError:
            raise InvalidInput(f"{text!r} is not a month in the form YYYY-MM") from None

    @classmethod
    def containing(cls, instant: datetime, tz: str) -> BillingMonth:
        """The billing month, in time zone `tz`, that contains `instant`."""
        local = require_utc(instant).astimezone(ZoneInfo(tz))
        return cls.of(local.year, local.month)

    @property
    def year(self) -> int:
        return self.index // 12

    @property
    def month(self) -> int:
        return self.index % 12 + 1

    def next(self, months: int = 1) -> BillingMonth:
        return BillingMonth(self.index + months)

    def start(self, tz: str) -> datetime:
        """The month's first instant (local midnight on the 1st), in UTC."""
        return _local_midnight_utc(self.year, self.month, tz)

    def end(self, tz: str) -> datetime:
        """The first instant after the month (exclusive bound), in UTC."""
        return self.next().start(tz)

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        return self.start(tz), self.end(tz)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@lru_cache(maxsize=4096)
def _local_midnight_utc(year: int, month: int, tz: str) -> datetime:
    # Midnight on the 1st exists in every IANA zone fleetbill bills in (no DST switch at midnight
    # on the 1st in the tz database's current rules); fold=0 picks the earlier one if it repeats.
    return datetime(year, month, 1, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def require_utc(instant: datetime) -> datetime:
    """Refuse naive datetimes: every instant fleetbill handles is aware."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("naive datetime: fleetbill works with aware UTC datetimes only")
    return instant.astimezone(UTC)
