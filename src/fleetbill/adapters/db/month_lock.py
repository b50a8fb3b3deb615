"""R4: a lock per (time zone, billing month) between the close and the writers of status changes.

The close of a month holds it EXCLUSIVE for every zone it closes, from before it reads the month
until it commits; a register, switch or import holds it SHARED for the month it writes into, from
before its R4 check (the account's `closed_through`) until it commits. So a change is either
committed before the close reads the month (the close waits for it and bills it), or checked
after the close committed (and refused: the month is closed). Writers share it: they never wait
for each other, only for a close of their own zone and month, which only the requests in flight
at the month's end ever meet.

PostgreSQL: transaction-level advisory locks, keyed by the two-int form (zone, month), so they
can never meet the single-key locks fleetbill takes elsewhere (the close's, the publisher's,
the partitions'). Several keys are taken in one order (zone's key, then month), so a close and an
import that both need several never wait for each other in a cycle.

SQLite: nothing to take. Every write transaction begins with BEGIN IMMEDIATE (engine.py), so the
close's month and a writer's check-and-write run one after the other, whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from sqlalchemy import Connection, text

from ...domain.periods import BillingMonth

_SHARE = text("SELECT pg_advisory_xact_lock_shared(:zone, :month)")
_HOLD = text("SELECT pg_advisory_xact_lock(:zone, :month)")


def month_key(timezone: str, month: int) -> tuple[int, int]:
    """The lock's key: the zone name's CRC-32 as a signed 32-bit int, and the month's index.
    Stable across processes and Python versions (`hash()` is not); two zones whose names share a
    CRC only share a lock, which costs a wait, never a wrong bill."""
    crc = zlib.crc32(timezone.encode())
    return (crc - (1 << 32) if crc >= 1 << 31 else crc, month)


def share_months(conn: Connection, months: Iterable[tuple[str, int]]) -> None:
    """A writer's side: hold (zone, month index) SHARED until the transaction ends. Call it before
    the R4 check that reads the account's `closed_through`, and write after that check."""
    _take(conn, _SHARE, months)


def hold_months_for_close(conn: Connection, month: BillingMonth, timezones: Iterable[str]) -> None:
    """The close's side: hold `month` of every zone in `timezones` EXCLUSIVE until the transaction
    ends, waiting for the writers already in it to commit. Call it before the close reads."""
    _take(conn, _HOLD, ((tz, month.index) for tz in timezones))


def _take(conn: Connection, statement, months: Iterable[tuple[str, int]]) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already serializes every write transaction whole
    for zone, month in sorted({month_key(tz, m) for tz, m in months}):
        conn.execute(statement, dict(zone=zone, month=month))
