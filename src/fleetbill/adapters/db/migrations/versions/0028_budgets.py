"""budgets (R20, issue 12 item 4): an account's monthly budget, a plan's default one, and the
thresholds each account was told of, once per threshold and month

Revision ID: 0028
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

import fleetbill.adapters.db.schema

revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN, not a batch copy: SQLite would drop and copy plans and accounts, which every
    # other table refers to. SQLite takes the CHECK in the column's definition.
    for table, column in (("plans", "default_budget"), ("accounts", "budget")):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {column} BIGINT CONSTRAINT ck_{table}_{column} CHECK ({column} > 0)"
            )
        else:
            op.add_column(table, sa.Column(column, sa.BigInteger(), nullable=True))
            op.create_check_constraint(op.f(f"ck_{table}_{column}"), table, f"{column} > 0")
    op.create_table(
        "budget_thresholds",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("reached_at", fleetbill.adapters.db.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("projection", sa.BigInteger(), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("threshold IN (80, 100)", name=op.f("ck_budget_thresholds_threshold")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_budget_thresholds_account_id_accounts")),
        sa.PrimaryKeyConstraint("account_id", "month", "threshold", name=op.f("pk_budget_thresholds")),
    )


def downgrade() -> None:
    op.drop_table("budget_thresholds")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_accounts_budget"), type_="check")
        batch_op.drop_column("budget")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_plans_default_budget"), type_="check")
        batch_op.drop_column("default_budget")
