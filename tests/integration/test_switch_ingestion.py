"""Issue 11 item 4, ingestion: a switch is one short transaction with no whole-account work, bulk
switches are set-based and all or nothing, and every guarantee holds: one Idempotency-Key runs
once (R2), no change lands in a closed month (R4), each change is on record with its delta (R4,
R5), one devices.switched event per request in the same transaction (R22). On SQLite and
PostgreSQL, through the API."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_events as e
from fleetbill.bootstrap import App
from fleetbill.clock import TestClock
from fleetbill.entrypoints.api import create_api
from fleetbill.services.api_keys import create_api_key
from fleetbill.services.close_month import close_due_months
from fleetbill.settings import Settings
from tests import factories
from tests.conftest import on_postgres
from tests.e2e.conftest import serve

# What one switch of one device may cost, with an Idempotency-Key: the API key's read, the key's
# claim, the account's zone and last closed month, on PostgreSQL the month's lock taken shared
# against its close (R4: a change checked after it is never lost by a close running at once;
# SQLite's BEGIN IMMEDIATE already serializes them), the switch and its record (one statement on
# PostgreSQL, two on SQLite), the month's high-water mark (a locked read and a write, R5), the
# event, the stored response; BEGIN not counted (SQLite's is a statement, PostgreSQL's is not).
# Whole-account work (reading the history, the devices, the invoices) would add statements, or
# make them grow with the account: both fail below.
STATEMENTS_PER_SWITCH = 9


@pytest.fixture
def served(app):
    """The API outside test mode (the server's clock, as in production), with an operator key."""
    production = App(Settings(database_url=app.settings.database_url, test_mode=False), app.db, app.clock, app.gateway)
    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), "ingest")
    with TestClient(create_api(production), raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client


@contextmanager
def counted(app):
    """Statements, pool checkouts and commits on the app's engine, and the statements' text."""
    seen = dict(statements=[], checkouts=0, commits=0)

    def statement(_conn, _cursor, sql, *_args):
        if not sql.startswith("BEGIN"):
            seen["statements"].append(sql)

    def checkout(*_args):
        seen["checkouts"] += 1

    def commit(_conn):
        seen["commits"] += 1

    engine = app.db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine.pool, "checkout", checkout)
        event.remove(engine, "commit", commit)


def _fleet(app, devices: int, switches: int = 0) -> list[str]:
    factories.device_type(app)
    factories.plan(app, "basic")
    acme = factories.account(app, "basic")
    ids = factories.devices(app, acme, devices)
    for n in range(switches):  # a history the switch must not read
        factories.switch(app, acme, ids, active=n % 2 == 1)
    return ids


