"""The history of an account's settings (issue 10 item 5)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, text

from .schema import BigId, _instant, metadata

# Every change of an account's settings, as requested (services/account_settings): name,
# language, contacts and address apply at once; country/region and tax status (field "tax")
# apply from the next contract period (R13), so such a change waits, applied_at unset, until
# then. old_value/new_value are JSON. The history also gives an invoice the address in force
# when it was issued.
account_changes = Table(
    "account_changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("field", String(32), nullable=False),
    Column("old_value", Text, nullable=True),
    Column("new_value", Text, nullable=True),
    _instant("requested_at"),
    _instant("effective_at"),
    _instant("applied_at", nullable=True),
    _instant("cancelled_at", nullable=True),  # a pending change replaced by a newer one
    Column("actor", String(100), nullable=False),
    Index("ix_account_changes_account_id_field", "account_id", "field"),
    Index(
        "ix_account_changes_pending",
        "effective_at",
        postgresql_where=text("applied_at IS NULL AND cancelled_at IS NULL"),
        sqlite_where=text("applied_at IS NULL AND cancelled_at IS NULL"),
    ),
)
