"""Issue 8's security review: what a login form's typer, a log reader, a webhook sender or another
account must not get (items 9, 10, 11 and 13). Real SQLite or PostgreSQL, a served app for the
access log."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import requests
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fleetbill.adapters.db.schema_access import used_billing_links
from fleetbill.adapters.db.schema_payments import cards
from fleetbill.adapters.gateway import InvalidWebhook, SandboxGateway
from fleetbill.bootstrap import build
from fleetbill.entrypoints.api import create_api
from fleetbill.domain.errors import InvalidInput
from fleetbill.services import cards as card_service
from fleetbill.services import staff
from fleetbill.services.api_keys import create_api_key
from tests import factories as f
from tests.pages import follow_link, open_page, session_csrf

STAFF_EMAIL, STAFF_PASSWORD = "hana@example.jp", "correct horse battery staple"
TYPED_PASSWORD = "Correct-Horse-Battery-42"


@pytest.fixture
def console(app):
    with app.db.transaction() as conn:
        hana = staff.create_staff(conn, app.clock.now(), STAFF_EMAIL, "Hana Sato", STAFF_PASSWORD)
    with TestClient(create_api(app), raise_server_exceptions=False) as client:
        yield client, hana


def _console_log_in(client, email: str, password: str):
    form = client.get("/console/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    data = {"email": email, "password": password, "login_csrf": token, "next": "/console"}
    return client.post("/console/login", data=data, follow_redirects=False)


def _logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)


# --- item 11: nothing typed into the login form reaches the log --------------------------------------


@pytest.mark.parametrize("email", [TYPED_PASSWORD, STAFF_EMAIL.upper(), "nobody@example.jp"])
def test_a_refused_console_login_logs_nothing_that_was_typed(console, caplog, email):
    """A password typed into the email field (or any email typed) is never written to a log line;
    a refusal of an existing login names its staff id."""
    client, hana = console
    caplog.set_level(logging.DEBUG)

    refused = _console_log_in(client, email, TYPED_PASSWORD)

    assert refused.status_code == 401
    logged = _logged(caplog)
    assert "console login refused" in logged
    assert TYPED_PASSWORD not in logged and email not in logged and email.lower() not in logged
    assert (hana.id in logged) == (email == STAFF_EMAIL.upper())


def test_a_console_sign_in_logs_the_login_not_the_password(console, caplog):
    client, hana = console
    caplog.set_level(logging.DEBUG)

    assert _console_log_in(client, STAFF_EMAIL, STAFF_PASSWORD).status_code == 303

    logged = _logged(caplog)
    assert f"{STAFF_EMAIL} logged in" in logged and STAFF_PASSWORD not in logged


# --- item 10: a billing link opens one session, once, and no log line holds its token -------------------


@pytest.fixture
def acme(app):
    f.device_type(app)
    f.plan(app)
    return f.account(app)


def _used_links(app) -> int:
    with app.db.read() as conn:
        return conn.execute(select(func.count()).select_from(used_billing_links)).scalar()


def test_r20_a_billing_link_carries_its_token_after_the_hash_never_in_the_request(api, acme):
    url = api.post(f"/v1/accounts/{acme}/billing-links").json()["url"]

    address, _, token = url.partition("#")
    assert address == "http://testserver/billing/open" and "?" not in url and len(token) > 40


def test_r20_a_billing_link_opens_one_session_and_a_second_use_is_a_page_saying_so(api, app, acme):
    # given a link the account's user opened
    url = api.post(f"/v1/accounts/{acme}/billing-links").json()["url"]
    assert follow_link(api, url).headers["location"] == "/billing"
    assert api.get("/billing").status_code == 200

    # when the same link is used again from another browser (a copy from a log, a history, an email)
    with TestClient(api.app, raise_server_exceptions=False) as other:
        again = follow_link(other, url)

        # then it gets a page that says the link was used and to ask for a new one, and no session
        assert again.status_code == 410 and again.headers["content-type"].startswith("text/html")
        assert "already used" in again.text and "Ask for a new one" in again.text
        assert other.get("/billing").status_code == 401
    assert _used_links(app) == 1


def test_r20_the_browser_that_opened_a_link_going_back_to_it_stays_in(api, acme):
    url = api.post(f"/v1/accounts/{acme}/billing-links").json()["url"]
    follow_link(api, url)

    back = follow_link(api, url)

    assert back.status_code == 303 and back.headers["location"] == "/billing"


def test_r20_a_link_posted_from_another_site_opens_nothing(api, acme):
    url = api.post(f"/v1/accounts/{acme}/billing-links").json()["url"]
    token = url.partition("#")[2]

    refused = api.post("/billing/open", data={"token": token}, headers={"Sec-Fetch-Site": "cross-site"})

    assert refused.status_code == 403 and api.get("/billing").status_code == 401


def test_r20_links_work_across_processes_without_fleetbill_secret_key(settings):
    """Without FLEETBILL_SECRET_KEY each process used to make its own key: a link made by one web
    worker did not open in another. The installation's key is kept in the database instead."""
    first, second = build(settings), build(settings)
    assert first.settings.secret_key and first.settings.secret_key == second.settings.secret_key
    with _client(first) as making, _client(second) as opening:
        f.device_type(first)
        f.plan(first)
        account = f.account(first)
        url = making.post(f"/v1/accounts/{account}/billing-links").json()["url"]
        assert follow_link(opening, url).status_code == 303


