"""webhook delivery: redeliveries are deliveries of their own (issue 9)

A redelivery of an event to an endpoint is a new delivery with the same webhook-id, so the
(endpoint, event) pair is no longer unique; who asked for one is kept, and the deliveries are
indexed by endpoint (its page) and by event (redelivery, purge).

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by', sa.String(length=100), nullable=True))
        batch_op.drop_constraint('uq_webhook_deliveries_endpoint_event', type_='unique')
        batch_op.create_index('ix_webhook_deliveries_endpoint_id_id', ['endpoint_id', 'id'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_event_id', ['event_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_event_id')
        batch_op.drop_index('ix_webhook_deliveries_endpoint_id_id')
        batch_op.create_unique_constraint('uq_webhook_deliveries_endpoint_event', ['endpoint_id', 'event_id'])
        batch_op.drop_column('requested_by')
