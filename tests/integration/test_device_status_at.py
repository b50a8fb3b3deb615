"""R5 (issue 11 review): a device keeps the instant of its status (`devices.status_at`), and a
switch changes it only at or after that instant. A switch whose transaction commits after a later
switch of the same device is refused with a 409 naming both instants, so the history read by
instant never counts one device twice or not at all. On SQLite and PostgreSQL; the race itself
with two connections on PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import bindparam, insert, select, text

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.engine import Database
from fleetbill.adapters.db.schema import UTCDateTime
from fleetbill.bootstrap import App
from fleetbill.clock import TestClock
from fleetbill.domain.errors import Conflict
from fleetbill.entrypoints.api import create_api
from fleetbill.services import switch_devices as switch_devices_module
from fleetbill.services.api_keys import create_api_key
from fleetbill.services.close_month import close_due_months
from fleetbill.services.switch_devices import switch_device
from fleetbill.settings import Settings
from tests import factories as f
from tests.conftest import START, on_postgres
from tests.integration.test_migrations import _device, _drop, _fresh_database, _upgrade
from tests.integration.test_month_lock import JANUARY, TOKYO, _january, _Thread

T1, T2 = START + timedelta(hours=1), START + timedelta(hours=2)


def _acme(app) -> tuple[str, str]:
    """Acme (Tokyo, 100 JPY a device) with one device Active since START."""
    f.device_type(app)
    f.plan(app)
    acme = f.account(app)
    [device] = f.devices(app, acme, 1)
    return acme, device


def _status(app, device: str):
    d = t.devices
    with app.db.read() as conn:
        return tuple(conn.execute(select(d.c.active, d.c.status_at).where(d.c.id == device)).one())


def _history(app, device: str) -> list[tuple]:
    sc = t.status_changes
    with app.db.read() as conn:
        rows = conn.execute(select(sc.c.active, sc.c.delta, sc.c.effective_at).where(sc.c.device_id == device))
        return [tuple(r) for r in rows.all()]


def _close_january(app) -> tuple[int, dict[str, int]]:
    close_due_months(app.db, TestClock(JANUARY.end(TOKYO) + timedelta(hours=1)), app.settings)
    with app.db.read() as conn:
        acme = conn.execute(select(t.accounts.c.id)).scalar_one()
    return _january(app, acme)


@contextmanager
def _server(app, clock: TestClock):
    """Another server of the same database, outside test mode, whose clock is `clock`."""
    other = App(Settings(database_url=app.settings.database_url, test_mode=False), app.db, clock, app.gateway)
    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), f"server-{uuid.uuid4().hex[:6]}")
    with TestClient(create_api(other), raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client


def test_r5_a_switch_earlier_than_the_devices_status_is_refused_one_or_in_bulk(app):
    # given a device registered at START (status_at START), switched Inactive by a server at T2
    acme, device = _acme(app)
    assert _status(app, device) == (True, START)
    with _server(app, TestClock(T2)) as ahead:
        assert ahead.post(f"/v1/devices/{device}/status", json={"active": False}).status_code == 200
    assert _status(app, device) == (False, T2)

    # when a server whose instant is earlier, T1 (a request that took its instant first and
    # reached the device last), switches it Active, alone or in bulk
    with _server(app, TestClock(T1)) as behind:
        one = behind.post(f"/v1/devices/{device}/status", json={"active": True})
        bulk = behind.post(f"/v1/accounts/{acme}/devices/status", json={"device_ids": [device], "active": True})
        # a request for the status it already has is no error: nothing to record
        same = behind.post(f"/v1/devices/{device}/status", json={"active": False})

    # then both are refused with a 409 naming the two instants, and nothing is written
    for refused in (one, bulk):
        assert refused.status_code == 409, refused.text
        detail = refused.json()["detail"]
        assert f"changed status at {T2.isoformat()}" in detail and T1.isoformat() in detail, detail
    assert same.status_code == 200 and same.json()["unchanged"] == [device]
    assert _status(app, device) == (False, T2)
    assert _history(app, device) == [(True, 1, START), (False, -1, T2)]
    # and January bills what its history says: one device, 100 JPY + 10 tax (R5)
    assert _close_january(app) == (110, {"esp32": 1})


def test_r5_opposite_switches_at_one_instant_apply_together(app, api):
    # given a device Active since START
    acme, device = _acme(app)
    app.clock.set(T2)
    # when it is switched Inactive and Active again at the same instant (status_at <= the instant)
    off = api.post(f"/v1/devices/{device}/status", json={"active": False})
    on = api.post(f"/v1/accounts/{acme}/devices/status", json={"device_ids": [device], "active": True})
    # then both are recorded, and the device was Active throughout: January's peak is 1 (R5)
    assert (off.status_code, on.status_code) == (200, 200)
    assert _status(app, device) == (True, T2)
    assert _history(app, device) == [(True, 1, START), (False, -1, T2), (True, 1, T2)]
    assert _close_january(app) == (110, {"esp32": 1})


@pytest.mark.skipif(not on_postgres(), reason="SQLite runs one write transaction at a time, whole")
def test_r5_the_earlier_of_two_opposite_switches_committing_last_is_refused(app, monkeypatch):
    # given a device Active since START, and a switch to Active at T1 whose transaction has read
    # the account and taken the month's lock, then is slow (paused here) before its UPDATE
    _, device = _acme(app)
    paused, release = threading.Event(), threading.Event()
    real = switch_devices_module.share_month

    def share_then_pause(conn, timezone, now):
        month = real(conn, timezone, now)
        if now == T1:
            paused.set()
            assert release.wait(30)
        return month

    monkeypatch.setattr(switch_devices_module, "share_month", share_then_pause)
    earlier = _Thread(lambda: app.db.run(lambda conn: switch_device(conn, T1, device, True, "test")))
    earlier.start()
    assert paused.wait(30), earlier.outcome()

    # when a switch to Inactive at T2 > T1 runs and commits meanwhile (the month's lock is shared)
    with app.db.transaction() as conn:
        assert switch_device(conn, T2, device, False, "test").changed == [device]
    release.set()

    # then the earlier one, committing last, is refused rather than recorded at T1 behind the
    # device's status (which would count the device twice from T1 to T2: a peak of 2 for one)
    refused = earlier.outcome()
    assert isinstance(refused, Conflict) and f"changed status at {T2.isoformat()}" in refused.detail, refused
    assert _status(app, device) == (False, T2)
    assert _history(app, device) == [(True, 1, START), (False, -1, T2)]
    assert _close_january(app) == (110, {"esp32": 1})


def test_r5_migration_0027_sets_each_devices_status_at_from_its_latest_change(tmp_path):
    # given a database at 0025 with devices and their history, written out of instant order
    url = _fresh_database(tmp_path)
    db = Database(url)
    try:
        _upgrade(db, "0025")
        acme = str(uuid.uuid4())
        with db.engine.begin() as conn:  # the rows as that schema has them
            conn.execute(insert(t.device_types), dict(id="esp32", name="ESP32", created_at=START))
            plan = dict(id="basic", name="Basic", currency="JPY", term="monthly", notice_days=30, counting_mode="peak")
            conn.execute(insert(t.plans), plan | dict(features="[]", allow_bank_transfer=False, created_at=START))
            account = dict(id=acme, name="Acme", country="JP", timezone=TOKYO, currency="JPY", plan_id="basic")
            conn.execute(
                insert(t.accounts),
                account
                | dict(tax_status="taxable", billing_email="a@example.com", first_month=JANUARY.index)
                | dict(contract_started_at=START, created_at=START),
            )
            a, b, silent = _device(conn, acme), _device(conn, acme), _device(conn, acme)
            for device, at, active in ((a, T2, False), (a, START, True), (b, T1, True), (a, T1, True)):
                conn.execute(
                    text(
                        "INSERT INTO status_changes"
                        " (device_id, account_id, device_type_id, active, delta, effective_at, actor)"
                        " VALUES (:device, :account, 'esp32', :active, 0, :at, 'test')"
                    ).bindparams(bindparam("at", type_=UTCDateTime())),
                    dict(device=device, account=acme, active=active, at=at),
                )
        # when it is migrated to the latest revision
        _upgrade(db, "head")
        # then each device's status_at is its latest change's instant; none for a device without history
        d = t.devices
        with db.read() as conn:
            found = dict(conn.execute(select(d.c.id, d.c.status_at)).all())
        assert found == {a: T2, b: T1, silent: None}
    finally:
        db.dispose()
        _drop(url)
