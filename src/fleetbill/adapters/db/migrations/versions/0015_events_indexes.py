"""events indexes: those only published events need hold published events alone (issue 9)

An event gets its sequence and position when it is published, an UPDATE that writes a new entry
in every index anyway; so the events API's indexes, the purge's and the numbers' uniqueness
(NULLs never clash) index only events with a position, and recording one (the close records one
per invoice in its transaction) maintains the primary key, the event id and the unpublished index.

Revision ID: 0015
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa
import fleetbill.adapters.db.schema


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_PUBLISHED = sa.text('position IS NOT NULL')
_INDEXES = [  # (name, columns, unique)
    ('uq_events_stream_sequence', ['stream', 'sequence'], True),
    ('uq_events_position', ['position'], True),
    ('ix_events_occurred_at', ['occurred_at'], False),
    ('ix_events_type_occurred_at', ['type', 'occurred_at'], False),
    ('ix_events_account_id_occurred_at', ['account_id', 'occurred_at'], False),
]


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_events_stream_sequence', type_='unique')
        batch_op.drop_constraint('uq_events_position', type_='unique')
        batch_op.drop_index('ix_events_occurred_at')
        batch_op.drop_index('ix_events_type_occurred_at')
        batch_op.drop_index('ix_events_account_id_occurred_at')
    with op.batch_alter_table('events', schema=None) as batch_op:
        for name, columns, unique in _INDEXES:
            batch_op.create_index(name, columns, unique=unique, postgresql_where=_PUBLISHED, sqlite_where=_PUBLISHED)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        for name, _, _ in reversed(_INDEXES):
            batch_op.drop_index(name)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_account_id_occurred_at', ['account_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_events_type_occurred_at', ['type', 'occurred_at'], unique=False)
        batch_op.create_index('ix_events_occurred_at', ['occurred_at'], unique=False)
        batch_op.create_unique_constraint('uq_events_position', ['position'])
        batch_op.create_unique_constraint('uq_events_stream_sequence', ['stream', 'sequence'])
