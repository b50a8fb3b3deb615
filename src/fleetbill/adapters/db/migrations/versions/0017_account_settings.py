"""account settings and invoices delivered: language, contacts, postal address, the history of
changes (tax changes wait for the next contract period, R13), and what each email attached and
to whom it went (issue 10 items 4-5)

Revision ID: 0017
Revises: 0015
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('billing_emails', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_accounts_language'), "language IN ('ja', 'en')")
    # An account in Japan reads Japanese, as a new one does unless it asks otherwise.
    op.execute("UPDATE accounts SET language = 'ja' WHERE country = 'JP'")
    op.create_table(
        'account_changes',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('old_value', sa.Text(), nullable=True),
        sa.Column('new_value', sa.Text(), nullable=True),
        sa.Column('requested_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column('effective_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column('applied_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column('cancelled_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_changes_account_id_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_changes')),
    )
    with op.batch_alter_table('account_changes', schema=None) as batch_op:
        batch_op.create_index('ix_account_changes_account_id_field', ['account_id', 'field'], unique=False)
        batch_op.create_index(
            'ix_account_changes_pending',
            ['effective_at'],
            unique=False,
            postgresql_where=sa.text('applied_at IS NULL AND cancelled_at IS NULL'),
            sqlite_where=sa.text('applied_at IS NULL AND cancelled_at IS NULL'),
        )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('invoice_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('sent_to', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('sent_to')
        batch_op.drop_column('invoice_id')
        batch_op.drop_column('language')
    with op.batch_alter_table('account_changes', schema=None) as batch_op:
        batch_op.drop_index(
            'ix_account_changes_pending',
            postgresql_where=sa.text('applied_at IS NULL AND cancelled_at IS NULL'),
            sqlite_where=sa.text('applied_at IS NULL AND cancelled_at IS NULL'),
        )
        batch_op.drop_index('ix_account_changes_account_id_field')
    op.drop_table('account_changes')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_accounts_language'), type_='check')
        batch_op.drop_column('postal_address')
        batch_op.drop_column('billing_emails')
        batch_op.drop_column('language')
