"""Every date a person reads is the account's own day on its pages, emails and the demo's summary,
and the operator's in the console (FLEETBILL_OPERATOR_TIMEZONE, default Asia/Tokyo); stored
instants stay UTC. Each case below is a date that read as UTC's before.

A Tokyo account signs up at 2026-01-05T03:00Z with one ESP32 (100 JPY) and a card that is
declined. January ends in Tokyo at 2026-01-31T15:00Z; the due jobs run at 2026-01-31T16:00Z,
01:00 on Feb 1 in Tokyo (still Jan 31 in UTC): the first try fails, and the next one is 3 days
later, 2026-02-03T16:00Z, which is 01:00 on Feb 4 in Tokyo (Feb 3 in UTC) (R19).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import select

from fleetbill.adapters.db import schema_console as c
from fleetbill.entrypoints import demo
from fleetbill.entrypoints.api import create_api
from fleetbill.services import staff
from fleetbill.services.points import grant_points
from fleetbill.services.send_notifications import claim_query, compose
from fleetbill.settings import Settings
from tests import factories as f
from tests.integration.test_console import EMAIL, PASSWORD, log_in, post_form
from tests.pages import open_page

DECLINES = "4000 0000 0000 0341"
ONE_AM_FEB_1_TOKYO = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)


@pytest.fixture
def settings(database_url, request) -> Settings:
    """The operator's zone is the default (Tokyo) unless a test passes another one."""
    return Settings(
        database_url=database_url, test_mode=True, operator_timezone=getattr(request, "param", "Asia/Tokyo")
    )


@pytest.fixture
def dunning(api, app, clock) -> str:
    """The Tokyo account above, its January's first try declined at 01:00 on Feb 1 in Tokyo."""
    f.device_type(app)
    f.plan(app)
    account = f.account(app, name="Sakura Robotics")
    f.devices(app, account, 1)
    token = api.post("/v1/sandbox/tokens", json={"number": DECLINES, "exp_month": 12, "exp_year": 2030, "cvc": "123"})
    assert api.post(f"/v1/accounts/{account}/cards", json={"token": token.json()["token"]}).status_code == 201
    assert api.post("/v1/test-clock", json={"now": ONE_AM_FEB_1_TOKYO.isoformat()}).status_code == 200
    assert api.post("/v1/test-clock/run-due-jobs").status_code == 200
    return account


def test_r19_r20_the_billing_page_says_the_next_try_on_the_accounts_day(api, app, dunning):
    # when the account opens its billing page
    open_page(api, dunning)
    html = api.get("/billing").text
    # then the retry at 01:00 on Feb 4 in Tokyo is "2026-02-04", not UTC's Feb 3
    assert "try again on 2026-02-04" in html
    assert "2026-02-03" not in html


def test_r16_r20_r21_the_points_ledger_and_a_devices_key_date_are_the_accounts_day(api, app, clock, dunning):
    # given points granted and a device registered at 00:30 on Feb 4 in Tokyo (Feb 3 in UTC)
    clock.set(datetime(2026, 2, 3, 15, 30, tzinfo=UTC))
    with app.db.transaction() as conn:
        grant_points(conn, clock.now(), dunning, 200, "welcome", "test")
    f.devices(app, dunning, 1)
    open_page(api, dunning)
    # then both say Feb 4
    points = api.get("/billing").text.split('id="points"')[1]
    assert re.search(r"<td>2026-02-04</td><td>Granted</td><td>welcome</td>", points)
    assert "issued 2026-02-04" in api.get("/billing/devices").text


def test_r19_the_payment_failed_email_says_the_next_try_on_the_accounts_clock(app, dunning):
    # when the outbox's payment_failed notice is written as an email
    with app.db.read() as conn:
        rows = [r for r in conn.execute(claim_query(ONE_AM_FEB_1_TOKYO, True, 0, 100)) if "failed" in r.subject]
    body = compose(rows[0], "billing@fleetbill.localhost").get_body(("plain",)).get_content()
    # then its next try reads 01:00 on Feb 4, Tokyo time, never UTC's ISO text
    assert "next try at: 2026-02-04 01:00 (Asia/Tokyo)" in body
    assert "2026-02-03T16:00" not in body


