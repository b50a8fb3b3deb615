"""The operator's console (issue 4, item 4): staff log in with a password (argon2id), and from it
search accounts, record bank transfers (R18), grant points (R16), announce prices with the
notice check (R9), add tax rates (R12, R13), run the close and the collection (R15), see the
suspended accounts (R19) and the audit log. Every refusal is a 4xx page that changes nothing.

Catalog: esp32 at 100 JPY a device a month; Japan's 10%. Accounts in Tokyo, signed up at
2026-01-05T03:00Z; January closes after 2026-01-31T15:00Z. Kyoto Sensors has 3 devices all
January and pays by bank transfer: its January invoice is 3 x 100 + 10% = 330 JPY.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_console as c
from fleetbill.adapters.db import schema_payments as p
from fleetbill.domain.catalog import Plan
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.rating import Tier
from fleetbill.entrypoints.api import create_api
from fleetbill.services import catalog, staff
from fleetbill.services.bank_transfer import set_collection_method
from fleetbill.services.points import points_view
from tests import factories as f
from tests.pages import follow_link

FEB_1 = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)
EMAIL, PASSWORD = "hana@example.jp", "correct horse battery staple"


@pytest.fixture
def books(app, clock):
    """Two accounts: Kyoto Sensors (3 devices, pays by transfer) and Sakura Robotics (1 device)."""
    f.device_type(app)
    f.plan(app, "invoiced", allow_bank_transfer=True)
    with app.db.transaction() as conn:
        staff.create_staff(conn, clock.now(), EMAIL, "Hana Sato", PASSWORD)
    f.plan(app, "basic")
    kyoto = f.account(app, "invoiced", name="Kyoto Sensors")
    sakura = f.account(app, "basic", name="Sakura Robotics")
    f.devices(app, kyoto, 3)
    f.devices(app, sakura, 1)
    with app.db.transaction() as conn:
        set_collection_method(conn, clock.now(), kyoto, "bank_transfer", "test")
    return {"kyoto": kyoto, "sakura": sakura}


@pytest.fixture
def browser_client(app):
    with TestClient(create_api(app), raise_server_exceptions=False) as client:
        yield client


def log_in(client, email: str = EMAIL, password: str = PASSWORD):
    form = client.get("/console/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    return client.post(
        "/console/login",
        data={"email": email, "password": password, "login_csrf": token, "next": "/console/accounts"},
        follow_redirects=False,
    )


@pytest.fixture
def console(browser_client, books):
    assert log_in(browser_client).status_code == 303
    return browser_client


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields (csrf, nonce) of the form posting to `action`."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def post_form(client, page: str, action: str, **fields):
    hidden = form_fields(client.get(page).text, action)
    return client.post(action, data=hidden | fields, follow_redirects=False)


def january_invoice(app, account_id: str):
    with app.db.read() as conn:
        return conn.execute(select(t.invoices).where(t.invoices.c.account_id == account_id)).one()


def travel(console, clock, to: datetime) -> None:
    """Move the clock; a console session lasts 8 hours, so log in again after."""
    clock.set(to)
    assert log_in(console).status_code == 303


def close_january(console, clock) -> str:
    travel(console, clock, FEB_1)
    done = post_form(console, "/console/jobs", "/console/jobs/close")
    assert done.status_code == 200
    return re.search(r'id="result">([^<]+)<', done.text).group(1)


def audit_rows(app) -> list:
    with app.db.read() as conn:
        return conn.execute(select(c.audit_log).order_by(c.audit_log.c.id)).all()


# --- logging in -------------------------------------------------------------------------------------


def test_the_password_is_stored_as_an_argon2id_hash_never_as_itself(app, books):
    with app.db.read() as conn:
        stored = conn.execute(select(c.staff_users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(browser_client, books):
    wrong = log_in(browser_client, password="not the password at all")
    unknown = log_in(browser_client, email="nobody@example.jp")
    assert wrong.status_code == unknown.status_code == 401
    assert "wrong email or password" in wrong.text and "wrong email or password" in unknown.text
    assert "fleetbill_console" not in wrong.cookies


def test_five_wrong_passwords_lock_the_login_for_15_minutes(browser_client, clock, books):
    for _ in range(5):
        assert log_in(browser_client, password="guessing again and again").status_code == 401
    locked = log_in(browser_client)  # even the right password
    assert locked.status_code == 401 and "15 minutes" in locked.text
    clock.set(clock.now() + timedelta(minutes=15, seconds=1))
    assert log_in(browser_client).status_code == 303


def test_pages_need_a_staff_session_and_neither_a_billing_session_nor_an_api_key_is_one(api, browser_client, books):
    assert browser_client.get("/console/accounts", follow_redirects=False).headers["location"] == (
        "/console/login?next=/console/accounts"
    )
    refused = browser_client.post(f"/console/accounts/{books['kyoto']}/points", data={"amount": "100"})
    assert refused.status_code == 401
    # a customer's billing-page session (and the operator's API key) opens the billing page, not the console
    link = api.post(f"/v1/accounts/{books['kyoto']}/billing-links").json()["url"]
    assert follow_link(api, link, follow_redirects=True).status_code == 200
    assert api.get("/console/invoices", follow_redirects=False).status_code == 303
    assert api.post("/console/jobs/close", data={"csrf": "x"}).status_code == 401


def test_logging_out_ends_the_session_on_the_server(console, app):
    cookie = console.cookies.get("fleetbill_console")
    assert post_form(console, "/console/accounts", "/console/logout").status_code == 303
    console.cookies.set("fleetbill_console", cookie, path="/console")  # a stolen copy of the cookie
    assert console.get("/console/accounts", follow_redirects=False).status_code == 303
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(c.staff_sessions)).scalar() == 0


def test_a_login_form_from_elsewhere_is_refused(browser_client, books):
    answer = browser_client.post("/console/login", data={"email": EMAIL, "password": PASSWORD, "login_csrf": "x"})
    assert answer.status_code == 403 and "fleetbill_console" not in answer.cookies


# --- accounts --------------------------------------------------------------------------------------


def test_accounts_are_searched_by_name_and_filtered_by_how_they_pay(console, books):
    found = console.get("/console/accounts", params={"q": "kyoto"}).text
    assert "Kyoto Sensors" in found and "Sakura Robotics" not in found and "1 accounts" in found
    by_transfer = console.get("/console/accounts", params={"status": "bank_transfer"}).text
    assert "Kyoto Sensors" in by_transfer and "Sakura Robotics" not in by_transfer
    assert console.get("/console/accounts", params={"q": "%"}).text.count("/console/accounts/") == 0


def test_r16_points_granted_from_the_console_are_in_the_balance_and_the_audit_log(console, app, books):
    page = f"/console/accounts/{books['sakura']}"
    done = post_form(console, page, f"{page}/points", amount="1,500", reason="Outage apology", expires_on="2026-12-31")
    assert done.status_code == 303
    with app.db.read() as conn:
        view = points_view(conn, app.clock.now(), books["sakura"])
    assert view.balance == 1500
    assert view.ledger[-1]["reason"] == "Outage apology"
    last = audit_rows(app)[-1]
    assert (last.action, last.actor, last.amount, last.account_id) == (
        "points.granted",
        f"staff:{EMAIL}",
        1500,
        books["sakura"],
    )


@pytest.mark.parametrize(
    ("amount", "reason", "expires_on", "says"),
    [
        ("abc", "x", "", "'abc' is not a whole number of points"),
        ("0", "x", "", "give a positive number of points"),
        ("-5", "x", "", "is not a whole number"),
        ("100", "  ", "", "reason must say why"),
        ("100", "x", "2025-01-01", "is not in the future"),
        ("100", "x", "31/12/2026", "is not a date like 2026-12-31"),
    ],
)
def test_r16_a_bad_grant_is_refused_with_its_reason_and_grants_nothing(
    console, app, books, amount, reason, expires_on, says
):
    page = f"/console/accounts/{books['sakura']}"
    before = len(audit_rows(app))
    refused = post_form(console, page, f"{page}/points", amount=amount, reason=reason, expires_on=expires_on)
    assert refused.status_code == 422
    assert says in refused.text.replace("&#39;", "'")
    assert len(audit_rows(app)) == before


def test_a_form_with_a_wrong_csrf_token_changes_nothing(console, app, books):
    page = f"/console/accounts/{books['sakura']}"
    hidden = form_fields(console.get(page).text, f"{page}/points")
    refused = console.post(f"{page}/points", data=hidden | {"csrf": "forged", "amount": "100", "reason": "x"})
    assert refused.status_code == 403
    with app.db.read() as conn:
        assert points_view(conn, app.clock.now(), books["sakura"]).balance == 0


# --- invoices and transfers ---------------------------------------------------------------------------


def test_r15_closing_by_hand_bills_january_and_a_second_run_does_nothing(console, app, clock, books):
    said = close_january(console, clock)
    # Kyoto 330 + Sakura 110 = 440 JPY
    assert said == "Closed 2026-01: 2 invoices, 440 JPY billed; 2 collections opened."
    again = post_form(console, "/console/jobs", "/console/jobs/close")
    assert "Closed —: 0 invoices, 0 JPY billed; 0 collections opened." in again.text


def test_r18_a_transfer_in_two_parts_pays_the_invoice_and_a_double_submit_records_once(console, app, clock, books):
    close_january(console, clock)
    invoice = january_invoice(app, books["kyoto"])
    page = f"/console/invoices/{invoice.id}"
    assert 'id="left">330 JPY' in console.get(page).text
    # when 300 arrives, and the same form is sent twice (a double click)
    hidden = form_fields(console.get(page).text, f"{page}/transfers")
    first = console.post(
        f"{page}/transfers", data=hidden | {"amount": "300", "reference": "MUFG 0001"}, follow_redirects=False
    )
    second = console.post(
        f"{page}/transfers", data=hidden | {"amount": "300", "reference": "MUFG 0001"}, follow_redirects=False
    )
    assert first.status_code == 303
    assert second.status_code == 409 and "already sent" in second.text
    shown = console.get(page).text
    assert 'id="left">30 JPY' in shown
    assert "<td>2026-02-01 09:00</td>" in shown  # received at 00:00 UTC: shown in Tokyo time
    # then the last 30 pays it
    assert post_form(console, page, f"{page}/transfers", amount="30", reference="MUFG 0002").status_code == 303
    assert january_invoice(app, books["kyoto"]).status == "paid"
    with app.db.read() as conn:
        amounts = conn.execute(select(p.payments.c.amount).where(p.payments.c.invoice_id == invoice.id)).scalars().all()
    assert sorted(amounts) == [30, 300]
    paid = [r for r in audit_rows(app) if r.action == "payment.received"]
    assert [(r.amount, r.actor, r.subject) for r in paid] == [
        (300, f"staff:{EMAIL}", invoice.number),
        (30, f"staff:{EMAIL}", invoice.number),
    ]


def test_r18_a_transfer_for_more_than_is_left_is_refused_and_records_nothing(console, app, clock, books):
    close_january(console, clock)
    invoice = january_invoice(app, books["kyoto"])
    page = f"/console/invoices/{invoice.id}"
    refused = post_form(console, page, f"{page}/transfers", amount="331", reference="MUFG 0001")
    assert refused.status_code == 422
    assert "331 JPY is more than the 330 JPY left to pay" in refused.text
    assert 'value="MUFG 0001"' in refused.text and 'value="331"' in refused.text  # what was typed stays
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(p.payments)).scalar() == 0


def test_r14_the_console_downloads_any_accounts_invoice_as_pdf_and_csv(console, app, clock, books):
    close_january(console, clock)
    invoice = january_invoice(app, books["sakura"])
    pdf = console.get(f"/console/invoices/{invoice.id}.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = console.get(f"/console/invoices/{invoice.id}.csv")
    assert csv.status_code == 200 and invoice.number in csv.text
    assert console.get(f"/console/invoices/{invoice.id}.xml").status_code == 404


def test_invoices_are_filtered_by_status_and_overdue_transfers_show(console, app, clock, books):
    close_january(console, clock)
    open_ones = console.get("/console/invoices", params={"status": "open"}).text
    # an invoice is found by its number, in any case, and shown with its Tokyo date
    number = january_invoice(app, books["sakura"]).number
    found = console.get("/console/invoices", params={"q": number.lower()}).text
    assert number in found and "Kyoto Sensors" not in found and "1 invoices" in found
    # R18: January's transfer is due by the end of February (Tokyo)
    assert "Kyoto Sensors" in open_ones and "transfer due 2026-02-28" in open_ones
    travel(console, clock, datetime(2026, 2, 28, 14, 59, tzinfo=UTC))  # 23:59 on Feb 28 in Tokyo
    assert "Kyoto Sensors" not in console.get("/console/invoices", params={"status": "overdue"}).text
    travel(console, clock, datetime(2026, 2, 28, 15, 1, tzinfo=UTC))  # 00:01 on March 1 in Tokyo: past due
    assert "Kyoto Sensors" in console.get("/console/invoices", params={"status": "overdue"}).text


# --- plans, tax, collection, audit ---------------------------------------------------------------


def test_r9_a_price_change_inside_the_notice_period_is_refused_and_one_outside_is_announced(console, app, books):
    action = "/console/plans/basic/price-versions"
    refused = post_form(
        console, "/console/plans", action, effective_month="2026-02", fixed_fee="0", prices="esp32 - 120"
    )
    assert refused.status_code in (409, 422) and "notice" in refused.text
    assert 'value="2026-02"' in refused.text  # the form keeps what was typed
    bad = post_form(console, "/console/plans", action, effective_month="2026-04", fixed_fee="0", prices="esp32 120")
    assert bad.status_code == 422 and "prices, line 1" in bad.text
    done = post_form(
        console, "/console/plans", action, effective_month="2026-04", fixed_fee="0", prices="esp32 3 0\nesp32 - 120"
    )
    assert done.status_code == 303
    shown = console.get("/console/plans").text
    # R7: the tiers read as a price list, not "up to 3 0 JPY"
    assert "2026-04" in shown and "esp32: first 3: free, then 120 JPY each" in shown
    assert audit_rows(app)[-1].action == "price_version.announced"


def test_r12_a_tax_rate_is_added_and_a_bad_region_is_refused(console, app, books):
    done = post_form(
        console,
        "/console/tax-rates",
        "/console/tax-rates",
        country="jp",
        subdivision="",
        percent="12",
        valid_from="2027-04-01",
    )
    assert done.status_code == 303
    shown = console.get("/console/tax-rates").text
    # a date typed in the console is the operator's day, and shown as one (Asia/Tokyo by default)
    assert "12%" in shown and "<td>2027-04-01 00:00</td>" in shown and "+09:00" not in shown
    refused = post_form(
        console,
        "/console/tax-rates",
        "/console/tax-rates",
        country="XX",
        subdivision="",
        percent="10",
        valid_from="2027-04-01",
    )
    assert refused.status_code == 422 and "XX" in refused.text


def test_r19_collection_by_hand_and_the_suspended_list(console, app, clock, books):
    # Sakura has no card: its 110 JPY invoice cannot be charged and, after the retries, is suspended
    close_january(console, clock)
    said = post_form(console, "/console/jobs", "/console/jobs/collect").text
    assert "Collection:" in said
    for _ in range(4):
        travel(console, clock, clock.now() + timedelta(days=8))
        post_form(console, "/console/jobs", "/console/jobs/collect")
    suspended = console.get("/console/accounts", params={"status": "suspended"}).text
    assert "Sakura Robotics" in suspended and "Kyoto Sensors" not in suspended
    assert "Suspended" in console.get(f"/console/accounts/{books['sakura']}").text


def test_the_audit_log_page_lists_and_filters_money_moving_actions(console, app, books):
    page = f"/console/accounts/{books['sakura']}"
    post_form(console, page, f"{page}/points", amount="700", reason="Goodwill")
    log = console.get("/console/audit", params={"action": "points.granted"}).text
    assert "<td>points.granted</td>" in log and "+700 JPY" in log and f"staff:{EMAIL}" in log
    assert "<td>collection_method.changed</td>" not in log
    assert "<td>collection_method.changed</td>" in console.get("/console/audit").text


def test_the_console_reads_in_japanese(console, books):
    console.cookies.set("fleetbill_lang", "ja")
    page = console.get("/console/accounts").text
    assert '<html lang="ja">' in page and "アカウント" in page and "監査ログ" in page


# --- every route is staff-only ------------------------------------------------------------------------


def console_routes():
    from fleetbill.entrypoints.console import pages

    for route in pages.router.routes:
        for method in route.methods:
            path = route.path.replace("{account_id}", "a1").replace("{invoice_id}", "i1").replace("{plan_id}", "basic")
            yield method, path.replace("{fmt}", "pdf")


@pytest.mark.parametrize(("method", "path"), sorted(set(console_routes())))
def test_no_console_page_or_action_answers_without_a_staff_session(browser_client, books, method, path):
    answer = browser_client.request(method, path, follow_redirects=False)
    if method == "GET":
        assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")
    else:
        assert answer.status_code == 401


def test_r10_a_plan_change_from_the_console_is_logged_and_a_pointless_one_refused(console, app, books):
    page = f"/console/accounts/{books['sakura']}"
    refused = post_form(console, page, f"{page}/plan", plan_id="basic")
    assert refused.status_code == 409 and "already" in refused.text
    done = post_form(console, page, f"{page}/plan", plan_id="invoiced")
    assert done.status_code == 303
    last = audit_rows(app)[-1]
    assert (last.action, last.actor, last.subject) == ("plan.change_requested", f"staff:{EMAIL}", "invoiced")
    assert json.loads(last.details)["from_plan"] == "basic"


def test_r18_bank_transfer_is_refused_for_a_plan_that_does_not_allow_it(console, app, books):
    page = f"/console/accounts/{books['sakura']}"
    refused = post_form(console, page, f"{page}/collection-method", method="bank_transfer")
    assert refused.status_code == 409 and "does not allow bank transfer" in refused.text
    assert "collection_method.changed" not in [r.action for r in audit_rows(app) if r.account_id == books["sakura"]]


def test_r10_an_upgrade_from_the_console_is_charged_at_once_and_starts_when_paid(console, app, books):
    from fleetbill.adapters.gateway.sandbox import tokenize
    from fleetbill.services.cards import add_card

    # given Sakura on basic with a good card, and a "pro" plan with a 1,000 JPY monthly fee
    with app.db.transaction() as conn:
        plan = Plan("pro", "Pro", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ("api", "priority"))
        catalog.create_plan(conn, app.clock.now(), plan, 1000, {"esp32": [Tier(None, 100)]})
    add_card(app.db, app.gateway, app.clock, books["sakura"], tokenize("4242424242424242", 12, 2030, "123"))
    # when staff move it to pro
    page = f"/console/accounts/{books['sakura']}"
    assert post_form(console, page, f"{page}/plan", plan_id="pro").status_code == 303
    # then the prorated fee is charged on the spot and the account is on pro already
    with app.db.read() as conn:
        purchase = conn.execute(
            select(t.invoices).where(t.invoices.c.account_id == books["sakura"], t.invoices.c.kind == "purchase")
        ).one()
        on = conn.execute(select(t.accounts.c.plan_id).where(t.accounts.c.id == books["sakura"])).scalar()
    assert purchase.status == "paid" and [ch.amount for ch in app.gateway.charges] == [purchase.amount_due]
    assert purchase.amount_due > 0 and on == "pro"


# --- odd input: a 4xx page with a reason, nothing written, on either database --------------------


def _points(console, books, **fields):
    page = f"/console/accounts/{books['sakura']}"
    return post_form(console, page, f"{page}/points", **fields)


def _tax(console, books, **fields):
    return post_form(console, "/console/tax-rates", "/console/tax-rates", **({"subdivision": ""} | fields))


def _prices(console, books, **fields):
    return post_form(console, "/console/plans", "/console/plans/basic/price-versions", **({"fixed_fee": "0"} | fields))


ODD = {
    "NUL in a reason": (_points, {"amount": "100", "reason": "a\x00b"}, 422, "NUL"),
    "reason too long": (_points, {"amount": "100", "reason": "x" * 301}, 422, "300 characters"),
    "unicode digits": (_points, {"amount": "１２３", "reason": "x"}, 422, "not a whole number"),
    "superscript digit": (_points, {"amount": "²", "reason": "x"}, 422, "not a whole number"),
    "more than fleetbill holds": (_points, {"amount": "9" * 16, "reason": "x"}, 422, "more than the"),
    "expiry in year 1": (_points, {"amount": "1", "reason": "x", "expires_on": "0001-01-01"}, 422, "between"),
    "tax rate in year 1": (
        _tax,
        {"country": "JP", "percent": "10", "valid_from": "0001-01-01T00:00+09:00"},
        422,
        "between",
    ),
    "tax rate in year 9999": (
        _tax,
        {"country": "JP", "percent": "10", "valid_from": "9999-12-31T23:59+00:00"},
        422,
        "between",
    ),
    "back-dated tax rate (R13)": (
        _tax,
        {"country": "JP", "percent": "12", "valid_from": "2025-12-01"},
        422,
        "in the past",
    ),
    "tax rate finer than 1 ppm": (
        _tax,
        {"country": "JP", "percent": "10.00001", "valid_from": "2027-04-01"},
        422,
        "6 decimals",
    ),
    "tax rate not a number": (
        _tax,
        {"country": "JP", "percent": "ten", "valid_from": "2027-04-01"},
        422,
        "not a percentage",
    ),
    "price month 99999": (_prices, {"effective_month": "99999-01", "prices": "esp32 - 1"}, 422, "YYYY-MM"),
    "price month 0": (_prices, {"effective_month": "0-01", "prices": "esp32 - 1"}, 422, "YYYY-MM"),
    "tier above 2^31 devices": (
        _prices,
        {"effective_month": "2026-06", "prices": "esp32 3000000000 1\nesp32 - 1"},
        422,
        "more than the",
    ),
}


@pytest.mark.parametrize("case", sorted(ODD))
def test_odd_form_input_is_a_4xx_page_that_says_why_and_writes_nothing(console, app, books, case):
    send, fields, status, says = ODD[case]
    before = len(audit_rows(app))
    answer = send(console, books, **fields)
    assert answer.status_code == status, answer.text[-500:]
    assert says in answer.text
    assert len(audit_rows(app)) == before


@pytest.mark.parametrize(("expires_on", "used"), [("2026-02-01", 0), ("2026-02-02", 100)])
def test_r16_points_expiring_on_a_day_pay_the_months_that_end_before_it(console, app, clock, books, expires_on, used):
    # given 100 points for Kyoto expiring at 00:00 on a day (Tokyo), and its January: 330 JPY,
    # which ends at 00:00 on February 1 in Tokyo
    page = f"/console/accounts/{books['kyoto']}"
    post_form(console, page, f"{page}/points", amount="100", reason="January only", expires_on=expires_on)
    close_january(console, clock)
    # then points expiring as January ends do not pay it (usable up to, not at); a day later they do
    invoice = january_invoice(app, books["kyoto"])
    assert (invoice.total, invoice.points_applied, invoice.amount_due) == (330, used, 330 - used)
