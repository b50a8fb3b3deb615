"""The REST API over HTTP on a real database: devices (R1-R4), price changes (R9), idempotency,
bad input, authentication, OpenAPI and the test clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.engine import Database
from fleetbill.adapters.gateway.sandbox import SandboxGateway
from fleetbill.bootstrap import App
from fleetbill.clock import SystemClock
from fleetbill.entrypoints.api import create_api
from fleetbill.services.events import publish_events
from fleetbill.settings import Settings

PROBLEM = "application/problem+json"
FLAT_100 = [{"up_to": None, "unit_price": 100}]


# --- helpers -----------------------------------------------------------------------------------


def ok(response, status: int = 200) -> dict | list:
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status: int) -> dict:
    """An RFC 9457 problem with the given status and a detail that says something."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and isinstance(body["detail"], str) and body["detail"].strip()
    return body


def counts(db) -> dict[str, int]:
    """Rows in every table: what "nothing was written" is checked against."""
    with db.transaction() as conn:
        return {
            tb.name: conn.execute(select(func.count()).select_from(tb)).scalar_one() for tb in t.metadata.sorted_tables
        }


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def set_clock(api, when: datetime) -> None:
    ok(api.post("/v1/test-clock", json={"now": when.isoformat()}))


def catalog(api) -> None:
    """esp32 and m5stack priced on plan "basic" (100 and 500 JPY flat); obniz-board priced nowhere."""
    for dt in ("esp32", "m5stack", "obniz-board"):
        ok(api.post("/v1/device-types", json={"id": dt, "name": dt.upper()}), 201)
    prices = {"esp32": FLAT_100, "m5stack": [{"up_to": None, "unit_price": 500}]}
    ok(api.post("/v1/plans", json={"id": "basic", "name": "Basic", "prices": prices}), 201)
    ok(api.post("/v1/plans", json={"id": "other", "name": "Other", "prices": {"esp32": FLAT_100}}), 201)


def account(api, name: str = "Acme", plan_id: str = "basic", **extra) -> str:
    body = {"name": name, "country": "JP", "plan_id": plan_id, "billing_email": "billing@example.com"} | extra
    return ok(api.post("/v1/accounts", json=body), 201)["id"]


def device(api, account_id: str, device_type_id: str = "esp32", key: str | None = None, **extra) -> dict:
    headers = {"Idempotency-Key": key} if key else {}
    body = {"device_type_id": device_type_id} | extra
    return ok(api.post(f"/v1/accounts/{account_id}/devices", json=body, headers=headers), 201)


def history(api, device_id: str) -> list[tuple]:
    return [
        (h["active"], instant(h["effective_at"]), h["actor"], h["request_id"])
        for h in ok(api.get(f"/v1/devices/{device_id}/history"))
    ]


@pytest.fixture
def world(api):
    """A catalog, one account on "basic" with one esp32 device, and an account on "other"."""
    catalog(api)
    acme = account(api)
    other = account(api, "Other Co", plan_id="other")
    return {"account": acme, "other_account": other, "device": device(api, acme)["id"]}


# --- R3: no cancellation -------------------------------------------------------------------------


def test_r3_delete_device_is_refused_with_405_saying_switch_it_inactive(api, world, db):
    device_id = world["device"]
    before_device, before = ok(api.get(f"/v1/devices/{device_id}")), counts(db)

    body = problem(api.delete(f"/v1/devices/{device_id}"), 405)

    assert "Inactive" in body["detail"] and f"/v1/devices/{device_id}/status" in body["detail"]
    assert api.delete(f"/v1/devices/{device_id}").headers["Allow"] == "GET"  # RFC 9110: a 405 names what is allowed
    assert ok(api.get(f"/v1/devices/{device_id}")) == before_device
    assert before_device["active"] is True
    assert counts(db) == before


def test_r3_delete_unknown_device_is_404(api, world):
    problem(api.delete("/v1/devices/no-such-device"), 404)


# --- R1: adding a device -------------------------------------------------------------------------


