"""One Idempotency-Key sent several times at once runs its request once (docs/decisions.md, API):
the others wait a few seconds and replay the stored response, or are told (409) that it is still
in progress. Real concurrent HTTP requests against uvicorn, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import httpx2 as httpx
import pytest
from sqlalchemy import insert, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from fleetbill.entrypoints.api import context
from fleetbill.services import idempotency
from tests import factories
from tests.e2e.conftest import serve

CONCURRENT = 8
UPGRADE_DAY = datetime(2026, 1, 20, 1, 0, tzinfo=UTC)  # 10:00 on the 20th in Tokyo


@pytest.fixture
def live(app):
    """(base url, operator key) of the API served by uvicorn in a thread."""
    with serve(app) as served:
        yield served


def at_once(base: str, api_key: str, path: str, body: dict, key: str, n: int = CONCURRENT) -> list[httpx.Response]:
    """Send the same POST n times at the same instant, each on its own connection."""
    barrier, responses, lock = threading.Barrier(n), [], threading.Lock()
    headers = {"Authorization": f"Bearer {api_key}", "Idempotency-Key": key}

    def send():
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            barrier.wait()
            r = client.post(path, json=body)
        with lock:
            responses.append(r)

    threads = [threading.Thread(target=send) for _ in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(90)
    assert len(responses) == n
    return responses


def _slow_clock(app, monkeypatch) -> list:
    """Moving the test clock takes a moment, as real work does (wide enough a window for a race);
    returns the list of the instants it was set to, one per run of the work."""
    move, runs = app.clock.set, []

    def slowly(instant):
        runs.append(instant)
        time.sleep(0.2)
        return move(instant)

    monkeypatch.setattr(app.clock, "set", slowly)
    return runs


def test_eight_clock_advances_sent_at_once_with_one_key_move_the_test_clock_once(app, live, monkeypatch):
    runs = _slow_clock(app, monkeypatch)
    base, api_key = live
    start = app.clock.now()

    responses = at_once(base, api_key, "/v1/test-clock/advance", {"hours": 2}, "advance-2h")

    assert runs == [start + timedelta(hours=2)]
    assert [r.status_code for r in responses] == [200] * CONCURRENT, [r.text for r in responses]
    assert app.clock.now() == start + timedelta(hours=2)
    assert {r.text for r in responses} == {responses[0].text}
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == [""] + ["true"] * (CONCURRENT - 1)


def test_one_key_sent_at_once_with_two_bodies_runs_one_of_them_and_refuses_the_other(app, live, monkeypatch):
    """The review's case: 2 hours and 5 hours sent at once under one key moved the clock 7 hours."""
    runs = _slow_clock(app, monkeypatch)
    base, api_key = live
    start = app.clock.now()
    responses: list = []

    def send(hours):
        responses.extend(at_once(base, api_key, "/v1/test-clock/advance", {"hours": hours}, "two-bodies", n=4))

    threads = [threading.Thread(target=send, args=(h,)) for h in (2, 5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(90)

    assert len(runs) == 1 and app.clock.now() - start in (timedelta(hours=2), timedelta(hours=5))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 4 + [422] * 4, [r.text for r in responses]
    assert all("different request" in r.json()["detail"] for r in responses if r.status_code == 422)


def test_r10_eight_upgrades_sent_at_once_with_one_key_change_the_plan_once_and_answer_alike(app, live):
    # given an account on starter (no fee) and no card: an upgrade to pro issues its purchase
    # invoice and waits for its payment
    factories.device_type(app)
    factories.plan(app, "starter")
    factories.plan(app, "pro", fixed_fee=3_000)
    acme = factories.account(app, "starter")
    app.clock.set(UPGRADE_DAY)
    base, api_key = live

    responses = at_once(base, api_key, f"/v1/accounts/{acme}/plan", {"plan_id": "pro"}, "upgrade-acme")

    # then one change is made, and every request gets its answer (no 409 "waits for the payment")
    assert [r.status_code for r in responses] == [200] * CONCURRENT, [r.text for r in responses]
    assert {r.text for r in responses} == {responses[0].text}
    with app.db.read() as conn:
        changes = conn.execute(select(p.plan_changes.c.id).where(p.plan_changes.c.account_id == acme)).all()
        purchases = conn.execute(
            select(t.invoices.c.id).where(t.invoices.c.account_id == acme, t.invoices.c.kind == "purchase")
        ).all()
    assert (len(changes), len(purchases)) == (1, 1)
    assert responses[0].json()["purchase_invoice_id"] == purchases[0].id


def test_r4_eight_registrations_sent_at_once_with_one_key_register_one_device(app, live):
    factories.device_type(app)
    factories.plan(app, "basic")
    acme = factories.account(app, "basic")
    base, api_key = live

    responses = at_once(base, api_key, f"/v1/accounts/{acme}/devices", {"device_type_id": "esp32"}, "reg-once")

    assert [r.status_code for r in responses] == [201] * CONCURRENT, [r.text for r in responses]
    assert {r.json()["id"] for r in responses} == {responses[0].json()["id"]}
    with app.db.read() as conn:
        assert len(conn.execute(select(t.devices.c.id).where(t.devices.c.account_id == acme)).all()) == 1


def _claim_in_progress(app, api_key: str, key: str, fingerprint: str, claimed_at: datetime) -> None:
    """A claim as a request that is running (or crashed) leaves it: no response stored yet."""
    with app.db.transaction() as conn:
        key_id = conn.execute(select(t.api_keys.c.id).where(t.api_keys.c.name == "e2e")).scalar_one()
        conn.execute(
            insert(t.idempotency_records),
            dict(
                api_key_id=key_id,
                key=key,
                request_fingerprint=fingerprint,
                status_code=None,
                response_body=None,
                created_at=claimed_at,
                claimed_at=claimed_at,
                claim_token="a-request-that-is-still-running",
            ),
        )


def _fingerprint_of(path: str, body: bytes) -> str:
    """The fingerprint the API computes for a POST of this JSON body to this path."""
    import hashlib
    import json

    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(b"POST " + path.encode() + b"\n" + canonical).hexdigest()


def test_a_request_whose_key_is_in_progress_is_told_so_after_a_short_wait_and_changes_nothing(
    app, live, monkeypatch
):
    monkeypatch.setattr(context, "WAIT_FOR_CONCURRENT", 0.3)
    base, api_key = live
    start = app.clock.now()
    _claim_in_progress(
        app, api_key, "busy", _fingerprint_of("/v1/test-clock/advance", b'{"hours": 2}'), datetime.now(UTC)
    )

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_key}"}) as client:
        busy = client.post("/v1/test-clock/advance", json={"hours": 2}, headers={"Idempotency-Key": "busy"})
        other = client.post("/v1/test-clock/advance", json={"hours": 5}, headers={"Idempotency-Key": "busy"})

    assert busy.status_code == 409, busy.text
    assert "in progress" in busy.json()["detail"] and "retry" in busy.json()["detail"]
    assert int(busy.headers["Retry-After"]) >= 1
    # Stripe's rule: the same key with another body is refused, in progress or not
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    assert app.clock.now() == start


def test_a_key_left_claimed_by_a_crashed_request_is_claimed_again_after_the_timeout(app, live):
    base, api_key = live
    start = app.clock.now()
    crashed_at = datetime.now(UTC) - idempotency.CLAIM_TIMEOUT - timedelta(seconds=1)
    _claim_in_progress(
        app, api_key, "crashed", _fingerprint_of("/v1/test-clock/advance", b'{"hours": 2}'), crashed_at
    )

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_key}"}) as client:
        retried = client.post("/v1/test-clock/advance", json={"hours": 2}, headers={"Idempotency-Key": "crashed"})
        again = client.post("/v1/test-clock/advance", json={"hours": 2}, headers={"Idempotency-Key": "crashed"})

    assert retried.status_code == 200 and "Idempotent-Replayed" not in retried.headers
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.text == retried.text
    assert app.clock.now() == start + timedelta(hours=2)


