"""accounts.closed_through: the last month closed for each account (issue 11 item 5)

What is due is read from the accounts alone instead of an anti-join over every invoice ever
made, which a planner on stale statistics turned into 403 s of finding nothing to do. Backfilled
from the months the accounts have invoices for.

Revision ID: 0022
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("closed_through", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE accounts SET closed_through = (SELECT MAX(billing_month) FROM invoices"
        " WHERE invoices.account_id = accounts.id AND invoices.billing_month IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("closed_through")
