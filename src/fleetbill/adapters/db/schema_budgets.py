"""The budget thresholds an account was told of (R20, issue 12 item 4)."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Integer, String, Table

from .schema import _instant, metadata

# One row per account, billing month and threshold reached: its primary key is what makes each
# threshold told once a month (a second insert is refused by the database, whichever worker or
# request makes it). What the projection and the budget were then is kept for the billing page.
budget_thresholds = Table(
    "budget_thresholds",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("month", Integer, primary_key=True),  # BillingMonth.index in the account's zone
    Column("threshold", Integer, primary_key=True),  # percent of the budget: 80 or 100
    _instant("reached_at"),
    Column("projection", BigInteger, nullable=False),  # JPY, the month's projected bill then
    Column("budget", BigInteger, nullable=False),  # JPY, the budget then
    CheckConstraint("threshold IN (80, 100)", name="threshold"),
)