def test_r19_the_demos_summary_says_the_next_try_on_the_accounts_day(app, dunning):
    out = Console(record=True, width=120)
    demo._print_accounts(app, out)
    assert "we try again on 2026-02-04" in " ".join(out.export_text().split())  # the billing state's sentence


# --- the console: the operator's zone -----------------------------------------------------------


@pytest.fixture
def console(app, clock):
    with app.db.transaction() as conn:
        staff.create_staff(conn, clock.now(), EMAIL, "Hana Sato", PASSWORD)
    f.device_type(app)
    f.plan(app)
    with TestClient(create_api(app), raise_server_exceptions=False) as client:
        assert log_in(client).status_code == 303
        yield client


def test_the_console_shows_an_audit_entrys_instants_and_a_tax_rate_in_the_operators_zone(console, app):
    # given points granted from the console, expiring on 2026-03-01 (00:00 in Tokyo, stored as
    # 2026-02-28T15:00Z), at 2026-01-05T03:00Z (12:00 in Tokyo)
    account = f.account(app, name="Kyoto Sensors")
    page = f"/console/accounts/{account}"
    done = post_form(console, page, f"{page}/points", amount="100", reason="goodwill", expires_on="2026-03-01")
    assert done.status_code == 303
    with app.db.read() as conn:
        stored = json.loads(conn.execute(select(c.audit_log.c.details)).all()[-1].details)
    assert datetime.fromisoformat(stored["expires_at"]) == datetime(2026, 2, 28, 15, tzinfo=UTC)

    # then the audit log shows the entry and its expiry in Tokyo time, without an offset, and says so
    audit = console.get("/console/audit").text
    assert '<td class="when">2026-01-05 12:00:00</td>' in audit
    assert "expires_at: 2026-03-01 00:00:00; grant:" in audit
    assert "When (Asia/Tokyo)" in audit and "Dates and times are in Asia/Tokyo." in audit
    # and Japan's 10% from 2019-10-01 reads as that day, not as "2019-10-01T00:00:00+09:00"
    tax = console.get("/console/tax-rates").text
    assert "<td>JP</td>" in tax and "<td>2019-10-01 00:00</td>" in tax and "T00:00:00+09:00" not in tax


@pytest.mark.parametrize("settings", ["America/New_York"], indirect=True)
def test_the_operators_zone_is_one_setting(console, app):
    # given FLEETBILL_OPERATOR_TIMEZONE=America/New_York, and a grant at 2026-01-05T03:00Z (22:00 on
    # Jan 4 in New York) expiring on a day typed in the console: that day starts in New York
    account = f.account(app, name="Kyoto Sensors")
    page = f"/console/accounts/{account}"
    assert (
        post_form(console, page, f"{page}/points", amount="100", reason="x", expires_on="2026-03-01").status_code == 303
    )
    with app.db.read() as conn:
        stored = json.loads(conn.execute(select(c.audit_log.c.details)).all()[-1].details)
    assert datetime.fromisoformat(stored["expires_at"]) == datetime(2026, 3, 1, 5, tzinfo=UTC)  # 00:00 in New York

    # then every date and time in the console is New York's
    audit = console.get("/console/audit").text
    assert '<td class="when">2026-01-04 22:00:00</td>' in audit and "expires_at: 2026-03-01 00:00:00; grant:" in audit
    assert "Dates and times are in America/New_York." in audit
    assert "<td>2019-09-30 11:00</td>" in console.get("/console/tax-rates").text  # 00:00 in Tokyo


def test_the_console_prints_a_subdivision_once_not_its_country_twice(console, app):
    account = f.account(app, name="Okinawa Buoy Lab", subdivision="JP-47")
    html = console.get(f"/console/accounts/{account}").text
    assert "JP-47, Asia/Tokyo" in html and "JP-JP-47" not in html
