"""status_changes index for the close's peak query

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 13:45:00.000000
"""

from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The history in (account, device type, device, instant, id) order, with the status carried
    # in the index on PostgreSQL: the peak query reads it index-only, without sorting it.
    op.create_index(
        'ix_status_changes_metering',
        'status_changes',
        ['account_id', 'device_type_id', 'device_id', 'effective_at', 'id'],
        unique=False,
        postgresql_include=['active'],
    )


def downgrade() -> None:
    op.drop_index('ix_status_changes_metering', table_name='status_changes')
