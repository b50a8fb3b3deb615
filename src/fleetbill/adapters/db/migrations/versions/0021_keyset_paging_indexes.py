"""keyset paging indexes (issue 11 item 5): each list page's order, so a page seeks its start

The console's accounts by (name, id), the API's by (created_at, id); an account's devices by
(account_id, registered_at, name, id), the billing page's order; every invoice newest first by
(sequence, id), which replaces the index on sequence alone (two issuers can share a sequence).
The console's emails and audit log page on their primary key (id), filtered by an account on the
indexes they have: an account has hundreds of rows there, not millions.

Revision ID: 0021
Revises: 0022
"""

from alembic import op

revision = "0021"
down_revision = "0022"
branch_labels = None
depends_on = None

_INDEXES = [  # (table, name, columns)
    ("accounts", "ix_accounts_name_id", ["name", "id"]),
    ("accounts", "ix_accounts_created_at_id", ["created_at", "id"]),
    ("devices", "ix_devices_account_listed", ["account_id", "registered_at", "name", "id"]),
    ("invoices", "ix_invoices_sequence_id", ["sequence", "id"]),
]


def upgrade() -> None:
    for table, name, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index("ix_invoices_sequence", table_name="invoices")


def downgrade() -> None:
    op.create_index("ix_invoices_sequence", "invoices", ["sequence"], unique=False)
    for table, name, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
