"""Tables for getting paid: cards, collection state, attempts, payments, suspensions (R17-R19)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)

from ...domain.lifecycle import UNRESOLVED, AttemptOutcome, CollectionState, check_sql
from .schema import BigId, _id, _instant, metadata

_UNRESOLVED = text(f"outcome IN ({', '.join(repr(o) for o in UNRESOLVED)})")

billing_settings = Table(
    "billing_settings",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("collection_method", String(16), nullable=False),  # "card" (default) or "bank_transfer" (R18)
    Column("gateway_customer", String(100), nullable=True),  # the gateway's customer id
    Column("changed_by", String(100), nullable=False),
    _instant("changed_at"),
)

cards = Table(
    "cards",
    metadata,
    _id(),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("gateway", String(16), nullable=False),
    Column("token", String(200), nullable=False),  # NOTE: R17 never the number: the gateway's token
    Column("brand", String(32), nullable=False),
    Column("last4", String(4), nullable=False),
    Column("exp_month", Integer, nullable=False),
    Column("exp_year", Integer, nullable=False),
    Column("is_default", Boolean, nullable=False),
    _instant("added_at"),
    _instant("removed_at", nullable=True),
    _instant("expiry_warned_at", nullable=True),
    # R17: whose card a token is (a card add refuses another account's) and the account updater's look-up
    Index("ix_cards_token", "token"),
)

collections = Table(
    "collections",
    metadata,
    Column("invoice_id", String(36), ForeignKey("invoices.id"), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("method", String(16), nullable=False),  # "card" or "bank_transfer"
    Column("state", String(16), nullable=False),  # domain.lifecycle.CollectionState
    Column("tries_made", Integer, nullable=False),
    _instant("first_try_at", nullable=True),
    _instant("next_try_at", nullable=True),  # card: when the next try is due
    _instant("due_at", nullable=True),  # bank transfer: the due date (R18)
    Column("reminders_sent", Integer, nullable=False),
    # Issue 11: the collecting process that took the invoice, until when (a dead one's claim lapses).
    Column("claimed_by", String(64), nullable=True),
    _instant("claimed_until", nullable=True),
    Index("ix_collections_state_next", "state", "next_try_at"),
    CheckConstraint(check_sql("state", CollectionState), name="state"),
    CheckConstraint("method IN ('card', 'bank_transfer')", name="method"),
)

payment_attempts = Table(
    "payment_attempts",
    metadata,
    _id(),
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=False, index=True),
    Column("card_id", String(36), ForeignKey("cards.id"), nullable=False),
    Column("try_number", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("idempotency_key", String(100), nullable=False, unique=True),
    Column("outcome", String(16), nullable=False),  # domain.lifecycle.AttemptOutcome
    Column("code", String(64), nullable=True),
    Column("message", String(300), nullable=True),
    Column("reference", String(100), nullable=True),
    _instant("attempted_at"),
    _instant("resolved_at", nullable=True),
    CheckConstraint(check_sql("outcome", AttemptOutcome), name="outcome"),
    # The attempts still to ask about (few, whatever the history's length): each collection run reads them.
    Index(
        "ix_payment_attempts_unresolved",
        "invoice_id",
        postgresql_where=_UNRESOLVED,
        sqlite_where=_UNRESOLVED,
    ),
)

payments = Table(
    "payments",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=False, index=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("method", String(16), nullable=False),  # "card" or "bank_transfer"
    Column("amount", BigInteger, nullable=False),
    Column("reference", String(200), nullable=False),
    Column("attempt_id", String(36), ForeignKey("payment_attempts.id"), nullable=True),
    Column("actor", String(100), nullable=False),
    _instant("received_at"),
    UniqueConstraint("attempt_id"),  # one payment per successful attempt, however often it is resolved
)

suspensions = Table(
    "suspensions",
    metadata,
    _id(),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=False),
    Column("reason", String(300), nullable=False),
    _instant("suspended_at"),
    _instant("lifted_at", nullable=True),
)

plan_changes = Table(
    "plan_changes",
    metadata,
    _id(),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("from_plan_id", String(64), ForeignKey("plans.id"), nullable=False),
    Column("to_plan_id", String(64), ForeignKey("plans.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # "upgrade" (at once) or "downgrade" (at the next renewal)
    _instant("requested_at"),
    _instant("effective_at"),
    _instant("applied_at", nullable=True),  # a pending downgrade has none yet
    _instant("cancelled_at", nullable=True),
    Column("purchase_invoice_id", String(36), ForeignKey("invoices.id"), nullable=True),
    Column("actor", String(100), nullable=False),
)
