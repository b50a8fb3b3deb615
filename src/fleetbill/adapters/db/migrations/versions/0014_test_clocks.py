"""test clocks: timelines of test mode, and the accounts on them (issue 9 item 7)

Revision ID: 0014
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'test_clocks',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), server_default='', nullable=False),
        sa.Column('frozen_time', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('advance_started_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('ready', 'advancing')", name=op.f('ck_test_clocks_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_test_clocks')),
    )
    # Every account made before test clocks lives at the server's time (NULL).
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('test_clock_id', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_accounts_test_clock_id'), ['test_clock_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_accounts_test_clock_id_test_clocks'), 'test_clocks', ['test_clock_id'], ['id']
        )


def downgrade() -> None:
    # An account on a test clock would wake up at the server's time, its months closed by a clock
    # it never lived on: refuse rather than rewrite its history.
    bound = op.get_bind().execute(sa.text("SELECT count(*) FROM accounts WHERE test_clock_id IS NOT NULL")).scalar()
    if bound:
        raise RuntimeError(f"{bound} accounts live on test clocks; downgrading would move them to the server's time")
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_accounts_test_clock_id_test_clocks'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_accounts_test_clock_id'))
        batch_op.drop_column('test_clock_id')
    op.drop_table('test_clocks')
