"""Webhooks to the operator's endpoints (R22), end to end: endpoints managed through the API,
events published and delivered by the worker's code to a real HTTP receiver on 127.0.0.1 that
verifies every request with the `standardwebhooks` library and deduplicates by webhook-id."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from fleetbill.adapters.db import schema_console as c
from fleetbill.adapters.db import schema_events as e
from fleetbill.domain.events import DISABLE_AFTER, EventType, NewEvent
from fleetbill.services import deliver_webhooks as delivery
from fleetbill.services.deliver_webhooks import CLAIM_FOR, deliver_webhooks
from fleetbill.services.events import publish_events, record
from fleetbill.services.webhook_endpoints import UrlPolicy, create_endpoint
from fleetbill.settings import Settings


class Receiver:
    """An operator's receiver: verifies each request with every secret it knows, answers with the
    next scripted status (then 200), and handles each webhook-id once."""

    def __init__(self, secrets: list[str] | None = None, statuses: list[int] | None = None):
        self.secrets = secrets or []
        self.statuses = list(statuses or [])
        self.requests: list[dict] = []  # every request: its headers, body and the secrets that verify it
        self.handled: dict[str, dict] = {}  # webhook-id -> the event, once
        self.redirect_to: str | None = None  # a Location sent with every answer
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.receive(dict(self.headers), body)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if receiver.redirect_to:
                    self.send_header("location", receiver.redirect_to)
                self.end_headers()
                self.wfile.write(f"answered {status}".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def receive(self, headers: dict, body: bytes) -> None:
        verified_by = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified_by.append(secret)
            except WebhookVerificationError:
                pass
        headers = {k.lower(): v for k, v in headers.items()}
        self.requests.append(dict(headers=headers, body=json.loads(body), verified_by=verified_by))
        if verified_by:
            self.handled.setdefault(headers["webhook-id"], json.loads(body))

    def ids(self) -> list[str]:
        return [r["headers"]["webhook-id"] for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def settings(database_url) -> Settings:
    # The receiver is on 127.0.0.1: allowed here only, as an installation would allow its own network.
    return Settings(database_url=database_url, test_mode=True, webhooks_allow_private=True)


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


def add_endpoint(api, url: str, types: list[str] | None = None) -> dict:
    made = api.post("/v1/webhook-endpoints", json={"url": url, "event_types": types or [], "description": "ops"})
    assert made.status_code == 201, made.text
    return made.json()


def happen(app, *events: NewEvent) -> None:
    """Record events as a use case does, and publish them as the worker does."""
    with app.db.transaction() as conn:
        record(conn, app.clock.now(), *events)
    publish_events(app.db, app.clock.now())


def paid(account: str = "acct-1", number: str = "FB-1") -> NewEvent:
    return NewEvent(EventType.INVOICE_PAID, account, {"invoice": {"number": number, "total": 3_465}})


def deliver(app):
    return deliver_webhooks(app.db, app.clock, app.settings)


def attempts(app) -> list:
    a, d = e.webhook_attempts, e.webhook_deliveries
    with app.db.read() as conn:
        return conn.execute(select(a, d.c.state).join(d, d.c.id == a.c.delivery_id).order_by(a.c.id)).all()


def later(app, **delta) -> None:
    app.clock.set(app.clock.now() + timedelta(**delta))


def counts(app) -> tuple[int, int, int]:
    with app.db.read() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (e.webhook_endpoints, e.webhook_deliveries, c.audit_log)
        )


# --- delivery --------------------------------------------------------------------------------------


def test_r22_a_receiver_answering_500_twice_then_200_gets_three_signed_attempts_with_one_webhook_id(api, app, receiver):
    # given an endpoint for invoice.paid, whose receiver fails twice
    endpoint = add_endpoint(api, receiver.url, ["invoice.paid"])
    receiver.secrets, receiver.statuses = [endpoint["secret"]], [500, 500]
    happen(app, paid(), NewEvent(EventType.ACCOUNT_CREATED, "acct-1", {"account": {"id": "acct-1"}}))

    # when the worker delivers now, then past each retry time (5 s, then 5 min after)
    assert deliver(app).failed == 1
    assert deliver(app).sent == 0  # not due again yet
    later(app, seconds=5)
    assert deliver(app).failed == 1
    later(app, minutes=5)
    assert deliver(app).succeeded == 1

    # then three attempts, each verified with the secret, all with the event's id as webhook-id
    assert len(receiver.requests) == 3 and all(r["verified_by"] for r in receiver.requests)
    [webhook_id] = set(receiver.ids())
    assert webhook_id.startswith("evt_") and list(receiver.handled) == [webhook_id]
    body = receiver.requests[0]["body"]
    assert (body["id"], body["type"], body["account_id"], body["sequence"]) == (webhook_id, "invoice.paid", "acct-1", 1)
    assert body["data"] == {"invoice": {"number": "FB-1", "total": 3_465}}
    assert body == api.get(f"/v1/events/{webhook_id}").json()  # the event as the events API shows it
    assert receiver.requests[0]["headers"]["content-type"] == "application/json"
    # and every attempt is recorded: status, latency, the answer's start; the delivery succeeded
    tries = attempts(app)
    assert [x.status_code for x in tries] == [500, 500, 200] and tries[-1].state == "succeeded"
    assert tries[0].response_excerpt == "answered 500" and all(x.latency_ms >= 0 for x in tries)
    listed = api.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries").json()["data"]
    assert [(d["event_id"], d["state"], d["attempts_made"]) for d in listed] == [(webhook_id, "succeeded", 3)]
    assert [x["status_code"] for x in listed[0]["attempts"]] == [500, 500, 200]
    assert api.get(f"/v1/webhook-endpoints/{endpoint['id']}").json()["failing_since"] is None


def test_r22_a_sender_dying_between_sending_and_recording_sends_again_with_the_same_webhook_id(
    api, app, receiver, monkeypatch
):
    # given an endpoint, an event, and a sender that dies after the HTTP call, before recording
    endpoint = add_endpoint(api, receiver.url)
    receiver.secrets = [endpoint["secret"]]
    happen(app, paid())

    def crash(*args, **kwargs):
        raise RuntimeError("killed between sending and recording")

    with monkeypatch.context() as patched:
        patched.setattr(delivery, "record_attempts", crash)
        with pytest.raises(RuntimeError):
            deliver(app)
    assert len(receiver.requests) == 1 and attempts(app) == []

    # when another run comes before the claim lapses, nothing is sent; after it, it is sent again
    later(app, seconds=30)
    assert deliver(app).sent == 0
    later(app, seconds=CLAIM_FOR.total_seconds())
    assert deliver(app).succeeded == 1

    # then the receiver got it twice with one webhook-id, and its deduplication handled it once
    assert len(receiver.requests) == 2 and len(set(receiver.ids())) == 1
    assert len(receiver.handled) == 1
    assert [x.status_code for x in attempts(app)] == [200]


def test_r22_a_redirect_is_a_failed_attempt_and_is_not_followed(api, app, receiver):
    # given an endpoint whose receiver answers 307 to another receiver
    elsewhere = Receiver()
    try:
        endpoint = add_endpoint(api, receiver.url)
        receiver.secrets, receiver.statuses, receiver.redirect_to = [endpoint["secret"]], [307], elsewhere.url
        happen(app, paid())
        # when it is delivered
        report = deliver(app)
        # then the redirect is recorded as a failed attempt, to be tried again, and not followed
        assert report.failed == 1 and elsewhere.requests == []
        [attempt] = attempts(app)
        assert (attempt.status_code, attempt.state) == (307, "pending")
    finally:
        elsewhere.close()


def test_r22_rotation_both_secrets_verify_during_the_overlap_then_only_the_new_one(api, app, receiver):
    # given an endpoint whose secret is rotated
    endpoint = add_endpoint(api, receiver.url)
    old = endpoint["secret"]
    rotated = api.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old and "secret" not in api.get("/v1/webhook-endpoints").json()[0]
    receiver.secrets = [old, new]

    # when an event is delivered during the 24 hours' overlap, and another after it
    happen(app, paid(number="FB-1"))
    deliver(app)
    later(app, hours=24)
    happen(app, paid(number="FB-2"))
    deliver(app)

    # then the first verifies with either secret (two signatures), the second with the new one only
    during, after = receiver.requests
    assert during["verified_by"] == [old, new] and len(during["headers"]["webhook-signature"].split(" ")) == 2
    assert after["verified_by"] == [new] and len(after["headers"]["webhook-signature"].split(" ")) == 1


def test_r22_an_endpoint_failing_for_days_is_disabled_the_operator_told_and_nothing_more_sent(api, app, receiver):
    # given an endpoint whose receiver always fails, and an event every day
    endpoint = add_endpoint(api, receiver.url, ["invoice.paid"])
    receiver.secrets, receiver.statuses = [endpoint["secret"]], [500] * 1_000
    start = app.clock.now()
    for day in range(DISABLE_AFTER.days + 1):
        happen(app, paid(number=f"FB-{day}"))
        for _ in range(24):
            deliver(app)
            later(app, hours=1)
    # then after five days of failures it was disabled, with its reason
    shown = api.get(f"/v1/webhook-endpoints/{endpoint['id']}").json()
    assert shown["enabled"] is False and "no delivery succeeded for 5 days" in shown["disabled_reason"]
    # and the operator is told: an event on the operator's stream, and the audit log
    publish_events(app.db, app.clock.now())
    told = api.get("/v1/events", params={"type": "webhook_endpoint.disabled"}).json()["data"]
    assert [(x["account_id"], x["data"]["webhook_endpoint"]["id"]) for x in told] == [(None, endpoint["id"])]
    with app.db.read() as conn:
        audited = conn.execute(select(c.audit_log).where(c.audit_log.c.action == "webhook_endpoint.disabled")).one()
    assert (audited.actor, audited.subject) == ("worker", endpoint["id"])
    disabled_at = audited.at
    assert disabled_at - start >= DISABLE_AFTER
    # and nothing more is sent to it, even for new events
    sent = len(receiver.requests)
    happen(app, paid(number="FB-late"))
    later(app, days=1)
    deliver(app)
    assert len(receiver.requests) == sent
    with app.db.read() as conn:
        states = conn.execute(select(e.webhook_deliveries.c.state).distinct()).scalars().all()
    assert states == ["failed"]


def test_r22_redelivery_by_event_and_by_range_makes_new_deliveries_with_the_same_webhook_id(api, app, receiver):
    # given two events delivered to an endpoint
    endpoint = add_endpoint(api, receiver.url)
    receiver.secrets = [endpoint["secret"]]
    happen(app, paid(number="FB-1"))
    first = app.clock.now()
    later(app, hours=1)
    happen(app, paid(number="FB-2"))
    deliver(app)
    one, two = (x["id"] for x in api.get("/v1/events").json()["data"])
    assert sorted(receiver.ids()) == sorted([one, two])  # sent at once: in no particular order

    # when the operator redelivers the first event, then the range holding both
    again = api.post(f"/v1/events/{one}/redeliver", json={"endpoint_id": endpoint["id"]})
    assert again.status_code == 201 and len(again.json()["deliveries"]) == 1
    deliver(app)
    ranged = api.post(
        f"/v1/webhook-endpoints/{endpoint['id']}/redeliver",
        json={"since": first.isoformat(), "until": (app.clock.now() + timedelta(seconds=1)).isoformat()},
    )
    assert ranged.status_code == 201 and ranged.json()["deliveries"] == 2
    deliver(app)

    # then the receiver got each again with its own webhook-id, signed; four deliveries are listed
    assert receiver.ids()[2] == one and sorted(receiver.ids()[3:]) == sorted([one, two])
    assert len(receiver.requests) == 5 and all(r["verified_by"] for r in receiver.requests)
    listed = api.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", params={"limit": 2}).json()
    assert len(listed["data"]) == 2 and listed["next_cursor"] is not None
    assert listed["data"][0]["requested_by"] == "api:tests"
    # and redelivering to all that take it, or to a disabled endpoint, says what happened
    assert api.post(f"/v1/events/{one}/redeliver").json()["deliveries"][0]["endpoint_id"] == endpoint["id"]
    assert api.post(f"/v1/events/{one}/redeliver").json()["already_waiting"] == [endpoint["id"]]
    api.post(f"/v1/webhook-endpoints/{endpoint['id']}/disable")
    refused = api.post(f"/v1/events/{one}/redeliver", json={"endpoint_id": endpoint["id"]})
    assert refused.status_code == 409 and "enable it first" in refused.json()["detail"]
    assert api.post("/v1/events/evt_nothing/redeliver").status_code == 404


# --- SSRF and bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://127.0.0.1/hooks", "127.0.0.1 is a loopback address"),
        ("https://10.0.0.1/hooks", "10.0.0.1 is a private address"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
        ("https://[::1]/hooks", "::1 is a loopback address"),
        ("https://localhost/hooks", "localhost resolves to"),
    ],
)
def test_r22_ssrf_private_addresses_are_refused_unless_the_setting_allows_them(app, url, said):
    # given the installation's default: private addresses not allowed
    policy = UrlPolicy(https_only=True, allow_private=False)
    with app.db.transaction() as conn, pytest.raises(Exception, match=said) as refused:
        create_endpoint(conn, app.clock.now(), policy, url, [], "", "test")
    assert "FLEETBILL_WEBHOOKS_ALLOW_PRIVATE" in str(refused.value)
    assert counts(app)[0] == 0


def test_r22_ssrf_http_is_refused_outside_test_mode(app):
    policy = UrlPolicy(https_only=True, allow_private=True)
    with app.db.transaction() as conn, pytest.raises(Exception, match="https only"):
        create_endpoint(conn, app.clock.now(), policy, "http://hooks.example.com/in", [], "", "test")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_r22_ssrf_an_address_refused_at_delivery_is_not_connected_to(api, app, receiver, host):
    # given an endpoint on 127.0.0.1 (by address or by name) added while allowed, then the setting
    # turned off, or its name's DNS changed
    endpoint = add_endpoint(api, receiver.url.replace("127.0.0.1", host))
    happen(app, paid())
    strict = Settings(database_url=app.settings.database_url, test_mode=True, webhooks_allow_private=False)
    # when the worker delivers
    report = deliver_webhooks(app.db, app.clock, strict)
    # then nothing reached the receiver, and the attempt says why
    assert report.failed == 1 and receiver.requests == []
    [attempt] = attempts(app)
    assert attempt.status_code is None and "is a loopback address" in attempt.error
    assert attempt.error.startswith("not sent: ")
    assert endpoint["id"]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"url": "https://hooks.example.com/in", "event_types": ["invoice.pied"]}, "event_types"),
        ({"url": "not a url"}, "must start with https://"),
        ({"url": "ftp://hooks.example.com/in"}, "must start with https://"),
        ({"url": "https://user:pw@hooks.example.com/in"}, "no user name or password"),
        ({"url": "https://hooks.example.com/in", "colour": "red"}, "colour"),
        ({"event_types": []}, "url"),
    ],
)
def test_r22_bad_input_is_a_422_that_writes_nothing(api, app, body, said):
    before = counts(app)
    refused = api.post("/v1/webhook-endpoints", json=body)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert said in refused.json()["detail"]
    assert counts(app) == before


def test_r22_endpoints_are_managed_through_the_api_and_a_post_is_safe_to_retry(api, app, receiver):
    # given an endpoint created twice with one Idempotency-Key: one endpoint, the same answer
    headers = {"Idempotency-Key": "create-endpoint-1"}
    body = {"url": receiver.url, "event_types": ["invoice.paid", "account.suspended"], "description": "platform"}
    first = api.post("/v1/webhook-endpoints", json=body, headers=headers)
    second = api.post("/v1/webhook-endpoints", json=body, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    endpoint = first.json()
    assert endpoint["secret"].startswith("whsec_") and len(Webhook(endpoint["secret"])._whsecret) == 32
    assert len(api.get("/v1/webhook-endpoints").json()) == 1
    # when its types and description change (PATCH, or POST), then it is disabled and enabled
    path = f"/v1/webhook-endpoints/{endpoint['id']}"
    changed = api.patch(path, json={"event_types": ["invoice.finalized"], "description": "billing"}).json()
    assert (changed["event_types"], changed["description"]) == (["invoice.finalized"], "billing")
    assert api.post(path, json={"event_types": []}).json()["event_types"] == []
    assert api.post(f"{path}/disable").json()["enabled"] is False
    enabled = api.post(f"{path}/enable").json()
    assert enabled["enabled"] is True and enabled["disabled_reason"] is None
    # and what is unknown is a 404 that says where to look
    missing = api.get("/v1/webhook-endpoints/we_nothing")
    assert missing.status_code == 404 and "GET /v1/webhook-endpoints" in missing.json()["detail"]
    assert "secret" not in api.get(path).json()


# --- the console -----------------------------------------------------------------------------------


@pytest.fixture
def console(app, browser_client):
    from fleetbill.services import staff
    from tests.integration.test_console import log_in

    with app.db.transaction() as conn:
        staff.create_staff(conn, app.clock.now(), "hana@example.jp", "Hana Sato", "correct horse battery staple")
    assert log_in(browser_client).status_code == 303
    return browser_client


@pytest.fixture
def browser_client(app):
    from fastapi.testclient import TestClient

    from fleetbill.entrypoints.api import create_api

    with TestClient(create_api(app), raise_server_exceptions=False) as client:
        yield client


def test_r22_the_console_adds_an_endpoint_showing_its_secret_once_and_manages_it(console, app, receiver):
    import re

    from tests.integration.test_console import post_form

    # given a bad URL: refused with the reason, nothing written
    before = counts(app)
    refused = post_form(console, "/console/webhooks", "/console/webhooks", url="ftp://x.example/in")
    assert refused.status_code == 422 and "must start with https://" in refused.text and counts(app) == before
    # when staff add an endpoint for two types
    added = console.post(
        "/console/webhooks",
        data={
            **_hidden(console, "/console/webhooks"),
            "url": receiver.url,
            "event_types": ["invoice.paid", "account.suspended"],
            "description": "platform",
        },
    )
    # then the answer shows its secret once; the page after does not
    assert added.status_code == 200
    secret = re.search(r'id="secret".*?<code>(whsec_[^<]+)</code>', added.text, re.S).group(1)
    page = console.get("/console/webhooks").text
    assert secret not in page and receiver.url in page and "account.suspended, invoice.paid" in page
    # and a delivery verifies with that secret and is listed with its attempt
    receiver.secrets = [secret]
    happen(app, paid())
    deliver(app)
    assert receiver.requests[0]["verified_by"] == [secret]
    page = console.get("/console/webhooks").text
    assert receiver.ids()[0] in page and "0 waiting, 1 delivered, 0 failed" in page
    # when they rotate the secret, the new one is shown once; the old one keeps signing 24 hours
    [endpoint_id] = re.findall(r'action="/console/webhooks/(we_\w+)/rotate"', page)
    rotated = post_form(console, "/console/webhooks", f"/console/webhooks/{endpoint_id}/rotate")
    new = re.search(r"<code>(whsec_[^<]+)</code>", rotated.text).group(1)
    assert new != secret and "The old secret also signs until" in rotated.text
    # and they redeliver the event, then disable and enable the endpoint
    again = post_form(console, "/console/webhooks", "/console/webhooks/redeliver", event_id=receiver.ids()[0])
    assert again.status_code == 303
    receiver.secrets = [new]
    deliver(app)
    assert receiver.ids()[1] == receiver.ids()[0] and receiver.requests[1]["verified_by"] == [new]
    assert post_form(console, "/console/webhooks", f"/console/webhooks/{endpoint_id}/disable").status_code == 303
    assert "disabled by staff:hana@example.jp" in console.get("/console/webhooks").text
    assert post_form(console, "/console/webhooks", f"/console/webhooks/{endpoint_id}/enable").status_code == 303
    with app.db.read() as conn:
        logged = select(c.audit_log.c.action).where(c.audit_log.c.action.startswith("webhook_endpoint."))
        actions = conn.execute(logged.order_by(c.audit_log.c.id)).scalars().all()
    assert actions == [
        "webhook_endpoint.created",
        "webhook_endpoint.secret_rotated",
        "webhook_endpoint.disabled",
        "webhook_endpoint.enabled",
    ]


def _hidden(client, page: str) -> dict:
    from tests.integration.test_console import form_fields

    return form_fields(client.get(page).text, "/console/webhooks")


def test_r22_the_console_webhooks_page_reads_in_japanese(console):
    console.cookies.set("fleetbill_lang", "ja")
    page = console.get("/console/webhooks", headers={"accept-language": "ja"}).text
    assert "エンドポイントを追加" in page and "イベントを再配信" in page


# --- the worker ------------------------------------------------------------------------------------


def test_r22_the_worker_delivers_every_few_seconds_and_runs_the_due_jobs_only_on_its_interval(
    api, app, receiver, monkeypatch
):
    from fleetbill.entrypoints import worker

    # given an endpoint, and a worker whose clock of hours and sleeps the test drives
    endpoint = add_endpoint(api, receiver.url)
    receiver.secrets = [endpoint["secret"]]
    wall = [1_000_000.0]  # 40 s past a minute
    due_runs, ticks = [], []
    monkeypatch.setattr(worker.time, "time", lambda: wall[0])
    monkeypatch.setattr(worker, "run_due_jobs", lambda *args, **kwargs: due_runs.append(wall[0]))
    monkeypatch.setattr(worker, "_log", lambda report: None)

    def sleep(seconds):
        ticks.append(seconds)
        if len(ticks) == 3:
            with app.db.transaction() as conn:  # an event is recorded while the worker sleeps
                record(conn, app.clock.now(), paid())
        if len(ticks) == 15:  # 75 s of ticks
            raise KeyboardInterrupt
        wall[0] += seconds

    monkeypatch.setattr(worker.time, "sleep", sleep)
    # when it runs for 75 s with the due jobs every minute, ticking every 5 s
    with pytest.raises(KeyboardInterrupt):
        worker.run_worker(app, interval=60)
    # then the event recorded was published and delivered at the next tick, not at the next hour
    assert len(receiver.requests) == 1 and receiver.requests[0]["verified_by"]
    assert set(ticks) == {5}
    # and the due jobs ran at the start and 5 s past the next minute, not at every tick
    assert due_runs == [1_000_000.0, 1_000_025.0]
