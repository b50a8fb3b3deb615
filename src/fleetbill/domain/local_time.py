"""Instants as people read them: in a time zone, the account's own (its pages, emails and PDFs)
or the operator's (the console). Instants are stored and passed around as aware UTC datetimes;
this is the one place they become text, so no page shows a UTC day where a local one is meant."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .periods import require_utc

# How much of the instant is shown: the day, the minute, or the second (the audit log).
PRECISIONS = {"day": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M", "second": "%Y-%m-%d %H:%M:%S"}
DAY_JA = "{d.year}年{d.month}月{d.day}日"


def in_zone(at: datetime, zone: str) -> datetime:
    """`at` (aware; naive is refused) as a wall-clock time in `zone`."""
    return require_utc(at).astimezone(ZoneInfo(zone))


def local_day(at: datetime, zone: str) -> date:
    """The calendar day `at` falls on in `zone`."""
    return in_zone(at, zone).date()


def last_day_before(end: datetime, zone: str) -> date:
    """The last day of a period that ends (exclusive) at `end`: a due date that is "due at the
    start of the next day" reads as the day before, in `zone`."""
    return local_day(require_utc(end) - timedelta(microseconds=1), zone)


def day_text(day: date, lang: str = "en") -> str:
    """A calendar day: 2026-12-02, or 2026年12月2日 in Japanese documents."""
    return DAY_JA.format(d=day) if lang == "ja" else day.isoformat()


def local_text(at: datetime, zone: str, precision: str = "minute", lang: str = "en") -> str:
    """`at` in `zone`, to the day, minute or second: "2026-12-02 01:00" (or 2026年12月2日 01:00)."""
    local = in_zone(at, zone)
    if lang == "ja":
        clock = {"day": "", "minute": " %H:%M", "second": " %H:%M:%S"}[precision]
        return day_text(local.date(), "ja") + local.strftime(clock)
    return local.strftime(PRECISIONS[precision])


def instant_in_text(value: object, zone: str, precision: str = "minute") -> str | None:
    """If `value` is an aware instant, or the ISO text of one (as JSON details store them), that
    instant in `zone`; else None. For details whose keys do not say what they hold."""
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] in ("T", " "):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return local_text(value, zone, precision)
    return None
