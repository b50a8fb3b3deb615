"""Wires settings, the database and the clock together, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select, update

from .adapters.db import schema as t
from .adapters.db.engine import Database
from .adapters.db.installation import SECRET_KEY, generated_secret
from .adapters.db.repository import DEFAULT_ISSUER
from .adapters.gateway import PaymentGateway, make_gateway
from .adapters.mail import Mailer, SmtpMailer
from .clock import Clock, SystemClock, TestClock
from .services.tax_table import seed_japan
from .settings import Settings

MIGRATIONS = Path(__file__).parent / "adapters" / "db" / "migrations"


@dataclass
class App:
    settings: Settings
    db: Database
    clock: Clock
    gateway: PaymentGateway
    mailer: Mailer | None = None  # None: notifications wait in the outbox


def gateway_for(settings: Settings) -> PaymentGateway:
    """The payment gateway the settings name: the embedded sandbox, or Stripe."""
    if settings.gateway == "stripe":
        return make_gateway(
            "stripe",
            api_key=settings.stripe_api_key,
            webhook_secret=settings.stripe_webhook_secret,
            api_base=settings.stripe_api_base or None,
        )
    return make_gateway(settings.gateway, webhook_secret=settings.sandbox_webhook_secret)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(db: Database) -> None:
    """Bring the schema to the latest migration, then make sure the reference data is there."""
    with db.engine.begin() as conn:
        cfg = alembic_config(db.url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def ensure_reference_data(db: Database, settings: Settings, now: datetime) -> None:
    """The issuer (R14) from the settings and Japan's tax rate (R12), if missing."""
    with db.transaction() as conn:
        i = t.issuers
        values = dict(
            name=settings.issuer_name,
            registration_number=settings.issuer_registration_number,
            invoice_prefix=settings.invoice_prefix,
        )
        if conn.execute(select(i.c.id).where(i.c.id == DEFAULT_ISSUER)).first():
            conn.execute(update(i).where(i.c.id == DEFAULT_ISSUER).values(**values))
        else:
            conn.execute(insert(i), dict(id=DEFAULT_ISSUER, last_sequence=0, **values))
        seed_japan(conn, now)


def build(settings: Settings | None = None, clock: Clock | None = None, start: datetime | None = None) -> App:
    """The application: migrated database, reference data, and a clock (a test clock in test mode)."""
    settings = settings or Settings.from_env()
    db = Database(settings.database_url)
    migrate(db)
    if clock is None:
        clock = TestClock(start or SystemClock().now()) if settings.test_mode else SystemClock()
    ensure_reference_data(db, settings, clock.now())
    # Without FLEETBILL_SECRET_KEY, the installation's own key from the database: the same in every process.
    settings = settings.with_secret_key(settings.secret_key or generated_secret(db, SECRET_KEY, clock.now()))
    mailer = SmtpMailer(settings.smtp_url) if settings.smtp_url else None
    return App(settings, db, clock, gateway_for(settings), mailer)