def test_r1_registration_shows_the_key_once_and_each_key_is_unique(api, world, clock):
    acme = world["account"]

    first = device(api, acme, name="  greenhouse-7 ")
    second = device(api, acme, device_type_id="m5stack")

    key = first["device_key"]
    assert key.startswith("dk_") and len(key) >= 40 and first["key_last4"] == key[-4:]
    assert second["device_key"] != key
    assert (first["name"], first["active"], first["key_status"]) == ("greenhouse-7", True, "issued")
    assert instant(first["registered_at"]) == clock.now()  # billable from this instant
    # the key is in the registration response only: not in the device, nor in the list
    shown = api.get(f"/v1/devices/{first['id']}")
    assert shown.json() == {k: v for k, v in first.items() if k != "device_key"}
    listed = api.get(f"/v1/accounts/{acme}/devices")
    assert key not in shown.text and key not in listed.text
    assert all("device_key" not in d for d in listed.json())
    assert {d["id"] for d in listed.json()} == {world["device"], first["id"], second["id"]}
    # and it is Active from its registration, on the record (R4)
    ((active, at, actor, request_id),) = history(api, first["id"])
    assert (active, at, actor) == (True, clock.now(), "api:tests") and request_id


def test_r1_registration_name_defaults_to_the_id_prefix_in_the_response_too(api, world):
    created = device(api, world["account"])
    assert created["name"] == created["id"][:8] == ok(api.get(f"/v1/devices/{created['id']}"))["name"]


@pytest.mark.parametrize(
    "path_account, device_type_id, status",
    [
        ("acme", "no-such-type", 422),  # unknown device type
        ("acme", "obniz-board", 422),  # a type the account's plan has no price for
        ("missing", "esp32", 404),  # unknown account
    ],
)
def test_r1_registration_refused_writes_nothing(api, world, db, path_account, device_type_id, status):
    account_id = world["account"] if path_account == "acme" else "no-such-account"
    before = counts(db)

    body = problem(api.post(f"/v1/accounts/{account_id}/devices", json={"device_type_id": device_type_id}), status)

    assert device_type_id in body["detail"] or account_id in body["detail"]
    assert counts(db) == before


# --- R2, R4: switching and its history -----------------------------------------------------------


def test_r2_r4_single_and_bulk_switches_each_leave_a_history_record(api, world, clock):
    acme = world["account"]
    d1, d2, d3 = (device(api, acme, key=f"reg-{n}")["id"] for n in (1, 2, 3))
    t0 = clock.now()

    set_clock(api, t0 + timedelta(hours=1))
    one = ok(api.post(f"/v1/devices/{d1}/status", json={"active": False}, headers={"Idempotency-Key": "off-1"}))
    set_clock(api, t0 + timedelta(hours=2))
    bulk = ok(
        api.post(
            f"/v1/accounts/{acme}/devices/status",
            json={"device_ids": [d2, d3], "active": False},
            headers={"Idempotency-Key": "bulk-off"},
        )
    )
    set_clock(api, t0 + timedelta(hours=3))
    back = ok(
        api.post(
            f"/v1/accounts/{acme}/devices/status",
            json={"device_ids": [d1, d2], "active": True},
            headers={"Idempotency-Key": "bulk-on"},
        )
    )

    assert (one["changed"], one["unchanged"]) == ([d1], [])
    assert "next month" in one["note"] and instant(one["effective_at"]) == t0 + timedelta(hours=1)
    assert (bulk["changed"], bulk["unchanged"]) == ([d2, d3], [])
    assert (back["changed"], back["unchanged"]) == ([d1, d2], [])
    actives = {d["id"]: d["active"] for d in ok(api.get(f"/v1/accounts/{acme}/devices"))}
    assert actives == {world["device"]: True, d1: True, d2: True, d3: False}
    assert ok(api.get(f"/v1/accounts/{acme}/devices", params={"active": "false"}))[0]["id"] == d3
    # R4: each change, with when, who and which request
    assert history(api, d1) == [
        (True, t0, "api:tests", "reg-1"),
        (False, t0 + timedelta(hours=1), "api:tests", "off-1"),
        (True, t0 + timedelta(hours=3), "api:tests", "bulk-on"),
    ]
    assert history(api, d3) == [
        (True, t0, "api:tests", "reg-3"),
        (False, t0 + timedelta(hours=2), "api:tests", "bulk-off"),
    ]


@pytest.mark.parametrize("stranger", ["unknown", "other_account"])
def test_r2_bulk_switch_with_one_bad_id_changes_nothing(api, world, db, stranger):
    acme = world["account"]
    d1 = device(api, acme)["id"]
    bad = "no-such-device" if stranger == "unknown" else device(api, world["other_account"])["id"]
    before = counts(db)

    body = problem(
        api.post(
            f"/v1/accounts/{acme}/devices/status", json={"device_ids": [world["device"], d1, bad], "active": False}
        ),
        404,
    )

    assert bad in body["detail"]
    assert counts(db) == before
    assert all(d["active"] for d in ok(api.get(f"/v1/accounts/{acme}/devices")))


