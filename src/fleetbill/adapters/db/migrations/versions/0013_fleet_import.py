"""the fleet import's account references (issue 9)

Revision ID: 0013
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'imported_accounts',
        sa.Column('account_ref', sa.String(length=100), nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('imported_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('account_ref'),
        sa.UniqueConstraint('account_id'),
    )


def downgrade() -> None:
    op.drop_table('imported_accounts')
