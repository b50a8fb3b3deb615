"""Wires settings, the database and the clock together, once."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from .adapters.db import schema as t
from .adapters.db.engine import Database, masked_url
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
    return make_gateway(
        settings.gateway,
        webhook_secret=settings.sandbox_webhook_secret,
        latency_ms=settings.sandbox_latency_ms,
        journal=settings.sandbox_journal,
    )


class DatabaseUnavailable(RuntimeError):
    """The database at FLEETBILL_DATABASE_URL cannot be reached or used; the message says why and what to do."""


def alembic_config(url: str):
    from alembic.config import Config  # Alembic is loaded only when a migration has to run

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The latest migration's id, read from the files' `revision`/`down_revision` lines (no Alembic import)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text()
        revisions.update(re.findall(r"^revision\b[^=]*=\s*['\"](\w+)['\"]", source, re.M))
        parents.update(re.findall(r"^down_revision\b[^=]*=\s*['\"](\w+)['\"]", source, re.M))
    [head] = revisions - parents
    return head


def _at_head(conn) -> bool:
    """True when alembic_version already names the head: the usual start, where Alembic is not needed."""
    try:
        with conn.begin_nested():
            versions = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except DBAPIError:  # no such table yet: a new database
        return False
    return versions == {head_revision()}


def migrate(db: Database) -> None:
    """Bring the schema to the latest migration (Alembic runs only when the database is behind)."""
    with db.engine.begin() as conn:
        if _at_head(conn):
            return
        from alembic import command

        # Alembic's INFO lines ("Context impl SQLiteImpl", "Will assume ...") say nothing to an operator.
        logging.getLogger("alembic").setLevel(logging.WARNING)
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


def open_database(settings: Settings, now: datetime) -> Database:
    """The migrated database with its reference data; DatabaseUnavailable, naming the setting, if it cannot be."""
    shown = f"FLEETBILL_DATABASE_URL={masked_url(settings.database_url)}"
    try:
        db = Database(settings.database_url)
        migrate(db)
        ensure_reference_data(db, settings, now)
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError) as unusable:
        raise DatabaseUnavailable(
            f"{shown} is not a database address fleetbill can use ({_first_line(unusable)}): set it to "
            "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
        ) from None
    except DBAPIError as failed:
        raise DatabaseUnavailable(
            f"cannot reach the database at {shown} ({_reason(failed)}): {_fix(settings.database_url, failed)}"
        ) from None
    return db


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _reason(error: DBAPIError) -> str:
    """The driver's own words, without its preamble: 'Connection refused', 'database "x" does not exist'."""
    reason = _first_line(error.orig or error).rsplit(" failed: ", 1)[-1]
    reason = re.sub(r"^(FATAL|ERROR):\s*", "", reason.strip())
    return masked_url(reason[:1].lower() + reason[1:])


def _fix(url: str, failed: DBAPIError) -> str:
    if url.startswith("sqlite"):
        return "check that its folder exists and is writable, or set FLEETBILL_DATABASE_URL"
    if "does not exist" in str(failed.orig):
        return "create it (createdb) or set FLEETBILL_DATABASE_URL"
    return "start it or set FLEETBILL_DATABASE_URL"


def build(settings: Settings | None = None, clock: Clock | None = None, start: datetime | None = None) -> App:
    """The application: migrated database, reference data, and a clock (a test clock in test mode)."""
    settings = settings or Settings.from_env()
    if clock is None:
        clock = TestClock(start or SystemClock().now()) if settings.test_mode else SystemClock()
    db = open_database(settings, clock.now())
    # Without FLEETBILL_SECRET_KEY, the installation's own key from the database: the same in every process.
    settings = settings.with_secret_key(settings.secret_key or generated_secret(db, SECRET_KEY, clock.now()))
    mailer = SmtpMailer(settings.smtp_url) if settings.smtp_url else None
    return App(settings, db, clock, gateway_for(settings), mailer)