def test_r4_switching_to_the_status_it_has_writes_no_history(api, world, db):
    acme, d = world["account"], world["device"]
    ok(api.post(f"/v1/devices/{d}/status", json={"active": False}))
    before = counts(db)

    again = ok(api.post(f"/v1/devices/{d}/status", json={"active": False}))
    bulk = ok(api.post(f"/v1/accounts/{acme}/devices/status", json={"device_ids": [d], "active": False}))

    assert (again["changed"], again["unchanged"]) == ([], [d])
    assert (bulk["changed"], bulk["unchanged"]) == ([], [d])
    assert counts(db) == before
    assert [h[0] for h in history(api, d)] == [True, False]


def test_r4_history_of_unknown_device_is_404(api, world):
    problem(api.get("/v1/devices/no-such-device/history"), 404)


# --- R9: price changes announced in advance ------------------------------------------------------


def test_r9_price_change_needs_notice_notifies_the_plan_and_prices_its_month(api, db, clock):
    # given plan "basic" (esp32 100 JPY flat, 30 days' notice) with two accounts, and one on "other"
    catalog(api)
    x, y = account(api, "X"), account(api, "Y")
    z = account(api, "Z", plan_id="other")
    device(api, x), device(api, x), device(api, y)
    before = counts(db)
    new_prices = {"effective_month": "2026-03", "prices": {"esp32": [{"up_to": None, "unit_price": 150}]}}

    # when it is announced on 2026-01-05 for February: the earliest February starts anywhere is
    # 2026-01-31T10:00Z (UTC+14), so it had to be announced by 2026-01-01T10:00Z
    too_late = problem(
        api.post("/v1/plans/basic/price-versions", json=new_prices | {"effective_month": "2026-02"}), 422
    )
    assert "30 days' notice" in too_late["detail"] and "later month" in too_late["detail"]
    assert counts(db) == before

    # when it is announced for March (deadline 2026-01-29T10:00Z)
    announced = ok(api.post("/v1/plans/basic/price-versions", json=new_prices), 201)
    assert (announced["effective_month"], announced["notified_accounts"]) == ("2026-03", 2)
    publish_events(db, clock.now())  # R22: the emails are the published events' consumer
    with db.transaction() as conn:
        notices = conn.execute(select(t.notifications.c.account_id, t.notifications.c.kind, t.notifications.c.subject))
        notices = sorted(notices)
    assert [(a, k) for a, k, _ in notices] == sorted([(x, "price_change"), (y, "price_change")])
    # in each account's language: Japanese for these accounts in JP
    assert all("2026年3月" in s for _, _, s in notices) and z not in {a for a, _, _ in notices}
    versions = ok(api.get("/v1/plans/basic"))["price_versions"]
    # the first prices are in force from the month of the plan's creation in the last time zone
    # to reach it (UTC-12): created 2026-01-05, so 2026-01
    assert [v["effective_month"] for v in versions] == ["2026-01", "2026-03"]

    # when January has closed, a version for January is refused
    set_clock(api, datetime(2026, 2, 1, tzinfo=UTC))
    assert ok(api.post("/v1/test-clock/run-due-jobs"))["close"]["months"] == ["2026-01"]
    closed = problem(api.post("/v1/plans/basic/price-versions", json=new_prices | {"effective_month": "2026-01"}), 409)
    assert "already closed" in closed["detail"] and "choose a month after 2026-01" in closed["detail"]

    # then February is priced with the old version and March with the new one
    set_clock(api, datetime(2026, 4, 1, tzinfo=UTC))
    assert ok(api.post("/v1/test-clock/run-due-jobs"))["close"]["months"] == ["2026-02", "2026-03"]
    totals = {
        (a, i["billing_month"]): (i["subtotal"], i["tax_total"], i["total"])
        for a in (x, y)
        for i in ok(api.get(f"/v1/accounts/{a}/invoices"))
    }
    assert totals == {
        (x, "2026-01"): (200, 20, 220),  # 2 x 100; 10% of 200 = 20
        (x, "2026-02"): (200, 20, 220),
        (x, "2026-03"): (300, 30, 330),  # 2 x 150; 10% of 300 = 30
        (y, "2026-01"): (100, 10, 110),  # 1 x 100
        (y, "2026-02"): (100, 10, 110),
        (y, "2026-03"): (150, 15, 165),  # 1 x 150; 10% of 150 = 15
    }


