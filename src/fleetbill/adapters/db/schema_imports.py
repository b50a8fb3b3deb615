"""The table of the fleet import (issue 9): which account an operator's own account id became, so
that importing the same file again finds what it already brought in."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table

from .schema import _instant, metadata

imported_accounts = Table(
    "imported_accounts",
    metadata,
    Column("account_ref", String(100), primary_key=True),  # the file's account_ref
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, unique=True),
    _instant("imported_at"),
)
