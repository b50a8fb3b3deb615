"""Issue 8's security review: what a login form's typer, a log reader, a webhook sender or another
account must not get (items 9, 10, 11 and 13). Real SQLite or PostgreSQL, a served app for the
access log."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

from fleetbill.entrypoints.api import create_api
from fleetbill.services import staff

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