# --- idempotency ---------------------------------------------------------------------------------


def test_r1_idempotent_device_registration_runs_once_and_replays_the_response(api, world, db):
    """R1 and the API's Idempotency-Key: a retried registration registers (and bills) one device."""
    acme = world["account"]
    path, body, key = f"/v1/accounts/{acme}/devices", {"device_type_id": "esp32", "name": "pump"}, "3f1c2a9e-reg"

    first = api.post(path, json=body, headers={"Idempotency-Key": key})
    after_first = counts(db)
    second = api.post(path, json=body, headers={"Idempotency-Key": key})

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers and second.headers["Idempotent-Replayed"] == "true"
    assert counts(db) == after_first
    pumps = [d for d in ok(api.get(f"/v1/accounts/{acme}/devices")) if d["name"] == "pump"]
    assert [d["id"] for d in pumps] == [first.json()["id"]]


def test_r16_idempotent_points_grant_runs_once(api, world, db):
    """R16 and the API's Idempotency-Key: a retried grant is one ledger entry."""
    acme = world["account"]
    grant = {"amount": 1_000, "reason": "welcome"}

    first = ok(api.post(f"/v1/accounts/{acme}/points", json=grant, headers={"Idempotency-Key": "grant-1"}), 201)
    second = api.post(f"/v1/accounts/{acme}/points", json=grant, headers={"Idempotency-Key": "grant-1"})

    assert second.status_code == 201 and second.json() == first
    assert second.headers["Idempotent-Replayed"] == "true"
    assert ok(api.get(f"/v1/accounts/{acme}/points"))["balance"] == 1_000
    assert counts(db)["point_grants"] == 1


def test_idempotency_key_reused_for_a_different_request_is_refused(api, world, db):
    """API contract (docs/decisions.md): a key names one request; reusing it for another is a 422."""
    acme = world["account"]
    ok(
        api.post(f"/v1/accounts/{acme}/devices", json={"device_type_id": "esp32"}, headers={"Idempotency-Key": "k-1"}),
        201,
    )
    before = counts(db)

    other_body = api.post(
        f"/v1/accounts/{acme}/devices", json={"device_type_id": "m5stack"}, headers={"Idempotency-Key": "k-1"}
    )
    other_path = api.post(
        f"/v1/accounts/{acme}/points", json={"amount": 5, "reason": "x"}, headers={"Idempotency-Key": "k-1"}
    )

    assert "different request" in problem(other_body, 422)["detail"]
    assert "different request" in problem(other_path, 422)["detail"]
    assert counts(db) == before


def test_r4_idempotency_key_is_the_request_id_on_the_history_up_to_64_characters(api, world, db):
    acme = world["account"]
    longest = "k" * 64
    created = device(api, acme, key=longest)
    assert history(api, created["id"])[0][3] == longest
    before = counts(db)

    too_long = api.post(
        f"/v1/accounts/{acme}/devices", json={"device_type_id": "esp32"}, headers={"Idempotency-Key": "k" * 65}
    )

    assert "64" in problem(too_long, 422)["detail"]
    assert counts(db) == before


# --- bad input: a 4xx problem, never a 500, never a partial write ---------------------------------

JSON = {"content-type": "application/json"}
PLAN = {"id": "p2", "name": "P2"}
ACCOUNT = {"name": "B", "country": "JP", "plan_id": "basic", "billing_email": "b@example.com"}
TIERS_3_FREE = [{"up_to": 3, "unit_price": 0}, {"up_to": None, "unit_price": 300}]
NOW = "2026-03-01T00:00:00+09:00"

