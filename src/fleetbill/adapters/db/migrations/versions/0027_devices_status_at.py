"""devices.status_at: the instant of each device's current status (issue 11 review, R5)

A switch changes a device only at or after the instant of its status, so two opposite switches
whose transactions commit in the opposite order of their instants can no longer record a change
behind the device's status. Backfilled set-based from each device's latest status change (every
device written by fleetbill has one); NULL is left to devices loaded without the services, which
the switch treats as older than any instant.

Revision ID: 0027
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

import fleetbill.adapters.db.schema

revision = "0027"
down_revision = "0028"
branch_labels = None
depends_on = None

_BACKFILL = """
UPDATE devices SET status_at = latest.at
FROM (SELECT device_id, MAX(effective_at) AS at FROM status_changes GROUP BY device_id) AS latest
WHERE devices.id = latest.device_id
"""


def upgrade() -> None:
    op.add_column("devices", sa.Column("status_at", fleetbill.adapters.db.schema.UTCDateTime(), nullable=True))
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("status_at")
