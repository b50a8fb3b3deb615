"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

import uuid
from datetime import timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import bindparam, create_engine, insert, text

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.engine import Database, sqlite_url
from fleetbill.adapters.db.marks import marks_since
from fleetbill.adapters.db.partitions import declared
from fleetbill.adapters.db.schema import UTCDateTime, metadata
from fleetbill.bootstrap import alembic_config
from fleetbill.domain.periods import BillingMonth
from tests.conftest import PG_URL, START


def test_migrations_match_the_declared_tables(db):
    # given a database migrated to the latest revision (the fixtures do it with `migrate`)
    # when Alembic compares it with the tables the code declares
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": declared})
        diff = compare_metadata(context, metadata)
    # then nothing is missing, extra or different: a schema change always comes with its migration
    assert diff == []


def test_r5_migration_0019_writes_each_existing_change_what_it_did_to_the_count(tmp_path):
    # given a database at 0018 with a history written before status changes had a delta: a device
    # on, on again (no change), off, and at one instant on then off (the later id last), one on
    # written last though its instant is before those; an imported device first Inactive
    db = Database(_fresh_database(tmp_path))
    _upgrade(db, "0018")
    acme = str(uuid.uuid4())
    with db.transaction() as conn:  # the rows as that schema has them (today's services read later columns)
        conn.execute(insert(t.device_types), dict(id="esp32", name="ESP32", created_at=START))
        plan = dict(id="basic", name="Basic", currency="JPY", term="monthly", notice_days=30, counting_mode="peak")
        conn.execute(insert(t.plans), plan | dict(features="[]", allow_bank_transfer=False, created_at=START))
        account = dict(id=acme, name="Acme", country="JP", timezone="Asia/Tokyo", currency="JPY", plan_id="basic")
        conn.execute(
            insert(t.accounts),
            account
            | dict(
                tax_status="taxable",
                billing_email="a@example.com",
                first_month=BillingMonth.containing(START, "UTC").index,
            )
            | dict(contract_started_at=START, created_at=START),
        )
    t0 = START + timedelta(days=1)
    history = [  # (device, seconds after t0, active), written in this order (ids ascending)
        ("a", 0, True),
        ("a", 10, True),
        ("a", 20, False),
        ("a", 30, True),
        ("a", 30, False),
        ("b", 5, False),
        ("a", 25, True),
    ]
    with db.transaction() as conn:
        ids = {name: _device(conn, acme) for name in ("a", "b")}
        for device, seconds, active in history:
            row = dict(device_id=ids[device], account_id=acme, device_type_id="esp32", active=active, actor="test")
            conn.execute(
                text(
                    "INSERT INTO status_changes (device_id, account_id, device_type_id, active, effective_at, actor)"
                    " VALUES (:device_id, :account_id, :device_type_id, :active, :effective_at, :actor)"
                ).bindparams(bindparam("effective_at", type_=UTCDateTime())),
                row | dict(effective_at=t0 + timedelta(seconds=seconds)),
            )
    # when it is migrated to the latest revision
    _upgrade(db, "head")
    # then each change carries what it did to the count, in the order of the instant then the id
    with db.read() as conn:
        deltas = conn.execute(text("SELECT delta FROM status_changes ORDER BY id")).scalars().all()
        # and (0024) the months' marks are trusted only for months that start after the history
        # written without them: from the migration's time, later than every change here
        since = marks_since(conn)
    db.dispose()
    _drop(db.url)
    assert deltas == [1, 0, -1, 0, -1, 0, 1]
    assert since > t0 + timedelta(seconds=30)


def _upgrade(db: Database, revision: str) -> None:
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _device(conn, account_id: str) -> str:
    device_id = str(uuid.uuid4())
    row = dict(id=device_id, account_id=account_id, device_type_id="esp32", name="d", key_hash=uuid.uuid4().hex * 2)
    conn.execute(insert(t.devices), row | dict(key_last4="abcd", active=False, registered_at=START))
    return device_id


def _admin():
    return create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def _drop(url: str) -> None:
    if PG_URL:
        admin = _admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()


def _fresh_database(tmp_path) -> str:
    if not PG_URL:
        return sqlite_url(tmp_path / "old.db")
    name = f"fleetbill_mig_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + "/" + name
