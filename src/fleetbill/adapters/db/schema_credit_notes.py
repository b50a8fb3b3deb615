"""Tables of the corrections (R15): credit notes against finalized invoices, numbered in their own
gapless series per issuer, and the refunds that send money back."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Integer, String, Table, UniqueConstraint

from ...domain.credit_notes import RefundMethod, RefundState
from ...domain.lifecycle import check_sql
from .schema import _id, _instant, metadata

credit_notes = Table(
    "credit_notes",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),  # "<prefix>-CN-00000001"
    Column("issuer_id", String(32), ForeignKey("issuers.id"), nullable=False),
    Column("sequence", BigInteger, nullable=False),  # issuers.last_credit_note_sequence
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=False, index=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("subtotal", BigInteger, nullable=False),
    Column("tax_total", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("points_back", BigInteger, nullable=False),  # the points part credited: granted back (R16)
    Column("refund_due", BigInteger, nullable=False),  # money received beyond what is now owed
    Column("reason", String(300), nullable=False),
    Column("actor", String(100), nullable=False),
    _instant("issued_at"),
    UniqueConstraint("issuer_id", "sequence"),
    CheckConstraint("total > 0 AND total = subtotal + tax_total", name="total"),
)

# NOTE: R14 each issuer's credit notes are numbered 1, 2, 3... with no gap, apart from its invoices.
credit_note_sequences = Table(
    "credit_note_sequences",
    metadata,
    Column("issuer_id", String(32), ForeignKey("issuers.id"), primary_key=True),
    Column("last_sequence", BigInteger, nullable=False),
)

credit_note_lines = Table(
    "credit_note_lines",
    metadata,
    Column("credit_note_id", String(36), ForeignKey("credit_notes.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("invoice_position", Integer, nullable=True),  # the invoice line credited; None: an amount
    Column("description", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),  # tax-exclusive
    Column("tax_rate_ppm", Integer, nullable=False),
)

credit_note_taxes = Table(
    "credit_note_taxes",
    metadata,
    Column("credit_note_id", String(36), ForeignKey("credit_notes.id"), primary_key=True),
    Column("tax_rate_ppm", Integer, primary_key=True),
    Column("taxable_amount", BigInteger, nullable=False),
    Column("tax", BigInteger, nullable=False),
)

refunds = Table(
    "refunds",
    metadata,
    _id(),
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=False, index=True),
    Column("credit_note_id", String(36), ForeignKey("credit_notes.id"), nullable=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("method", String(16), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("state", String(16), nullable=False),
    Column("payment_reference", String(100), nullable=True),  # card: the charge refunded
    Column("reference", String(200), nullable=True),  # the gateway's refund id, or the bank's
    Column("idempotency_key", String(100), nullable=False, unique=True),
    Column("code", String(64), nullable=True),
    Column("message", String(300), nullable=True),
    Column("actor", String(100), nullable=False),
    _instant("created_at"),
    _instant("resolved_at", nullable=True),
    CheckConstraint(check_sql("state", RefundState), name="state"),
    CheckConstraint(check_sql("method", RefundMethod), name="method"),
    CheckConstraint("amount > 0", name="amount"),
)
