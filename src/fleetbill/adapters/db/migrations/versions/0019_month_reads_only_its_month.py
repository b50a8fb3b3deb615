"""a month's count reads only that month (issue 11): each status change's delta, opening levels

Each status change keeps what it did to its account's count of Active devices (delta: +1, -1, 0),
backfilled here from the device's status before it (the order the close has always used: the
instant, then the id); the close's index becomes the month's range (ix_status_changes_month)
instead of every account's whole history; and opening_levels holds the count of each type at a
month's first instant, written by the close of the month before.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

import fleetbill.adapters.db.schema

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_BACKFILL = """
UPDATE status_changes SET delta = d.delta
FROM (
    SELECT id,
           CASE WHEN active AND NOT COALESCE(before, FALSE) THEN 1
                WHEN NOT active AND COALESCE(before, FALSE) THEN -1
                ELSE 0 END AS delta
    FROM (SELECT id, active, LAG(active) OVER (PARTITION BY device_id ORDER BY effective_at, id) AS before
          FROM status_changes) AS h
) AS d
WHERE status_changes.id = d.id
"""


def upgrade() -> None:
    op.add_column("status_changes", sa.Column("delta", sa.SmallInteger(), nullable=True))
    op.execute(_BACKFILL)
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.alter_column("delta", existing_type=sa.SmallInteger(), nullable=False)
        batch_op.create_check_constraint("delta", "delta IN (-1, 0, 1)")
        batch_op.drop_index("ix_status_changes_metering")
        batch_op.create_index(
            "ix_status_changes_month", ["effective_at", "account_id", "device_type_id", "delta"], unique=False
        )
    op.create_table(
        "opening_levels",
        sa.Column("at", fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("device_type_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.CheckConstraint("level >= 0", name=op.f("ck_opening_levels_level")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_opening_levels_account_id_accounts")),
        sa.PrimaryKeyConstraint("at", "account_id", "device_type_id", name=op.f("pk_opening_levels")),
    )


def downgrade() -> None:
    op.drop_table("opening_levels")
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_status_changes_month")
        batch_op.create_index(
            "ix_status_changes_metering",
            ["account_id", "device_type_id", "device_id", "effective_at", "id"],
            unique=False,
            postgresql_include=["active"],
        )
        batch_op.drop_constraint(op.f("ck_status_changes_delta"), type_="check")
        batch_op.drop_column("delta")
