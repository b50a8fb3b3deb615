"""Logging in to the operator's console, after a review: what an attacker can and cannot learn or
do at the login form, and how the operator ends a person's access (issue 4, item 4).

- a CSRF token that is not ASCII is a refusal (403), not a crash (500);
- parallel wrong passwords on PostgreSQL still lock the login after five;
- a locked login, an unknown email and a wrong password get the same answer at the same cost;
- the login page shows no text from its URL, and sends a person only to a /console page;
- `fleetbill staff disable` and `fleetbill staff set-password` end sessions at once;
- FLEETBILL_SECURE_COOKIES marks the console's and the billing page's cookies Secure.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from fleetbill.adapters.db import schema_console as c
from fleetbill.bootstrap import App
from fleetbill.domain.errors import InvalidInput, NotFound
from fleetbill.entrypoints.api import create_api
from fleetbill.entrypoints.cli import app as cli
from fleetbill.services import staff
from fleetbill.settings import Settings
from tests import factories as f
from tests.conftest import on_postgres
from tests.pages import follow_link, open_page, session_csrf

EMAIL, PASSWORD = "hana@example.jp", "correct horse battery staple"
NEW_PASSWORD = "a new passphrase for hana"
REFUSED = "wrong email or password; after 5 wrong tries in a row, wait 15 minutes"


@pytest.fixture
def hana(app):
    with app.db.transaction() as conn:
        return staff.create_staff(conn, app.clock.now(), EMAIL, "Hana Sato", PASSWORD)


@pytest.fixture
def client(app):
    with TestClient(create_api(app), raise_server_exceptions=False) as client:
        yield client


def login_token(client) -> str:
    form = client.get("/console/login")
    assert form.status_code == 200
    return re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)


def log_in(client, email: str = EMAIL, password: str = PASSWORD, next: str = "/console/accounts"):
    data = {"email": email, "password": password, "login_csrf": login_token(client), "next": next}
    return client.post("/console/login", data=data, follow_redirects=False)


def banner(page) -> str:
    """The red banner's text: what the page says went wrong."""
    found = re.search(r'role="alert"><strong>[^<]*</strong>\s*([^<]*)</div>', page.text)
    return found.group(1).strip() if found else ""


def sessions(app) -> int:
    with app.db.read() as conn:
        return conn.execute(select(func.count()).select_from(c.staff_sessions)).scalar()


def run_cli(app, *args: str, password: str | None = None):
    env = {"FLEETBILL_DATABASE_URL": app.settings.database_url}
    if password is not None:
        env["FLEETBILL_STAFF_PASSWORD"] = password
    return CliRunner().invoke(cli, list(args), env=env)


# --- CSRF tokens that are not ASCII -------------------------------------------------------------------


def test_a_login_token_that_is_not_ascii_is_refused_not_a_crash(client, hana):
    login_token(client)  # the form's cookie is there; the posted token is not it
    answer = client.post("/console/login", data={"email": EMAIL, "password": PASSWORD, "login_csrf": "é"})
    assert answer.status_code == 403 and "fleetbill_console" not in answer.cookies


def test_a_console_form_whose_token_is_not_ascii_is_refused_not_a_crash(client, app, hana):
    assert log_in(client).status_code == 303
    assert client.post("/console/logout", data={"csrf": "é"}, follow_redirects=False).status_code == 403
    assert sessions(app) == 1  # still logged in


def test_a_billing_page_form_whose_token_is_not_ascii_is_refused_not_a_crash(api, app):
    f.device_type(app)
    f.plan(app)
    account = f.account(app)
    open_page(api, account)
    assert session_csrf(api)
    refused = api.post("/billing/devices/switch", data={"csrf": "é", "device_ids": [], "active": "false"})
    assert refused.status_code == 403


# --- the lockout --------------------------------------------------------------------------------------


@pytest.mark.skipif(not on_postgres(), reason="parallel logins are a PostgreSQL matter (SQLite has one writer)")
def test_twenty_parallel_wrong_passwords_still_lock_the_login(app, clock, hana):
    barrier = threading.Barrier(20)
    answers, errors = [], []

    def guess(i: int):
        barrier.wait()
        try:
            answers.append(staff.log_in(app.db, clock.now(), EMAIL, f"guess number {i}"))
        except Exception as e:  # pragma: no cover - a failure shows in the assertion below
            errors.append(e)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(answers) == 20 and all(a.refused for a in answers)
    assert staff.log_in(app.db, clock.now(), EMAIL, PASSWORD).refused  # even the right one
    # exactly five were checked against the password; the others found the login locked
    five = ["wrong password"] * 4 + ["wrong password; now locked"]
    assert sorted(a.why for a in answers) == sorted(["locked"] * 15 + five)
    assert staff.log_in(app.db, clock.now() + timedelta(minutes=15, seconds=1), EMAIL, PASSWORD).token


def test_a_locked_login_and_an_unknown_email_get_the_same_answer(client, hana):
    for _ in range(5):
        assert banner(log_in(client, password="guessing again and again")) == REFUSED
    locked = log_in(client)  # the right password, while locked
    unknown = log_in(client, email="nobody@example.jp")
    assert locked.status_code == unknown.status_code == 401
    assert banner(locked) == banner(unknown) == REFUSED


