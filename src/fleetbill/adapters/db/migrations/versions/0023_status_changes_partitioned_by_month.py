"""status_changes partitioned by month on PostgreSQL (issue 11 item 1)

The history is moved into a table partitioned by range of effective_at: a partition per UTC
calendar month (status_changes_YYYY_MM) from its first month (two years back for an empty one) to
two years after the later of its last and today, and a default partition for any instant beyond (the worker makes the month
partitions ahead of time: adapters/db/partitions.py). The primary key becomes (id, effective_at),
as PostgreSQL requires the partition key in it; ids still come from the same sequence. SQLite
keeps one table: nothing changes there.

Revision ID: 0023
Revises: 0021
"""

from datetime import UTC, datetime

from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None

_COLUMNS = "id, device_id, account_id, device_type_id, active, delta, effective_at, actor, request_id"
_INDEXES = {
    "ix_status_changes_account_time": "account_id, effective_at",
    "ix_status_changes_device_time": "device_id, effective_at",
    "ix_status_changes_month": "effective_at, account_id, device_type_id, delta",
}
_MONTHS_AHEAD = 24


def _month(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def _index(at: datetime) -> int:
    at = at.astimezone(UTC)
    return at.year * 12 + at.month - 1


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for name in _INDEXES:
        op.execute(f"DROP INDEX {name}")
    op.execute("ALTER TABLE status_changes RENAME TO status_changes_flat")
    op.execute("ALTER TABLE status_changes_flat DROP CONSTRAINT pk_status_changes")
    op.execute(_table(partitioned=True))
    op.execute("CREATE TABLE status_changes_default PARTITION OF status_changes DEFAULT")
    first, last = bind.exec_driver_sql("SELECT MIN(effective_at), MAX(effective_at) FROM status_changes_flat").one()
    today = _index(datetime.now(UTC))
    start = min(_index(first), today) if first is not None else today - _MONTHS_AHEAD
    end = max(_index(last), today) + _MONTHS_AHEAD if last is not None else today + _MONTHS_AHEAD
    for index in range(start, end + 1):
        lo, hi = _month(index), _month(index + 1)
        op.execute(
            f"CREATE TABLE status_changes_{lo.year:04d}_{lo.month:02d} PARTITION OF status_changes"
            f" FOR VALUES FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}')"
        )
    op.execute(f"INSERT INTO status_changes ({_COLUMNS}) SELECT {_COLUMNS} FROM status_changes_flat")
    op.execute("ALTER SEQUENCE status_changes_id_seq OWNED BY status_changes.id")
    op.execute("DROP TABLE status_changes_flat")
    for name, columns in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON status_changes ({columns})")
    op.execute("ANALYZE status_changes")


def _table(partitioned: bool) -> str:
    key, by = ("id, effective_at", " PARTITION BY RANGE (effective_at)") if partitioned else ("id", "")
    return f"""
        CREATE TABLE status_changes (
            id BIGINT NOT NULL DEFAULT nextval('status_changes_id_seq'),
            device_id VARCHAR(36) NOT NULL,
            account_id VARCHAR(36) NOT NULL,
            device_type_id VARCHAR(64) NOT NULL,
            active BOOLEAN NOT NULL,
            delta SMALLINT NOT NULL,
            effective_at TIMESTAMP WITH TIME ZONE NOT NULL,
            actor VARCHAR(100) NOT NULL,
            request_id VARCHAR(64),
            CONSTRAINT pk_status_changes PRIMARY KEY ({key}),
            CONSTRAINT fk_status_changes_device_id_devices FOREIGN KEY (device_id) REFERENCES devices (id),
            CONSTRAINT fk_status_changes_account_id_accounts FOREIGN KEY (account_id) REFERENCES accounts (id),
            CONSTRAINT ck_status_changes_delta CHECK (delta IN (-1, 0, 1))
        ){by}
    """


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _INDEXES:
        op.execute(f"DROP INDEX {name}")
    op.execute("ALTER TABLE status_changes RENAME TO status_changes_partitioned")
    op.execute("ALTER TABLE status_changes_partitioned DROP CONSTRAINT pk_status_changes")
    op.execute(_table(partitioned=False))
    op.execute(f"INSERT INTO status_changes ({_COLUMNS}) SELECT {_COLUMNS} FROM status_changes_partitioned")
    op.execute("ALTER SEQUENCE status_changes_id_seq OWNED BY status_changes.id")
    op.execute("DROP TABLE status_changes_partitioned")
    for name, columns in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON status_changes ({columns})")
