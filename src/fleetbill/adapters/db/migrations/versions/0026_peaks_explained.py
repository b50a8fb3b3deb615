"""month_peaks and month_marks.peak_before_at: when each month's peak was first reached (issue 12)

The close stores, beside each usage line billed on a peak (R5), the first instant the peak was
reached; the marks keep the first instant of their highest-before so that a close reading marks
knows it too. Marks written before this migration do not know that instant: they are dropped and
kept anew from now (month_marks_since, as 0024 did), so months in progress are closed from their
changes and the next month from its marks.

Revision ID: 0026
Revises: 0025
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import fleetbill.adapters.db.schema

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "month_peaks",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("device_type_id", sa.String(length=64), nullable=False),
        sa.Column("peak", sa.Integer(), nullable=False),
        sa.Column("peak_at", fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("peak > 0", name=op.f("ck_month_peaks_peak")),
        sa.PrimaryKeyConstraint("account_id", "month", "device_type_id", name=op.f("pk_month_peaks")),
    )
    with op.batch_alter_table("month_marks") as batch:
        batch.add_column(
            sa.Column("peak_before_at", fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True)
        )
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT COUNT(*) FROM month_marks").scalar():
        latest = bind.exec_driver_sql("SELECT MAX(effective_at) FROM status_changes").scalar()
        if isinstance(latest, str):  # SQLite gives the stored text: naive UTC
            latest = datetime.fromisoformat(latest)
        latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
        kept_from = max(datetime.now(UTC), latest)
        op.execute("DELETE FROM month_marks")
        since = sa.table("month_marks_since", sa.column("since", fleetbill.adapters.db.schema.UTCDateTime()))
        op.execute(since.update().values(since=kept_from))


def downgrade() -> None:
    with op.batch_alter_table("month_marks") as batch:
        batch.drop_column("peak_before_at")
    op.drop_table("month_peaks")