BAD_REQUESTS = {
    # malformed JSON
    "malformed json": ("POST", "/v1/accounts", {"content": b'{"name": "B", "country": "JP",', "headers": JSON}),
    "malformed json, points": ("POST", "{points}", {"content": b'{"amount": 100 "reason": "x"}', "headers": JSON}),
    "not an object": ("POST", "{devices}", {"json": ["esp32"]}),
    "empty body": ("POST", "{devices}", {"content": b"", "headers": JSON}),
    # wrong types
    "amount as a string": ("POST", "{points}", {"json": {"amount": "100", "reason": "x"}}),
    "amount as a float": ("POST", "{points}", {"json": {"amount": 100.0, "reason": "x"}}),
    "amount with a fraction": ("POST", "{points}", {"json": {"amount": 99.5, "reason": "x"}}),
    "amount as a bool": ("POST", "{points}", {"json": {"amount": True, "reason": "x"}}),
    "fee as a string": ("POST", "/v1/plans", {"json": PLAN | {"fixed_fee": "1000", "prices": {"esp32": FLAT_100}}}),
    "unit price as a float": (
        "POST",
        "/v1/plans",
        {"json": PLAN | {"prices": {"esp32": [{"up_to": None, "unit_price": 100.5}]}}},
    ),
    "active as a string": ("POST", "/v1/devices/{device}/status", {"json": {"active": "false"}}),
    "active as 0": ("POST", "/v1/devices/{device}/status", {"json": {"active": 0}}),
    "device ids as a string": ("POST", "{bulk}", {"json": {"device_ids": "{device}", "active": False}}),
    "no device ids": ("POST", "{bulk}", {"json": {"device_ids": [], "active": False}}),
    # negative or zero amounts
    "negative points": ("POST", "{points}", {"json": {"amount": -100, "reason": "x"}}),
    "zero points": ("POST", "{points}", {"json": {"amount": 0, "reason": "x"}}),
    "negative fee": ("POST", "/v1/plans", {"json": PLAN | {"fixed_fee": -1, "prices": {"esp32": FLAT_100}}}),
    "negative unit price": (
        "POST",
        "/v1/plans",
        {"json": PLAN | {"prices": {"esp32": [{"up_to": None, "unit_price": -300}]}}},
    ),
    "tier up to 0": (
        "POST",
        "/v1/plans",
        {"json": PLAN | {"prices": {"esp32": [{"up_to": 0, "unit_price": 0}, {"up_to": None, "unit_price": 1}]}}},
    ),
    "negative fee in a price version": (
        "POST",
        "/v1/plans/basic/price-versions",
        {"json": {"effective_month": "2027-01", "fixed_fee": -1, "prices": {"esp32": FLAT_100}}},
    ),
    "negative clock step": ("POST", "/v1/test-clock/advance", {"json": {"days": -1}}),
    "negative tax rate": ("POST", "/v1/tax-rates", {"json": {"country": "US", "rate": "-0.1", "valid_from": NOW}}),
    "tax rate of 150%": ("POST", "/v1/tax-rates", {"json": {"country": "US", "rate": "1.5", "valid_from": NOW}}),
    # unknown fields
    "unknown field on an account": ("POST", "/v1/accounts", {"json": ACCOUNT | {"discount": 10}}),
    "unknown field on a device": ("POST", "{devices}", {"json": {"device_type_id": "esp32", "active": False}}),
    "back-dating a switch": (
        "POST",
        "/v1/devices/{device}/status",
        {"json": {"active": False, "effective_at": "2026-01-01T00:00:00Z"}},
    ),
    "unknown field on points": ("POST", "{points}", {"json": {"amount": 5, "reason": "x", "currency": "JPY"}}),
    "unknown field on a tier": (
        "POST",
        "/v1/plans",
        {"json": PLAN | {"prices": {"esp32": [{"up_to": None, "unit_price": 1, "flat_fee": 5}]}}},
    ),
    # naive datetimes
    "naive expiry": ("POST", "{points}", {"json": {"amount": 5, "reason": "x", "expires_at": "2026-03-01T00:00:00"}}),
    "date-only expiry": ("POST", "{points}", {"json": {"amount": 5, "reason": "x", "expires_at": "2026-03-01"}}),
    "naive valid_from": (
        "POST",
        "/v1/tax-rates",
        {"json": {"country": "US", "rate": "0.05", "valid_from": "2026-03-01T00:00:00"}},
    ),
    "naive clock": ("POST", "/v1/test-clock", {"json": {"now": "2026-03-01T00:00:00"}}),
    # time zones that are not IANA names
    "time zone 'Tokyo'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"timezone": "Tokyo"}}),
    "time zone 'JST'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"timezone": "JST"}}),
    "time zone 'UTC+09:00'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"timezone": "UTC+09:00"}}),
    "time zone as a path": ("POST", "/v1/accounts", {"json": ACCOUNT | {"timezone": "../../etc/passwd"}}),
    "empty time zone": ("POST", "/v1/accounts", {"json": ACCOUNT | {"timezone": ""}}),
    # country codes
    "country 'Japan'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"country": "Japan"}}),
    "country 'jp'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"country": "jp"}}),
    "country 'JPN'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"country": "JPN"}}),
    "subdivision of another country": ("POST", "/v1/accounts", {"json": ACCOUNT | {"subdivision": "US-CA"}}),
    "tax rate for 'Japan'": ("POST", "/v1/tax-rates", {"json": {"country": "Japan", "rate": "0.1", "valid_from": NOW}}),
    # currencies
    "account in USD": ("POST", "/v1/accounts", {"json": ACCOUNT | {"currency": "USD"}}),
    "account in 'jpy'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"currency": "jpy"}}),
    "plan in EUR": ("POST", "/v1/plans", {"json": PLAN | {"currency": "EUR", "prices": {"esp32": FLAT_100}}}),
    # other values that do not fit
    "tax status 'free'": ("POST", "/v1/accounts", {"json": ACCOUNT | {"tax_status": "free"}}),
    "not an email": ("POST", "/v1/accounts", {"json": ACCOUNT | {"billing_email": "billing"}}),
    "empty account name": ("POST", "/v1/accounts", {"json": ACCOUNT | {"name": " "}}),
    "month 13": (
        "POST",
        "/v1/plans/basic/price-versions",
        {"json": {"effective_month": "2026-13", "prices": {"esp32": FLAT_100}}},
    ),
    # values no column can hold, that once gave 500s
    "points beyond 2**53": ("POST", "{points}", {"json": {"amount": 2**53, "reason": "x"}}),
    "points beyond 64 bits": ("POST", "{points}", {"json": {"amount": 10**30, "reason": "x"}}),
    "unit price beyond 64 bits": (
        "POST",
        "/v1/plans",
        {"json": PLAN | {"prices": {"esp32": [{"up_to": None, "unit_price": 2**70}]}}},
    ),
    "tier limit beyond 32 bits": (
        "POST",
        "/v1/plans",
        {"json": PLAN | {"prices": {"esp32": [{"up_to": 2**40, "unit_price": 0}, {"up_to": None, "unit_price": 1}]}}},
    ),
    "email longer than its column": (
        "POST",
        "/v1/accounts",
        {"json": ACCOUNT | {"billing_email": "b@x.io" + "x" * 400}},
    ),
    "NUL in a device name": ("POST", "{devices}", {"json": {"device_type_id": "esp32", "name": "a\x00b"}}),
    "NUL in a plan id lookup": ("POST", "/v1/accounts", {"json": ACCOUNT | {"plan_id": "basic\x00"}}),
    "NUL in a bulk id": ("POST", "{bulk}", {"json": {"device_ids": ["{device}\x00"], "active": False}}),
    "lone surrogate": (
        "POST",
        "{devices}",
        {"content": b'{"device_type_id": "esp\\ud800"}', "headers": JSON},
    ),
    "NUL in the path": ("GET", "/v1/devices/%00", {}),
    "NUL in the query": ("GET", "/v1/accounts/{account}/devices?device_type_id=%00", {}),
    "month in year 0": (
        "POST",
        "/v1/plans/basic/price-versions",
        {"json": {"effective_month": "0000-01", "prices": {"esp32": FLAT_100}}},
    ),
    "month in year 1": (
        "POST",
        "/v1/plans/basic/price-versions",
        {"json": {"effective_month": "0001-01", "prices": {"esp32": FLAT_100}}},
    ),
    "expiry past year 9999 in UTC": (
        "POST",
        "{points}",
        {"json": {"amount": 5, "reason": "x", "expires_at": "9999-12-31T23:00:00-14:00"}},
    ),
    "clock step too big for a timedelta": ("POST", "/v1/test-clock/advance", {"json": {"days": 10**9}}),
    "clock step past year 9999": ("POST", "/v1/test-clock/advance", {"json": {"days": 999_999_999}}),
}


