"""idempotency keys claimed before their request runs (issue 8: one key sent at once runs once)

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A claimed key has no response yet: status and body are NULL until the request completes.
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.alter_column('status_code', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('response_body', existing_type=sa.Text(), nullable=True)
        batch_op.add_column(sa.Column('claimed_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=36), nullable=True))


def downgrade() -> None:
    # A request still in progress has no response to keep: its claim goes.
    op.execute("DELETE FROM idempotency_records WHERE status_code IS NULL")
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
        batch_op.drop_column('claimed_at')
        batch_op.alter_column('response_body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('status_code', existing_type=sa.Integer(), nullable=False)
