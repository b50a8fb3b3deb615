"""Tables of the events (R22): the outbox every use case writes to in its own transaction, and the
operator's webhook endpoints with their deliveries and every attempt at one."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, text

from .schema import BigId, _instant, metadata


def _published_index(name: str, *columns: str, unique: bool = False) -> Index:
    """An index of the published events only (position given), which a query reaches by a
    condition on position: `position > :after` or `position IS NOT NULL` (R22)."""
    where = text("position IS NOT NULL")
    return Index(name, *columns, unique=unique, postgresql_where=where, sqlite_where=where)


events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),  # the order they were recorded in
    Column("event_id", String(40), nullable=False, unique=True),  # "evt_...": the API's and webhook-id
    Column("type", String(40), nullable=False),
    Column("account_id", String(36), nullable=True),  # None: the operator's stream
    Column("stream", String(36), nullable=False),  # the account id, or "operator"
    # Per stream, 1, 2, 3...: given when the event is published (after its transaction commits,
    # in the order of publication), so a receiver can tell a gap from a delay.
    Column("sequence", Integer, nullable=True),
    # Across every stream, the order of publication: the events API's cursor, so a reader that
    # pages through never skips an event committed late (ids are taken before commit, so they
    # can become visible out of order; positions are given after).
    Column("position", BigId, nullable=True),
    _instant("occurred_at"),
    _instant("published_at", nullable=True),
    Column("payload", Text, nullable=False),  # JSON
    # An event is recorded without its sequence and position and gets them when it is published,
    # an UPDATE that changes indexed columns and so writes a new entry in every index anyway. The
    # indexes that only published events need (the events API's filters, the purge, the numbers'
    # uniqueness: NULLs never clash) hold published events alone, so recording an event (the
    # close records 100,000 in its transaction) maintains three indexes, not eight.
    _published_index("uq_events_stream_sequence", "stream", "sequence", unique=True),
    _published_index("uq_events_position", "position", unique=True),
    _published_index("ix_events_occurred_at", "occurred_at"),
    _published_index("ix_events_type_occurred_at", "type", "occurred_at"),
    _published_index("ix_events_account_id_occurred_at", "account_id", "occurred_at"),
    Index(
        "ix_events_unpublished",
        "id",
        postgresql_where=text("published_at IS NULL"),
        sqlite_where=text("published_at IS NULL"),
    ),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(40), primary_key=True),  # "we_..."
    Column("url", String(2000), nullable=False),
    Column("description", String(200), nullable=False, server_default=""),
    Column("event_types", Text, nullable=False),  # comma-separated; empty: every type
    Column("secret", String(100), nullable=False),  # "whsec_...": Standard Webhooks' form
    # After a rotation, the old secret signs too until it expires, so receivers can switch.
    Column("previous_secret", String(100), nullable=True),
    _instant("previous_secret_expires_at", nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(300), nullable=True),
    _instant("created_at"),
    _instant("failing_since", nullable=True),  # the first failure since the last success
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("endpoint_id", String(40), ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("event_id", BigId, ForeignKey("events.id"), nullable=False),
    Column("state", String(16), nullable=False),  # pending, succeeded, failed (retries used up)
    Column("attempts", Integer, nullable=False, server_default="0"),
    _instant("created_at"),
    _instant("first_tried_at", nullable=True),
    _instant("next_attempt_at", nullable=True),
    _instant("claimed_until", nullable=True),  # a sender holds it until then (a crash lets go)
    _instant("delivered_at", nullable=True),
    # None: made when the event was published; else who asked for it again (a redelivery is a new
    # delivery of the same event, so one endpoint may hold several for one event: same webhook-id).
    Column("requested_by", String(100), nullable=True),
    Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
    Index("ix_webhook_deliveries_event_id", "event_id"),
    Index(
        "ix_webhook_deliveries_due",
        "next_attempt_at",
        postgresql_where=text("state = 'pending'"),
        sqlite_where=text("state = 'pending'"),
    ),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("delivery_id", BigId, ForeignKey("webhook_deliveries.id"), nullable=False, index=True),
    _instant("attempted_at"),
    Column("status_code", Integer, nullable=True),  # None: no answer (refused, timed out)
    Column("latency_ms", Integer, nullable=False),
    Column("response_excerpt", String(500), nullable=True),
    Column("error", String(300), nullable=True),
)