def _fill(value, ids: dict):
    """Put the test's ids into a request template ("{device}", "{points}"...)."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_input_is_a_4xx_problem_and_writes_nothing(api, world, db, clock, case):
    """API contract: bad input is an RFC 9457 problem with a detail, never a 500 nor a partial write."""
    method, path, kwargs = BAD_REQUESTS[case]
    acme = world["account"]
    ids = {
        "account": acme,
        "device": world["device"],
        "devices": f"/v1/accounts/{acme}/devices",
        "bulk": f"/v1/accounts/{acme}/devices/status",
        "points": f"/v1/accounts/{acme}/points",
    }
    kwargs = {k: _fill(v, ids) if k == "json" else v for k, v in kwargs.items()}
    before, now = counts(db), clock.now()

    response = api.request(method, _fill(path, ids), **kwargs)

    assert 400 <= response.status_code < 500, response.text
    problem(response, response.status_code)
    assert counts(db) == before
    assert clock.now() == now


@pytest.mark.parametrize("region", [{"country": "JA"}, {"country": "JP", "subdivision": "JP-99"}])
def test_r12_unassigned_country_or_subdivision_code_is_refused(api, world, db, region):
    """R12: tax follows a real ISO 3166 country/region; a code that names none is refused."""
    before = counts(db)
    problem(api.post("/v1/accounts", json=ACCOUNT | region | {"tax_status": "exempt"}), 422)
    assert counts(db) == before


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer fb_not-a-key", "Bearer ", "Basic dGVzdHM6c2VjcmV0"],
    ids=["no key", "wrong key", "empty key", "basic auth"],
)
def test_without_a_valid_key_every_call_is_401(api, world, db, authorization):
    """API contract: every call needs an operator key."""
    client = TestClient(api.app, raise_server_exceptions=False)
    headers = {"Authorization": authorization} if authorization else {}
    before = counts(db)

    for response in (
        client.get("/v1/accounts", headers=headers),
        client.get(f"/v1/devices/{world['device']}", headers=headers),
        client.post("/v1/accounts", json=ACCOUNT, headers=headers),
        client.post("/v1/test-clock/advance", json={"days": 1}, headers=headers),
    ):
        problem(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert counts(db) == before


# --- OpenAPI and the test clock ------------------------------------------------------------------

MAIN_PATHS = {
    "/v1/device-types": {"get", "post"},
    "/v1/plans": {"get", "post"},
    "/v1/plans/{plan_id}": {"get"},
    "/v1/plans/{plan_id}/price-versions": {"post"},
    "/v1/plans/{plan_id}/price-versions/impact": {"post"},
    "/v1/plans/{plan_id}/default-budget": {"put"},
    "/v1/tax-rates": {"get", "post"},
    "/v1/accounts": {"get", "post"},
    "/v1/accounts/{account_id}": {"get", "patch"},
    "/v1/accounts/{account_id}/devices": {"get", "post"},
    "/v1/accounts/{account_id}/devices/status": {"post"},
    "/v1/devices/{device_id}": {"get", "delete"},
    "/v1/devices/{device_id}/status": {"post"},
    "/v1/devices/{device_id}/history": {"get"},
    "/v1/accounts/{account_id}/usage": {"get"},
    "/v1/accounts/{account_id}/peaks/{month}": {"get"},
    "/v1/accounts/{account_id}/what-if": {"post"},
    "/v1/accounts/{account_id}/budget": {"get", "put"},
    "/v1/accounts/{account_id}/invoices": {"get"},
    "/v1/invoices": {"get"},
    "/v1/invoices/{invoice_id}": {"get"},
    "/v1/invoices/{invoice_id}.pdf": {"get"},
    "/v1/invoices/{invoice_id}.csv": {"get"},
    "/v1/accounts/{account_id}/points": {"get", "post"},
    "/v1/close": {"post"},
    "/v1/imports": {"post"},
    "/v1/accounts/{account_id}/cards": {"get", "post"},
    "/v1/accounts/{account_id}/cards/{card_id}": {"delete"},
    "/v1/accounts/{account_id}/cards/{card_id}/default": {"post"},
    "/v1/accounts/{account_id}/collection-method": {"post"},
    "/v1/accounts/{account_id}/entitlements": {"get"},
    "/v1/accounts/{account_id}/plan": {"post"},
    "/v1/accounts/{account_id}/billing-links": {"post"},
    "/v1/invoices/{invoice_id}/transfers": {"post"},
    "/v1/invoices/{invoice_id}/payments": {"get"},
    "/v1/invoices/{invoice_id}/credit-notes": {"get", "post"},
    "/v1/invoices/{invoice_id}/refunds": {"post"},
    "/v1/invoices/{invoice_id}/mark-uncollectible": {"post"},
    "/v1/credit-notes/{credit_note_id}": {"get"},
    "/v1/credit-notes/{credit_note_id}.pdf": {"get"},
    "/v1/collect": {"post"},
    "/v1/webhooks/{gateway_name}": {"post"},
    "/v1/api-keys": {"get", "post"},
    "/v1/api-keys/{key_id}/revoke": {"post"},
    "/v1/events": {"get"},
    "/v1/events/{event_id}": {"get"},
    "/v1/events/{event_id}/redeliver": {"post"},
    "/v1/webhook-endpoints": {"get", "post"},
    "/v1/webhook-endpoints/{endpoint_id}": {"get", "patch", "post"},
    "/v1/webhook-endpoints/{endpoint_id}/deliveries": {"get"},
    "/v1/webhook-endpoints/{endpoint_id}/disable": {"post"},
    "/v1/webhook-endpoints/{endpoint_id}/enable": {"post"},
    "/v1/webhook-endpoints/{endpoint_id}/redeliver": {"post"},
    "/v1/webhook-endpoints/{endpoint_id}/rotate-secret": {"post"},
}
TEST_CLOCK_PATHS = {
    "/v1/test-clock": {"get", "post"},
    "/v1/test-clock/advance": {"post"},
    "/v1/test-clock/run-due-jobs": {"post"},
    "/v1/sandbox/tokens": {"post"},
    "/v1/sandbox/account-updater": {"post"},
    "/v1/test-clocks": {"get", "post"},
    "/v1/test-clocks/{clock_id}": {"get"},
    "/v1/test-clocks/{clock_id}/advance": {"post"},
    "/v1/sandbox/faults": {"get", "post"},
    "/v1/sandbox/charges": {"get"},
}


def _paths(client) -> dict[str, set[str]]:
    spec = ok(client.get("/openapi.json"))
    return {p: set(ops) for p, ops in spec["paths"].items()}


def test_openapi_lists_the_api_and_the_test_clock_in_test_mode(api):
    """API contract: the OpenAPI document lists every route, the test clock only in test mode."""
    paths = _paths(api)
    assert paths == MAIN_PATHS | TEST_CLOCK_PATHS
    assert "HTTPBearer" in ok(api.get("/openapi.json"))["components"]["securitySchemes"]


def test_openapi_and_routes_have_no_test_clock_outside_test_mode(api, database_url):
    db = Database(database_url)
    try:
        production = create_api(
            App(Settings(database_url=database_url, test_mode=False), db, SystemClock(), SandboxGateway())
        )
        client = TestClient(production, raise_server_exceptions=False)
        client.headers["Authorization"] = api.headers["Authorization"]  # the key is in the same database

        assert _paths(client) == MAIN_PATHS
        for path in TEST_CLOCK_PATHS:
            problem(client.post(path, json={"days": 1}), 404)
        assert ok(client.get("/v1/accounts")) == []
    finally:
        db.dispose()


def test_r4_test_clock_never_goes_backwards(api, clock):
    """R4: history is append-only, so the test clock only moves forward (409 otherwise)."""
    start = clock.now()
    assert instant(ok(api.get("/v1/test-clock"))["now"]) == start

    body = problem(api.post("/v1/test-clock", json={"now": (start - timedelta(seconds=1)).isoformat()}), 409)

    assert "cannot go back" in body["detail"]
    assert clock.now() == start
    assert instant(ok(api.post("/v1/test-clock", json={"now": start.isoformat()}))["now"]) == start
    moved = ok(api.post("/v1/test-clock/advance", json={"days": 1, "hours": 2, "seconds": 3}))
    assert instant(moved["now"]) == start + timedelta(days=1, hours=2, seconds=3) == clock.now()
    # "+09:00" is read as the same instant in UTC
    problem(api.post("/v1/test-clock", json={"now": "2026-01-06T00:00:00+09:00"}), 409)  # = 2026-01-05T15:00Z


def test_r12_tax_rate_from_the_api_is_exact_and_in_utc(api):
    created = ok(api.post("/v1/tax-rates", json={"country": "US", "rate": "0.0875", "valid_from": NOW}), 201)
    assert Decimal(created["rate"]) == Decimal("0.0875")
    assert instant(created["valid_from"]) == datetime(2026, 2, 28, 15, 0, tzinfo=UTC)


def test_accounts_are_listed_a_page_at_a_time_in_sign_up_order(api, app, clock):
    """API contract: limit and offset page through the accounts, oldest first."""
    from tests import factories as f

    f.device_type(app)
    f.plan(app)
    ids = []
    for name in ("first", "second", "third"):
        ids.append(f.account(app, name=name))
        clock.set(clock.now() + timedelta(seconds=1))
    page = ok(api.get("/v1/accounts", params={"limit": 2, "offset": 1}))
    assert [a["id"] for a in page] == ids[1:]
    assert [a["name"] for a in ok(api.get("/v1/accounts", params={"limit": 1}))] == ["first"]
