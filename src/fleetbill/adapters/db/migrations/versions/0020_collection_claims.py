"""collection claims: the process collecting an invoice and until when (issue 11 item 3)

Several collecting processes take disjoint invoices: each claims a batch (claimed_by,
claimed_until) in a short transaction, and a dead one's claim lapses. The attempts still to ask
about are indexed alone, so a run finds them without reading the history.

Revision ID: 0020
Revises: 0024
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0020'
down_revision = '0024'
branch_labels = None
depends_on = None

_UNRESOLVED = sa.text("outcome IN ('pending', 'unknown')")


def upgrade() -> None:
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_payment_attempts_unresolved',
            ['invoice_id'],
            unique=False,
            postgresql_where=_UNRESOLVED,
            sqlite_where=_UNRESOLVED,
        )


def downgrade() -> None:
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_attempts_unresolved')
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
