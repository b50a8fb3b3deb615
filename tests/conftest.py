"""Fixtures: a real database per test (SQLite file, or PostgreSQL when
FLEETBILL_TEST_DATABASE_URL points at one), a test clock, and the app wired on them."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from fleetbill.adapters.db.engine import Database, sqlite_url
from fleetbill.adapters.db.schema import metadata
from fleetbill.adapters.gateway.sandbox import SandboxGateway
from fleetbill.bootstrap import App, ensure_reference_data, migrate
from fleetbill.clock import TestClock
from fleetbill.settings import Settings

pytest_plugins = ["tests.gateway_fixtures"]
PG_URL = os.environ.get("FLEETBILL_TEST_DATABASE_URL")
START = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


def on_postgres() -> bool:
    return bool(PG_URL)


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory):
    """Migrate once per session: a fresh PostgreSQL database, or a SQLite file to copy."""
    if PG_URL:
        name = f"fleetbill_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        db = Database(url)
        migrate(db)
        db.dispose()
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "fleetbill.db"
        db = Database(sqlite_url(path))
        migrate(db)
        db.dispose()
        yield path


@pytest.fixture
def database_url(_database_template, tmp_path) -> str:
    """An empty, migrated database for this test."""
    if PG_URL:
        db = Database(_database_template)
        # all but the installation's state the migrations wrote (from when the months' marks are kept)
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name != "month_marks_since")
        with db.transaction() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()
        return _database_template
    path = tmp_path / "fleetbill.db"
    shutil.copy(_database_template, path)
    return sqlite_url(path)


@pytest.fixture
def clock() -> TestClock:
    return TestClock(START)


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, test_mode=True)


@pytest.fixture
def app(settings, clock):
    db = Database(settings.database_url)
    ensure_reference_data(db, settings, clock.now())
    yield App(settings, db, clock, SandboxGateway(settings.sandbox_webhook_secret))
    db.dispose()


@pytest.fixture
def db(app) -> Database:
    return app.db


@pytest.fixture
def api(app):
    """The REST API in test mode, with an operator key, over real HTTP semantics (httpx)."""
    from fastapi.testclient import TestClient

    from fleetbill.entrypoints.api import create_api
    from fleetbill.services.api_keys import create_api_key

    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), "tests")
    with TestClient(create_api(app), raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client
