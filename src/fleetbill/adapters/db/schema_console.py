"""Tables for the operator's console: staff, their sessions, and the audit log of money-moving
actions (who, when, what, for how much)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from .schema import BigId, _id, _instant, metadata

staff_users = Table(
    "staff_users",
    metadata,
    _id(),
    Column("email", String(320), nullable=False, unique=True),  # stored lower-case
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),  # argon2id, with its parameters and salt
    Column("failed_logins", Integer, nullable=False, default=0),
    _instant("locked_until", nullable=True),
    _instant("disabled_at", nullable=True),
    _instant("created_at"),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the cookie's random token
    Column("staff_id", String(36), ForeignKey("staff_users.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    _instant("created_at"),
    _instant("expires_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _instant("at"),
    Column("actor", String(100), nullable=False),  # "staff:<email>", "api:<key name>", "worker", "billing-page"
    Column("action", String(40), nullable=False),  # e.g. "transfer.recorded", "points.granted"
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=True),
    Column("subject", String(100), nullable=True),  # the invoice number, plan id, tax region...
    Column("amount", BigInteger, nullable=True),  # minor units, signed as the money moves
    Column("currency", String(3), nullable=True),
    Column("details", Text, nullable=False),  # JSON: what a person needs to reconstruct the action
    Index("ix_audit_log_account_at", "account_id", "at"),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_action_id", "action", "id"),
)

# A money-moving console form carries a one-time nonce, stored with the action it did: the same
# form sent twice (a double click, a reload) is refused instead of recording a transfer twice.
console_forms = Table(
    "console_forms",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("staff_id", String(36), ForeignKey("staff_users.id"), nullable=False),
    Column("action", String(40), nullable=False),
    _instant("submitted_at"),
)