def test_a_locked_login_costs_a_password_check_like_an_unknown_email(app, clock, hana, monkeypatch):
    for _ in range(5):
        staff.log_in(app.db, clock.now(), EMAIL, "guessing again and again")
    checked = []
    real = staff._verify
    monkeypatch.setattr(staff, "_verify", lambda h, p: checked.append(h) or real(h, p))
    assert staff.log_in(app.db, clock.now(), EMAIL, PASSWORD).refused == REFUSED
    assert staff.log_in(app.db, clock.now(), "nobody@example.jp", PASSWORD).refused == REFUSED
    assert checked == [staff._DUMMY, staff._DUMMY]


def test_sign_ins_and_refusals_are_logged_without_the_password(client, hana, caplog):
    caplog.set_level(logging.INFO, logger="fleetbill.console")
    log_in(client, password="my secret guess 1234")
    log_in(client, email="nobody@example.jp", password="my secret guess 1234")
    log_in(client)
    said = [r.getMessage() for r in caplog.records if r.name == "fleetbill.console"]
    assert len(said) == 3
    # A refusal names the login by its id, never by what was typed (issue 8, item 11).
    assert hana.id in said[0] and "refused" in said[0] and "wrong password" in said[0] and EMAIL not in said[0]
    assert "nobody@example.jp" not in said[1] and "refused" in said[1] and "unknown email" in said[1]
    assert EMAIL in said[2] and "logged in" in said[2]
    assert not any("my secret guess" in s or PASSWORD in s for s in said)


# --- what the login page takes from its URL ------------------------------------------------------------


def test_the_login_page_shows_no_text_and_no_status_from_its_url(client, hana):
    page = client.get("/console/login", params={"status": "418", "error": "Call 0120-000-000 to unlock"})
    assert page.status_code == 200
    assert "Call 0120" not in page.text and banner(page) == ""  # (the language link keeps it, URL-encoded)


@pytest.mark.parametrize(
    "next",
    [
        "//evil.example/console",
        "https://evil.example/console",
        "javascript:alert(1)//console",
        "/\\evil.example",
        "/console\\@evil.example",
        "/console/\\\\evil.example",
        "/\t/evil.example/console",
        "/console@evil.example",
        "/consolex",
        "/console/../billing",
        "/console/%2e%2e/billing",
        "",
    ],
)
def test_after_logging_in_a_person_goes_only_to_a_console_page(client, hana, next):
    assert log_in(client, next=next).headers["location"] == "/console"


def test_a_console_page_and_its_query_are_where_the_login_goes_next(client, hana):
    answer = log_in(client, next="/console/invoices?status=open&page=2")
    assert answer.headers["location"] == "/console/invoices?status=open&page=2"


def test_the_login_form_keeps_only_a_console_page_as_next(client, hana):
    page = client.get("/console/login", params={"next": "//evil.example"})
    assert re.search(r'name="next" value="([^"]*)"', page.text).group(1) == "/console"


def test_the_redirect_to_the_login_keeps_the_pages_query(client, hana):
    sent = client.get("/console/invoices", params={"status": "open", "page": "2"}, follow_redirects=False)
    assert sent.status_code == 303
    form = client.get(sent.headers["location"]).text
    next = re.search(r'name="next" value="([^"]*)"', form).group(1).replace("&amp;", "&")
    assert log_in(client, next=next).headers["location"] == "/console/invoices?status=open&page=2"


# --- ending a person's access ------------------------------------------------------------------------


def test_a_disabled_person_cannot_log_in_and_their_open_session_stops_at_once(client, app, hana):
    assert log_in(client).status_code == 303
    assert client.get("/console/accounts").status_code == 200
    done = run_cli(app, "staff", "disable", "Hana@Example.jp")
    assert done.exit_code == 0, done.output
    assert "hana@example.jp can no longer log in" in done.output and "1 session ended" in done.output
    assert sessions(app) == 0
    assert client.get("/console/accounts", follow_redirects=False).status_code == 303
    refused = log_in(client)
    assert refused.status_code == 401 and banner(refused) == REFUSED


def test_disabling_someone_who_is_not_staff_says_so(app, hana):
    done = run_cli(app, "staff", "disable", "nobody@example.jp")
    assert done.exit_code == 2 and "nobody@example.jp has no console login" in done.output
    with app.db.transaction() as conn, pytest.raises(NotFound):
        staff.disable_staff(conn, app.clock.now(), "nobody@example.jp")


def test_a_new_password_replaces_the_old_one_clears_the_lock_and_ends_sessions(client, app, hana):
    assert log_in(client).status_code == 303
    other = TestClient(client.app)
    for _ in range(5):
        log_in(other, password="guessing again and again")  # locked now
    done = run_cli(app, "staff", "set-password", EMAIL, password=NEW_PASSWORD)
    assert done.exit_code == 0, done.output
    assert "hana@example.jp has a new password" in done.output and "1 session ended" in done.output
    assert client.get("/console/accounts", follow_redirects=False).status_code == 303  # logged out
    assert banner(log_in(client)) == REFUSED  # the old password
    assert log_in(client, password=NEW_PASSWORD).status_code == 303  # at once: the lock is cleared


