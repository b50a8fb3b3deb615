"""The tables. Instants are aware UTC (timestamptz on PostgreSQL, UTC text on SQLite)."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

from ...domain.lifecycle import InvoiceState, check_sql

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; fleetbill stores aware UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _id() -> Column:
    return Column("id", String(36), primary_key=True)


def _instant(name: str, nullable: bool = False) -> Column:
    return Column(name, UTCDateTime(), nullable=nullable)


BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys only

issuers = Table(
    "issuers",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("registration_number", String(14), nullable=False),
    Column("invoice_prefix", String(16), nullable=False),
    Column("last_sequence", BigInteger, nullable=False, default=0),
)

api_keys = Table(
    "api_keys",
    metadata,
    _id(),
    Column("name", String(100), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    # "full" or "read_only" (domain.api_keys.Scope); keys made before scopes existed were full.
    Column("scope", String(16), nullable=False, server_default="full"),
    _instant("created_at"),
    Column("created_by", String(100), nullable=True),  # the actor; null: made before it was recorded
    _instant("last_used_at", nullable=True),  # to the minute (domain.api_keys.LAST_USED_EVERY)
    _instant("revoked_at", nullable=True),
)

idempotency_records = Table(
    "idempotency_records",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("api_key_id", String(36), ForeignKey("api_keys.id"), nullable=False),
    Column("key", String(255), nullable=False),
    Column("request_fingerprint", String(64), nullable=False),
    # Both NULL while the request runs: the key is claimed before the work starts.
    Column("status_code", Integer, nullable=True),
    Column("response_body", Text, nullable=True),
    _instant("created_at"),  # real time, not the test clock: the client's retries happen in real time
    # The claim of the request running now; one older than the claim timeout is taken over.
    _instant("claimed_at", nullable=True),
    Column("claim_token", String(36), nullable=True),
    UniqueConstraint("api_key_id", "key"),
)

device_types = Table(
    "device_types",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    _instant("created_at"),
)

plans = Table(
    "plans",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("term", String(16), nullable=False),
    Column("notice_days", Integer, nullable=False),
    Column("counting_mode", String(16), nullable=False),
    Column("features", Text, nullable=False),  # JSON list of feature names
    Column("allow_bank_transfer", Boolean, nullable=False),
    _instant("created_at"),
    # R20 (issue 12): the monthly budget, JPY, of each account on the plan that sets none itself.
    Column("default_budget", BigInteger, nullable=True),
    CheckConstraint("default_budget > 0", name="default_budget"),
)

price_versions = Table(
    "price_versions",
    metadata,
    _id(),
    Column("plan_id", String(64), ForeignKey("plans.id"), nullable=False),
    Column("effective_month", Integer, nullable=False),  # BillingMonth.index
    Column("fixed_fee", BigInteger, nullable=False),  # per contract period; 0 = none
    _instant("announced_at"),
    UniqueConstraint("plan_id", "effective_month"),
)

price_tiers = Table(
    "price_tiers",
    metadata,
    Column("price_version_id", String(36), ForeignKey("price_versions.id"), primary_key=True),
    Column("device_type_id", String(64), ForeignKey("device_types.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("up_to", Integer, nullable=True),
    Column("unit_price", BigInteger, nullable=False),
)

tax_rates = Table(
    "tax_rates",
    metadata,
    _id(),
    Column("country", String(2), nullable=False),
    Column("subdivision", String(6), nullable=False, default=""),  # "" = the whole country
    Column("rate_ppm", Integer, nullable=False),  # millionths: 100000 = 10%
    _instant("valid_from"),
    UniqueConstraint("country", "subdivision", "valid_from"),
)

# Test mode's timelines (Stripe's test clocks): an account on one lives at its frozen time.
test_clocks = Table(
    "test_clocks",
    metadata,
    Column("id", String(40), primary_key=True),  # "clock_..."
    Column("name", String(200), nullable=False, server_default=""),
    _instant("frozen_time"),
    Column("status", String(16), nullable=False),  # domain.test_clocks.ClockStatus
    _instant("advance_started_at", nullable=True),  # while advancing: since when (a crash lets go)
    _instant("created_at"),  # the server's time, not the clock's
    CheckConstraint("status IN ('ready', 'advancing')", name="status"),
)

accounts = Table(
    "accounts",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("subdivision", String(6), nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("plan_id", String(64), ForeignKey("plans.id"), nullable=False),
    Column("tax_status", String(16), nullable=False),
    Column("billing_email", String(320), nullable=False),
    Column("first_month", Integer, nullable=False),  # BillingMonth.index of the sign-up month
    # The last month closed for it (BillingMonth.index; None: none yet), moved by the close in the
    # month's transaction: what is due is read here, not from every invoice ever made (issue 11).
    Column("closed_through", Integer, nullable=True),
    _instant("contract_started_at"),
    _instant("created_at"),
    # None: the account lives at the server's time; else at its test clock's (test mode only).
    Column("test_clock_id", String(40), ForeignKey("test_clocks.id"), nullable=True, index=True),
    # Account settings (issue 10): the language of its emails ("ja" or "en"), every billing
    # contact as a JSON list (billing_email is the first; an empty list: billing_email alone, as
    # accounts imported in bulk have it), and the postal address printed on its invoices (R14).
    Column("language", String(2), nullable=False, server_default="en"),
    Column("billing_emails", Text, nullable=False, server_default="[]"),
    Column("postal_address", Text, nullable=True),
    CheckConstraint("language IN ('ja', 'en')", name="language"),
    # R20 (issue 12): its monthly budget, JPY (None: its plan's default_budget, if any).
    Column("budget", BigInteger, nullable=True),
    CheckConstraint("budget > 0", name="budget"),
    # Keyset paging (issue 11 item 5): the console's accounts by name, the API's by creation.
    Index("ix_accounts_name_id", "name", "id"),
    Index("ix_accounts_created_at_id", "created_at", "id"),
)

devices = Table(
    "devices",
    metadata,
    _id(),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("device_type_id", String(64), ForeignKey("device_types.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("key_last4", String(4), nullable=False),
    Column("active", Boolean, nullable=False),  # current status; the history below is the record
    _instant("registered_at"),
    # The instant of the current status (its latest change): a switch changes the device only at
    # or after it (R5). NULL: loaded without the services and not switched since (migration 0027).
    _instant("status_at", nullable=True),
    # Keyset paging (issue 11 item 5): an account's devices in the order its pages list them.
    Index("ix_devices_account_listed", "account_id", "registered_at", "name", "id"),
)

status_changes = Table(
    "status_changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("device_id", String(36), ForeignKey("devices.id"), nullable=False),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("device_type_id", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    # What this change did to its account's count of devices Active (R5): +1, -1, or 0 for a
    # device's first record when it is Inactive (an imported device). Written with the change from
    # the device's status before it, so that a month's count reads only that month's records.
    Column("delta", SmallInteger, nullable=False),
    _instant("effective_at"),
    Column("actor", String(100), nullable=False),
    Column("request_id", String(64), nullable=True),
    Index("ix_status_changes_account_time", "account_id", "effective_at"),
    Index("ix_status_changes_device_time", "device_id", "effective_at"),
    # A month's records for the close (adapters/db/usage.py), index-only: the close reads the
    # month's range of this index and nothing before it, however much history is kept (issue 11).
    Index("ix_status_changes_month", "effective_at", "account_id", "device_type_id", "delta"),
    CheckConstraint("delta IN (-1, 0, 1)", name="delta"),
)

# R5 (issue 11): how many devices of a type each account had Active at an instant that starts one
# of its billing months, written by the close of the month before (its last level). The month's
# count starts from it and reads only the month's records; an account without one for the month's
# start (its first month, an imported fleet, a changed zone) has it summed from its history.
opening_levels = Table(
    "opening_levels",
    metadata,
    _instant("at"),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("device_type_id", String(64), nullable=False),
    Column("level", Integer, nullable=False),
    # The instant first: a month's close reads the rows of its start alone, not every month kept.
    PrimaryKeyConstraint("at", "account_id", "device_type_id"),
    CheckConstraint("level >= 0", name="level"),
)

# R5 (issue 11): each month's high-water mark per (account, device type), folded in as changes
# are written (domain/marks.py), relative to the month's opening level: the close reads these
# rows, one per account and type that changed in the month, instead of the month's changes.
month_marks = Table(
    "month_marks",
    metadata,
    Column("month", Integer, nullable=False),  # BillingMonth.index in the account's zone
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("device_type_id", String(64), nullable=False),
    Column("level", Integer, nullable=False),
    Column("peak_before", Integer, nullable=True),
    _instant("last_at"),
    _instant("peak_before_at", nullable=True),  # when peak_before was first reached (issue 12)
    PrimaryKeyConstraint("month", "account_id", "device_type_id"),
)

# R5 explained (issue 12 item 1): for each usage line the close billed on a peak, the first instant
# the peak was reached. Written by the close with the invoices, in its transaction; the devices
# Active at that instant are read from the history when someone asks (services/peak_explained.py).
# No foreign key: only the close writes it, for the accounts it has just invoiced (accounts are
# never deleted), and checking one per row cost the close about 10% at 200,000 devices.
month_peaks = Table(
    "month_peaks",
    metadata,
    Column("account_id", String(36), nullable=False),
    Column("month", Integer, nullable=False),  # BillingMonth.index in the account's zone
    Column("device_type_id", String(64), nullable=False),
    Column("peak", Integer, nullable=False),
    _instant("peak_at"),
    PrimaryKeyConstraint("account_id", "month", "device_type_id"),
    CheckConstraint("peak > 0", name="peak"),
)

# One row: the instant from which every change was folded into month_marks as it was written (the
# migration that made them; the Unix epoch for a database that had no history then). A month
# that started before it is counted from its changes.
month_marks_since = Table(
    "month_marks_since",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    _instant("since"),
    CheckConstraint("id = 1", name="one_row"),
)

invoices = Table(
    "invoices",
    metadata,
    _id(),
    Column("number", String(40), nullable=False, unique=True),
    Column("issuer_id", String(32), ForeignKey("issuers.id"), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # "monthly" (the close) or "purchase" (R11)
    Column("billing_month", Integer, nullable=True),  # set for "monthly"
    Column("currency", String(3), nullable=False),
    Column("subtotal", BigInteger, nullable=False),
    Column("tax_total", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("points_applied", BigInteger, nullable=False),
    Column("amount_due", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),  # domain.lifecycle.InvoiceState
    # NOTE: R15 what its credit notes took off, tax included: never more than the invoice's total.
    Column("amount_credited", BigInteger, nullable=False, server_default="0"),
    Column("tax_note", String(200), nullable=True),
    Column("recipient_name", String(200), nullable=False),
    Column("issuer_name", String(200), nullable=False),
    Column("issuer_registration_number", String(14), nullable=False),
    _instant("period_start"),
    _instant("period_end"),
    _instant("issued_at"),
    UniqueConstraint("issuer_id", "sequence"),
    # NOTE: R15 one monthly invoice per account and month, whatever runs the close and how often.
    UniqueConstraint("account_id", "billing_month"),
    # The console and the API list every invoice newest first, a page after (sequence, id) (issue 11).
    Index("ix_invoices_sequence_id", "sequence", "id"),
    CheckConstraint(check_sql("status", InvoiceState), name="status"),
    CheckConstraint("amount_credited >= 0 AND amount_credited <= total", name="amount_credited"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", String(36), ForeignKey("invoices.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("description", String(300), nullable=False),
    Column("device_type_id", String(64), nullable=True),
    Column("quantity", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("tax_rate_ppm", Integer, nullable=False),
    Column("tiers", Text, nullable=False),  # JSON: [[first, last, unit_price, amount], ...]
    _instant("period_start", nullable=True),
    _instant("period_end", nullable=True),
)

invoice_taxes = Table(
    "invoice_taxes",
    metadata,
    Column("invoice_id", String(36), ForeignKey("invoices.id"), primary_key=True),
    Column("tax_rate_ppm", Integer, primary_key=True),
    Column("taxable_amount", BigInteger, nullable=False),
    Column("tax", BigInteger, nullable=False),
)

point_grants = Table(
    "point_grants",
    metadata,
    _id(),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("reason", String(300), nullable=False),
    _instant("granted_at"),
    _instant("expires_at", nullable=True),
    Column("actor", String(100), nullable=False),
)

point_entries = Table(
    "point_entries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("grant_id", String(36), ForeignKey("point_grants.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # "grant" (+), "use" (-), "expire" (-)
    Column("amount", BigInteger, nullable=False),  # signed
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=True, index=True),
    _instant("effective_at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    _instant("created_at"),
    _instant("sent_at", nullable=True),
    # Emailing (services/send_notifications): claimed by a sender, tries, the last refusal, and
    # failed_at once the server refused it for good (a mailbox that does not exist).
    _instant("claimed_at", nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", String(300), nullable=True),
    _instant("failed_at", nullable=True),
    # Issue 10: the language it is written in, the invoice it attaches (its PDF, rendered when it
    # is sent), and to whom it went (the account's contacts when it was sent, JSON).
    Column("language", String(2), nullable=True),
    Column("invoice_id", String(36), nullable=True),
    Column("sent_to", Text, nullable=True),
    Index(
        "ix_notifications_unsent",
        "id",
        postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
        sqlite_where=text("sent_at IS NULL AND failed_at IS NULL"),
    ),
)
