"""accounts leave room in their pages (PostgreSQL fillfactor 80) (issue 11)

Every close moves closed_through on each account it invoiced: with full pages each update writes
a new row version elsewhere and the table grew 4.5x over twelve closes in the benchmark. With
room in the page (closed_through is in no index) the update stays in the page (a HOT update).
SQLite: nothing to do.

Revision ID: 0025
Revises: 0020
"""

from alembic import op

revision = "0025"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE accounts SET (fillfactor = 80)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE accounts RESET (fillfactor)")