def test_a_new_password_that_is_too_short_is_refused_and_changes_nothing(client, app, hana):
    done = run_cli(app, "staff", "set-password", EMAIL, password="short")
    assert done.exit_code == 2 and "at least 12 characters" in done.output
    assert log_in(client).status_code == 303


def test_a_new_password_is_asked_for_twice_when_not_given(app, hana):
    env = {"FLEETBILL_DATABASE_URL": app.settings.database_url}
    done = CliRunner().invoke(cli, ["staff", "set-password", EMAIL], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n", env=env)
    assert done.exit_code == 0, done.output
    assert staff.log_in(app.db, app.clock.now(), EMAIL, NEW_PASSWORD).token


def test_a_staff_email_longer_than_90_characters_is_refused(app):
    long = "a" * 80 + "@example.jp"  # 91 characters: "staff:" + it would not fit the audit log's actor
    with app.db.transaction() as conn, pytest.raises(InvalidInput, match="at most 90 characters"):
        staff.create_staff(conn, app.clock.now(), long, "Long Name", PASSWORD)
    done = run_cli(app, "staff", "create", long, "--name", "Long Name", password=PASSWORD)
    assert done.exit_code == 2 and "at most 90 characters" in done.output
    with app.db.transaction() as conn:
        assert staff.create_staff(conn, app.clock.now(), long[1:], "Long Name", PASSWORD).actor == f"staff:{long[1:]}"


# --- Secure cookies behind a TLS proxy ----------------------------------------------------------------


def test_secure_cookies_is_a_setting_and_off_by_default(monkeypatch):
    monkeypatch.delenv("FLEETBILL_SECURE_COOKIES", raising=False)
    assert Settings.from_env().secure_cookies is False
    monkeypatch.setenv("FLEETBILL_SECURE_COOKIES", "true")
    assert Settings.from_env().secure_cookies is True


def _set_cookies(answer) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in answer.headers.get_list("set-cookie")}


def test_over_http_the_cookies_are_not_secure_by_default(client, hana):
    assert "secure" not in _set_cookies(client.get("/console/login"))["fleetbill_console_login"].lower()
    assert "secure" not in _set_cookies(log_in(client))["fleetbill_console"].lower()


def test_secure_cookies_are_secure_even_when_the_proxy_speaks_http(app, hana):
    secure = App(dataclasses.replace(app.settings, secure_cookies=True), app.db, app.clock, app.gateway)
    with TestClient(create_api(secure), raise_server_exceptions=False) as client:
        form = client.get("/console/login")
        assert "; secure" in _set_cookies(form)["fleetbill_console_login"].lower()
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
        answer = client.post(  # the browser sends a Secure cookie over TLS, to the proxy
            "/console/login",
            data={"email": EMAIL, "password": PASSWORD, "login_csrf": token},
            headers={"Cookie": f"fleetbill_console_login={token}"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert "; secure" in _set_cookies(answer)["fleetbill_console"].lower()
        # the billing page's session cookie too
        from fleetbill.services.api_keys import create_api_key

        with app.db.transaction() as conn:
            _, key = create_api_key(conn, app.clock.now(), "tests")
        f.device_type(app)
        f.plan(app)
        account = f.account(app)
        link = client.post(f"/v1/accounts/{account}/billing-links", headers={"Authorization": f"Bearer {key}"})
        opened = follow_link(client, link.json()["url"])
        assert opened.status_code == 303
        assert "; secure" in _set_cookies(opened)["fleetbill_billing"].lower()


def test_no_lock_is_held_while_a_password_is_checked(app, clock, hana, monkeypatch):
    # while the (deliberately slow) hash check of a login runs, another writer is not kept waiting
    checking, release = threading.Event(), threading.Event()
    real = staff._verify

    def slow(password_hash, password):
        checking.set()
        release.wait(10)
        return real(password_hash, password)

    monkeypatch.setattr(staff, "_verify", slow)
    login = threading.Thread(target=staff.log_in, args=(app.db, clock.now(), EMAIL, PASSWORD))
    login.start()
    assert checking.wait(10)
    started = time.monotonic()
    with app.db.transaction() as conn:  # a write, e.g. a points grant elsewhere
        conn.execute(update(c.staff_users).where(c.staff_users.c.email == "nobody").values(name="x"))
    waited = time.monotonic() - started
    release.set()
    login.join(10)
    assert waited < 1.0


def test_the_right_password_on_the_fifth_try_logs_in_and_clears_the_count(app, clock, hana):
    for _ in range(4):
        assert staff.log_in(app.db, clock.now(), EMAIL, "guessing again and again").why == "wrong password"
    assert staff.log_in(app.db, clock.now(), EMAIL, PASSWORD).token
    for _ in range(4):  # four more wrong ones do not lock: the count started again
        assert staff.log_in(app.db, clock.now(), EMAIL, "guessing again and again").why == "wrong password"
