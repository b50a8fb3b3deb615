"""API key scopes, who made a key, and when it was last used (issue 9 item 4)

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every key made before scopes existed could do anything: it stays a full key. Who made it
    # and when it was last used were not recorded: they stay unknown (NULL).
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=16), server_default='full', nullable=False))
        batch_op.add_column(sa.Column('created_by', sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column('last_used_at', fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # A read-only key would become a full one: revoke it rather than widen what it may do.
    op.execute("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP WHERE scope <> 'full' AND revoked_at IS NULL")
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('created_by')
        batch_op.drop_column('scope')
