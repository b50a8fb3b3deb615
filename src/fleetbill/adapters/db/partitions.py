"""PostgreSQL: status_changes partitioned by month (issue 11).

The history is the one table that grows with every switch of every device. On PostgreSQL it is
partitioned by range of effective_at, one partition per UTC calendar month
(status_changes_YYYY_MM) and a default partition for instants no month partition covers yet (a
test clock far in the past or future). A month's close reads the month's partitions alone; a
month every account has closed can be detached and archived (docs/scaling.md). SQLite keeps one
table.

Month partitions are made ahead of time by the worker (`ensure_month_partitions`); rows that
reached the default partition before their month's partition existed are moved into it when it
is made, in the same transaction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Connection

PARENT = "status_changes"
DEFAULT = "status_changes_default"
# The partitions are tables of their own in the catalog, not in the declared schema: what
# compares the schema with the migrations leaves them out.
PARTITION_NAME = re.compile(r"^status_changes_(default|\d{4}_\d{2})$")
MONTHS_BEHIND, MONTHS_AHEAD = 1, 12
# pg_try_advisory_xact_lock's key for "partitions are being made": any fixed 64-bit number ("fbparts").
_LOCK = 0x66627061727473


def declared(name, type_, parent_names) -> bool:
    """Alembic's include_name: the partitions are not compared with the declared schema."""
    return not (type_ == "table" and PARTITION_NAME.match(name or ""))


def partitioned(conn: Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    kind = conn.exec_driver_sql(f"SELECT relkind FROM pg_class WHERE relname = '{PARENT}'").scalar()
    return kind == "p"


def _month(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(start: datetime) -> str:
    return f"{PARENT}_{start.year:04d}_{start.month:02d}"


def existing(conn: Connection) -> set[str]:
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        f"JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = '{PARENT}'"
    )
    return set(rows.scalars())


def ensure_month_partitions(conn: Connection, now: datetime, behind: int = MONTHS_BEHIND, ahead: int = MONTHS_AHEAD):
    """Make the month partitions from `behind` months before `now`'s to `ahead` after it, moving
    into each the rows the default partition holds for its month; the names made. Nothing on
    SQLite or an unpartitioned table; nothing when another process is making them now."""
    if not partitioned(conn):
        return []
    if not conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({_LOCK})").scalar():
        return []
    # Attaching a month takes a lock the history's readers would queue behind: wait little, try
    # again on the next run rather than stall them.
    conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
    here = now.astimezone(UTC).year * 12 + now.astimezone(UTC).month - 1
    made, have = [], existing(conn)
    for index in range(here - behind, here + ahead + 1):
        start, end = _month(index), _month(index + 1)
        name = partition_name(start)
        if name not in have:
            make_partition(conn, start, end)
            made.append(name)
    return made


def make_partition(conn: Connection, start: datetime, end: datetime) -> None:
    """One month's partition, with the rows the default partition holds for it moved in."""
    name, bounds = partition_name(start), dict(start=start, end=end)
    conn.exec_driver_sql(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    conn.exec_driver_sql(
        f"WITH moved AS (DELETE FROM {DEFAULT} WHERE effective_at >= %(start)s AND effective_at < %(end)s "
        f"RETURNING *) INSERT INTO {name} SELECT * FROM moved",
        bounds,
    )
    conn.exec_driver_sql(
        f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )
