"""Tables for access to the customer's pages and the installation's own secrets: billing links
already exchanged for a session (a link works once), and the key generated at first start."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from .schema import _instant, metadata

# NOTE: R20 a billing link opens one session, once: its id is recorded here when it is used, so a
# copy of it (an access log, a browser history, a forwarded email) opens nothing. Rows older than a
# link's lifetime prove nothing more and are deleted as new links are used.
used_billing_links = Table(
    "used_billing_links",
    metadata,
    Column("link_id", String(32), primary_key=True),  # the random id signed into the link
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    _instant("used_at"),
    Index("ix_used_billing_links_used_at", "used_at"),
)

# Secrets generated once per installation and shared by every process that uses the database
# (web workers, the worker), for what FLEETBILL_SECRET_KEY does not set.
installation_secrets = Table(
    "installation_secrets",
    metadata,
    Column("name", String(40), primary_key=True),  # e.g. "secret_key"
    Column("value", String(200), nullable=False),
    _instant("created_at"),
)
