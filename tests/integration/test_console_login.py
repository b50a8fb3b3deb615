"""Logging in to the operator's console, after a review: what an attacker can and cannot learn or
do at the login form, and how the operator ends a person's access (issue 4, item 4).

- a CSRF token that is not ASCII is a refusal (403), not a crash (500);
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from fleetbill.adapters.db import schema_console as c
from fleetbill.entrypoints.api import create_api
from fleetbill.entrypoints.cli import app as cli
from fleetbill.services import staff
from tests import factories as f
from tests.pages import open_page, session_csrf

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
