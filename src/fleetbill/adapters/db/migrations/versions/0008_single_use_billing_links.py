"""single-use billing links, the installation's generated secret key, cards by token

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'used_billing_links',
        sa.Column('link_id', sa.String(length=32), nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('used_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_used_billing_links_account_id_accounts')),
        sa.PrimaryKeyConstraint('link_id', name=op.f('pk_used_billing_links')),
    )
    with op.batch_alter_table('used_billing_links', schema=None) as batch_op:
        batch_op.create_index('ix_used_billing_links_used_at', ['used_at'], unique=False)

    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_token', ['token'], unique=False)

    op.create_table(
        'installation_secrets',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.Column('created_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_installation_secrets')),
    )


def downgrade() -> None:
    op.drop_table('installation_secrets')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_token')
    with op.batch_alter_table('used_billing_links', schema=None) as batch_op:
        batch_op.drop_index('ix_used_billing_links_used_at')
    op.drop_table('used_billing_links')