def _switch(client, device_id: str, active: bool, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/v1/devices/{device_id}/status", json={"active": active}, headers=headers)


def _changes(app, device_id: str) -> list[tuple[bool, int]]:
    sc = t.status_changes
    with app.db.read() as conn:
        rows = conn.execute(select(sc.c.active, sc.c.delta).where(sc.c.device_id == device_id).order_by(sc.c.id))
        return [tuple(r) for r in rows]


def _switched_events(app) -> list[dict]:
    import json

    with app.db.read() as conn:
        rows = conn.execute(
            select(e.events.c.payload).where(e.events.c.type == "devices.switched").order_by(e.events.c.id)
        )
        return [json.loads(p) for p in rows.scalars()]


def test_issue11_one_switch_is_one_transaction_of_a_few_statements_whatever_the_account_holds(app, served):
    # given two accounts: one device without history, and 40 devices switched 6 times each
    small = _fleet(app, 1)
    big_account = factories.account(app, "basic", name="Big")
    big = factories.devices(app, big_account, 40)
    for n in range(6):
        factories.switch(app, big_account, big, active=n % 2 == 1)

    served.get(f"/v1/devices/{small[0]}")  # the key's last use, written once a minute, is written now
    costs = []
    for device in (small[0], big[0]):
        # when one device is switched with an Idempotency-Key
        with counted(app) as seen:
            assert _switch(served, device, False, key=f"k-{device}").status_code == 200
        costs.append((len(seen["statements"]), seen["checkouts"], seen["commits"]))
        # then nothing reads the history, the account's devices or its invoices one by one
        reads = [s for s in seen["statements"] if s.lstrip().upper().startswith("SELECT")]
        assert not any("FROM status_changes" in s for s in reads), reads
        assert not any("FROM devices" in s for s in reads), reads

    # one transaction (the API key's read needs none on PostgreSQL), the same few statements for both
    assert costs[0] == costs[1], costs
    statements, checkouts, commits = costs[0]
    assert statements <= STATEMENTS_PER_SWITCH, seen["statements"]
    assert (checkouts, commits) == ((2, 1) if on_postgres() else (2, 2))


def test_r4_r5_a_single_switch_records_each_change_with_its_delta_and_once(app, served):
    [device] = _fleet(app, 1)

    off = _switch(served, device, False).json()
    again = _switch(served, device, False).json()  # already Inactive: no record, no event
    on = _switch(served, device, True).json()

    assert (off["changed"], again["unchanged"], on["changed"]) == ([device], [device], [device])
    assert _changes(app, device) == [(True, 1), (False, -1), (True, 1)]
    assert [x["devices"] for x in _switched_events(app)] == [[{"id": device, "device_type_id": "esp32"}]] * 2


def test_r2_one_idempotency_key_switches_once_and_replays_its_answer(app, served):
    [device] = _fleet(app, 1)

    first = _switch(served, device, False, key="switch-once")
    app.clock.set(app.clock.now().replace(hour=9))
    retried = _switch(served, device, False, key="switch-once")
    other_body = _switch(served, device, True, key="switch-once")

    assert first.status_code == retried.status_code == 200
    assert retried.headers["Idempotent-Replayed"] == "true" and retried.json() == first.json()
    assert other_body.status_code == 422 and "different request" in other_body.json()["detail"]
    assert _changes(app, device) == [(True, 1), (False, -1)]
    assert len(_switched_events(app)) == 1


def test_r2_r22_eight_switches_sent_at_once_with_one_key_change_the_device_once(app):
    [device] = _fleet(app, 1)
    with serve(app) as (base, api_key):
        barrier, answers = threading.Barrier(8), []
        headers = {"Authorization": f"Bearer {api_key}", "Idempotency-Key": "at-once"}

        def send():
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                barrier.wait()
                answers.append(client.post(f"/v1/devices/{device}/status", json={"active": False}))

        threads = [threading.Thread(target=send) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)

    assert [r.status_code for r in answers] == [200] * 8, [r.text for r in answers]
    assert {r.text for r in answers} == {answers[0].text} and answers[0].json()["changed"] == [device]
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in answers) == [""] + ["true"] * 7
    assert _changes(app, device) == [(True, 1), (False, -1)]
    assert len(_switched_events(app)) == 1


def test_r4_a_switch_into_a_closed_month_is_refused_and_writes_nothing(app, served):
    # given January closed by a worker whose clock is already in February
    [device] = _fleet(app, 1)
    close_due_months(app.db, TestClock(datetime(2026, 2, 2, tzinfo=UTC)), app.settings)

    # when the device is switched at an instant of January (this server's clock)
    refused = _switch(served, device, False, key="into-january")
    bulk = served.post(
        f"/v1/accounts/{_account_of(app, device)}/devices/status", json={"device_ids": [device], "active": False}
    )

    assert refused.status_code == bulk.status_code == 409
    assert "already closed" in refused.json()["detail"] and "already closed" in bulk.json()["detail"]
    assert _changes(app, device) == [(True, 1)]
    assert _switched_events(app) == []
    with app.db.read() as conn:  # the key is free again: errors are not stored
        assert conn.execute(select(func.count()).select_from(t.idempotency_records)).scalar() == 0
        assert conn.execute(select(t.devices.c.active).where(t.devices.c.id == device)).scalar() is True


def _account_of(app, device_id: str) -> str:
    with app.db.read() as conn:
        return conn.execute(select(t.devices.c.account_id).where(t.devices.c.id == device_id)).scalar_one()