def _client(app) -> TestClient:
    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), "tests")
    client = TestClient(create_api(app), raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


@pytest.fixture
def served(database_url, tmp_path):
    """`fleetbill serve --test-mode` in its own process on the test's database; yields its base URL and
    the file its output (fleetbill's log and uvicorn's access log) goes to."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    output = tmp_path / "serve.log"
    env = {**os.environ, "FLEETBILL_DATABASE_URL": database_url}
    env.pop("FLEETBILL_SECRET_KEY", None)
    with output.open("wb") as sink:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("fleetbill")), "serve", "--port", str(port), "--test-mode"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server, output)
        yield base, output
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(base: str, server: subprocess.Popen, output, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"fleetbill serve exited:\n{output.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    pytest.fail(f"fleetbill serve did not answer:\n{output.read_text()}")


def test_r20_access_no_billing_link_token_is_in_the_served_access_log(app, acme, served):
    """The access log of a real `fleetbill serve`: a link's token is never in it, whether the link is
    opened as links are now (token after `#`, posted by the page) or with the old `?token=`."""
    base, output = served
    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), "tests")
    operator = {"Authorization": f"Bearer {key}"}
    links = [requests.post(f"{base}/v1/accounts/{acme}/billing-links", headers=operator).json() for _ in range(2)]
    tokens = [link["url"].partition("#")[2] for link in links]

    with requests.Session() as browser:
        assert browser.get(f"{base}/billing/open").status_code == 200  # what the browser asks for: no token
        opened = browser.post(f"{base}/billing/open", data={"token": tokens[0]}, allow_redirects=False)
        assert opened.status_code == 303
        assert browser.get(f"{base}/billing/open?token={tokens[1]}").status_code == 200  # an old-style link's page
        assert browser.get(f"{base}/billing").status_code == 200

    logged = _served_log(output, "GET /billing HTTP")
    assert "POST /billing/open HTTP/1.1" in logged and "/billing/open?token=[redacted]" in logged
    assert not any(token in logged or token[:20] in logged for token in tokens)


def _served_log(output, last_line: str, seconds: float = 5.0) -> str:
    """The server's output once `last_line` is in it (uvicorn writes the access line after answering)."""
    deadline = time.monotonic() + seconds
    while last_line not in (text := output.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return text


# --- item 13: webhooks that cannot be read, and the sandbox's secret ---------------------------------------


def test_r19_account_updater_a_signed_webhook_nesting_100000_arrays_is_a_400_not_a_500(api, app):
    body = b"[" * 100_000 + b"]" * 100_000

    answer = api.post("/v1/webhooks/sandbox", content=body, headers=app.gateway.signed_headers(body))

    assert answer.status_code == 400 and answer.headers["content-type"] == "application/problem+json"
    assert "nests too deeply" in answer.json()["detail"] and "nothing was done" in answer.json()["detail"]


@pytest.mark.parametrize("body", [b"{nope", b"[]", b"null", "\u00ff".encode()])
def test_r19_account_updater_any_webhook_body_that_cannot_be_read_is_a_400(api, app, body):
    answer = api.post("/v1/webhooks/sandbox", content=body, headers=app.gateway.signed_headers(body))

    assert answer.status_code == 400 and answer.json()["title"] == "Webhook refused"


PUBLISHED_SANDBOX_SECRET = "whsec_c2FuZGJveC13ZWJob29rLXNlY3JldC1mb3ItZGVtbw=="  # was in settings.py


def test_r19_account_updater_the_sandbox_webhook_secret_is_the_installations_own(settings, monkeypatch):
    """The sandbox's webhook secret was a fixed string in the code, so anyone could sign events for
    any installation. It is now derived from the installation's secret key."""
    monkeypatch.delenv("FLEETBILL_SANDBOX_WEBHOOK_SECRET", raising=False)
    built, again = build(settings), build(settings)
    secret = built.settings.sandbox_webhook_secret

    assert secret.startswith("whsec_") and secret != PUBLISHED_SANDBOX_SECRET
    assert again.settings.sandbox_webhook_secret == secret  # the worker and the server agree
    assert build(replace(settings, secret_key="another installation")).settings.sandbox_webhook_secret != secret
    forged = SandboxGateway(PUBLISHED_SANDBOX_SECRET).account_updater_event("pm_sb_x", "1881", 1, 2030)
    with pytest.raises(InvalidWebhook):
        built.gateway.parse_webhook(*forged)
    assert SandboxGateway().signed_headers(b"{}") != SandboxGateway().signed_headers(b"{}")


# --- item 9: a card token is its own account's, at the gateway and in fleetbill ------------------------

VISA = "4242 4242 4242 4242"


@pytest.fixture
def two_accounts(app):
    f.device_type(app)
    f.plan(app)
    return f.account(app, name="Acme"), f.account(app, name="Mallory")


def _cards(app, account_id: str) -> list[tuple[str, str]]:
    with app.db.read() as conn:
        rows = conn.execute(select(cards.c.last4, cards.c.token).where(cards.c.account_id == account_id)).all()
    return [tuple(r) for r in rows]


def _form_token(client, number: str = VISA) -> str:
    """What the card form's script does: the card, with the form's setup secret, to the sandbox's token endpoint."""
    form = client.get("/billing/cards/new").text
    setup = re.search(r'data-setup="([^"]+)"', form).group(1)
    card = dict(number=number, exp_month=12, exp_year=2030, cvc="123", setup=setup)
    answer = client.post("/sandbox-gateway/v1/tokens", json=card)
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def _post_card(client, token: str):
    return client.post("/billing/cards", data={"csrf": session_csrf(client), "token": token}, follow_redirects=False)


def test_r17_the_billing_page_refuses_a_card_token_another_account_added(api, app, two_accounts):
    # given: Acme added its card through its billing page
    acme, mallory = two_accounts
    open_page(api, acme)
    token = _form_token(api)
    assert _post_card(api, token).status_code == 303
    # when: Mallory's session posts Acme's token to its own page
    with TestClient(api.app, raise_server_exceptions=False) as theirs:
        theirs.headers.update(api.headers)
        open_page(theirs, mallory)
        refused = _post_card(theirs, token)
    # then: refused on the page, with what to do; Mallory has no card, Acme keeps its own, nothing charged
    assert refused.status_code == 422 and "belongs to another account" in refused.text
    assert _cards(app, mallory) == [] and _cards(app, acme) == [("4242", token)]
    assert app.gateway.charges == ()


def test_r17_a_token_made_by_one_accounts_card_form_is_refused_for_another_before_any_use(api, app, two_accounts):
    """The gateway's side: a token from Acme's form (its setup) belongs to Acme's customer even
    before Acme posts it; Mallory posting it first gets nothing."""
    acme, mallory = two_accounts
    open_page(api, acme)
    token = _form_token(api)
    with TestClient(api.app, raise_server_exceptions=False) as theirs:
        theirs.headers.update(api.headers)
        open_page(theirs, mallory)
        refused = _post_card(theirs, token)
    assert refused.status_code == 422 and "belongs to another account" in refused.text
    assert _cards(app, mallory) == []
    assert _post_card(api, token).status_code == 303 and _cards(app, acme) == [("4242", token)]


def test_r17_the_api_refuses_a_card_token_of_another_account(api, app, two_accounts):
    acme, mallory = two_accounts
    token = app.gateway.tokenize(VISA, 12, 2030, "123")
    assert api.post(f"/v1/accounts/{acme}/cards", json={"token": token}).status_code == 201

    refused = api.post(f"/v1/accounts/{mallory}/cards", json={"token": token})

    assert refused.status_code == 422 and "belongs to another account" in refused.json()["detail"]
    assert _cards(app, mallory) == []


class _GatewayThatAttachesAnything(SandboxGateway):
    """A gateway that would let any customer take any card: fleetbill must not rely on it."""

    def card_owner(self, token: str) -> str | None:
        return None

    def attach_card(self, customer: str, token: str, idempotency_key: str):
        self._owners.clear()
        return super().attach_card(customer, token, idempotency_key)


@pytest.mark.parametrize("removed", [False, True], ids=["on file", "removed since"])
def test_r17_fleetbill_refuses_another_accounts_token_whatever_the_gateway_says(app, two_accounts, removed):
    acme, mallory = two_accounts
    lax = replace(app, gateway=_GatewayThatAttachesAnything())
    token = lax.gateway.tokenize(VISA, 12, 2030, "123")
    card = card_service.add_card(lax.db, lax.gateway, lax.clock, acme, token)
    if removed:  # (a paid plan keeps a card: Acme adds its next one first)
        card_service.add_card(lax.db, lax.gateway, lax.clock, acme, lax.gateway.tokenize(VISA, 1, 2031, "123"))
        card_service.remove_and_detach(lax.db, lax.gateway, lax.clock, acme, card.id)

    with pytest.raises(InvalidInput, match="belongs to another account"):
        card_service.add_card(lax.db, lax.gateway, lax.clock, mallory, token)
    assert _cards(app, mallory) == []


def test_r17_the_sandbox_token_endpoint_refuses_a_setup_secret_it_did_not_make(api, app, two_accounts):
    acme, _ = two_accounts
    forged = SandboxGateway().card_setup_secret("cus_sb_someone", "x")
    card = dict(number=VISA, exp_month=12, exp_year=2030, cvc="123", setup=forged)

    answer = api.post("/sandbox-gateway/v1/tokens", json=card)

    assert answer.status_code == 400 and "reload the page" in answer.json()["error"]["message"]