def test_a_key_is_kept_a_day_of_real_time_however_far_the_test_clock_moved(app, live):
    """The test clock simulates billing time, not the client's retries: advancing it by two days
    must not expire the key of the request that advanced it."""
    base, api_key = live
    start = app.clock.now()

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_key}"}) as client:
        first = client.post("/v1/test-clock/advance", json={"days": 2}, headers={"Idempotency-Key": "two-days"})
        retry = client.post("/v1/test-clock/advance", json={"days": 2}, headers={"Idempotency-Key": "two-days"})

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert app.clock.now() == start + timedelta(days=2)


def test_a_failed_request_releases_its_key_for_a_retry(app, live):
    """Errors are not stored: a request that failed changed nothing and may be sent again as it is."""
    factories.device_type(app)
    factories.plan(app, "basic")
    base, api_key = live

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_key}"}) as client:
        body = {"name": "Acme", "country": "JP", "plan_id": "gold", "billing_email": "b@example.com"}
        refused = client.post("/v1/accounts", json=body, headers={"Idempotency-Key": "open-gold"})
        factories.plan(app, "gold")
        opened = client.post("/v1/accounts", json=body, headers={"Idempotency-Key": "open-gold"})

    assert refused.status_code == 404, refused.text
    assert opened.status_code == 201, opened.text
    with app.db.read() as conn:
        stored = conn.execute(select(t.idempotency_records.c.status_code)).scalars().all()
    assert stored == [201]