def test_r2_a_bulk_switch_is_all_or_nothing_and_one_event_in_the_request_order(app, served):
    ids = _fleet(app, 5)
    acme = _account_of(app, ids[0])
    path = f"/v1/accounts/{acme}/devices/status"

    # when one id of the request is unknown, nothing is switched
    unknown = served.post(path, json={"device_ids": [ids[0], "no-such-device", ids[1]], "active": False})
    assert unknown.status_code == 404 and "no-such-device" in unknown.json()["detail"]
    assert all(_changes(app, d) == [(True, 1)] for d in ids)
    assert _switched_events(app) == []

    # a device already Inactive is unchanged; the others are switched, each with its record
    served.post(f"/v1/devices/{ids[4]}/status", json={"active": False})
    order = [ids[3], ids[4], ids[0], ids[2]]
    with counted(app) as seen:
        answer = served.post(path, json={"device_ids": order, "active": False}).json()
    assert answer["changed"] == [ids[3], ids[0], ids[2]] and answer["unchanged"] == [ids[4]]
    assert [_changes(app, d)[-1] for d in (ids[3], ids[0], ids[2])] == [(False, -1)] * 3
    assert _changes(app, ids[1]) == [(True, 1)]
    assert [d["id"] for d in _switched_events(app)[-1]["devices"]] == [ids[3], ids[0], ids[2]]
    assert len(seen["statements"]) <= STATEMENTS_PER_SWITCH + 1, seen["statements"]  # + the missing ids' check


def test_r2_a_bulk_switch_of_10_000_devices_is_a_few_statements(app, served):
    """Set-based: the statements do not grow with the devices switched (each was one INSERT row)."""
    factories.device_type(app)
    factories.plan(app, "basic")
    acme = factories.account(app, "basic")
    ids = _register_many(app, acme, 10_000)

    with counted(app) as seen:
        answer = served.post(f"/v1/accounts/{acme}/devices/status", json={"device_ids": ids, "active": False})

    assert answer.status_code == 200 and len(answer.json()["changed"]) == 10_000
    assert len(seen["statements"]) <= STATEMENTS_PER_SWITCH, [s[:80] for s in seen["statements"]]
    with app.db.read() as conn:
        sc = t.status_changes
        deltas = conn.execute(select(sc.c.delta, func.count()).where(sc.c.account_id == acme).group_by(sc.c.delta))
        assert dict(deltas.all()) == {1: 10_000, -1: 10_000}


def _register_many(app, account_id: str, n: int) -> list[str]:
    """n Active devices, written as an import writes them (their first record, delta +1)."""
    import uuid

    from sqlalchemy import insert

    now = app.clock.now()
    ids = [str(uuid.uuid4()) for _ in range(n)]
    with app.db.transaction() as conn:
        conn.execute(
            insert(t.devices),
            [
                dict(
                    id=i,
                    account_id=account_id,
                    device_type_id="esp32",
                    name=i[:8],
                    key_hash=i + "-hash",
                    key_last4=i[-4:],
                    active=True,
                    registered_at=now,
                )
                for i in ids
            ],
        )
        conn.execute(
            insert(t.status_changes),
            [
                dict(
                    device_id=i,
                    account_id=account_id,
                    device_type_id="esp32",
                    active=True,
                    delta=1,
                    effective_at=now,
                    actor="test",
                    request_id=None,
                )
                for i in ids
            ],
        )
    return ids


@pytest.mark.skipif(not on_postgres(), reason="a dropped server connection is PostgreSQL's")
def test_issue11_a_dropped_connection_costs_no_request_without_a_ping_on_checkout(app, served):
    """No pool_pre_ping: a pooled connection the server dropped fails its first statement, and
    the request runs again on a new one (adapters/db/engine.py)."""
    [device] = _fleet(app, 1)
    assert _switch(served, device, False).status_code == 200  # the pool now holds connections

    with app.db.engine.connect() as admin:  # every other connection of this database is dropped
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        admin.commit()

    answer = _switch(served, device, True, key="after-the-drop")
    assert answer.status_code == 200, answer.text
    assert answer.json()["changed"] == [device]
    assert _changes(app, device) == [(True, 1), (False, -1), (True, 1)]
