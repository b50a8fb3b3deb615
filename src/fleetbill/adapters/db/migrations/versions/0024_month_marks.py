"""month_marks: each month's high-water mark per account and device type (issue 11 item 2)

Kept as changes are written (adapters/db/marks.py); the close reads them instead of the month's
changes for every month that started after they were first kept: month_marks_since holds that
instant (now, or the Unix epoch for a database with no history yet, whose every month is kept).

Revision ID: 0024
Revises: 0023
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import fleetbill.adapters.db.schema

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "month_marks",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("device_type_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("peak_before", sa.Integer(), nullable=True),
        sa.Column("last_at", fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_month_marks_account_id_accounts")),
        sa.PrimaryKeyConstraint("month", "account_id", "device_type_id", name=op.f("pk_month_marks")),
    )
    since = op.create_table(
        "month_marks_since",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("since", fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_month_marks_since_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_month_marks_since")),
    )
    # From now, or from the latest change already written if one is later (a test clock ahead of
    # the server's time): no month starting after it holds a change written without its mark.
    latest = op.get_bind().exec_driver_sql("SELECT MAX(effective_at) FROM status_changes").scalar()
    if latest is None:
        kept_from = datetime(1970, 1, 1, tzinfo=UTC)
    else:
        if isinstance(latest, str):  # SQLite gives the stored text: naive UTC
            latest = datetime.fromisoformat(latest)
        latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
        kept_from = max(datetime.now(UTC), latest)
    op.bulk_insert(since, [dict(id=1, since=kept_from)])


def downgrade() -> None:
    op.drop_table("month_marks_since")
    op.drop_table("month_marks")
