"""The billing page (R20) and device settings (R21), reached by a signed link, scoped to one account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.services.points import grant_points
from tests import factories as f
from tests.pages import csrf, follow_link, open_page


@pytest.fixture
def two_accounts(app):
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    a = f.account(app, name="Sakura Robotics")
    b = f.account(app, name="Other Company")
    return a, b


def test_r20_billing_page_shows_the_month_so_far_with_estimate_chart_and_points(api, app, two_accounts):
    # given Sakura with 5 esp32 Active (first 3 free, then 300) and 200 points
    a, _ = two_accounts
    f.devices(app, a, 5)
    with app.db.transaction() as conn:
        grant_points(conn, app.clock.now(), a, 200, "welcome", "test")
    # when its billing page is opened through a link
    open_page(api, a)
    page = api.get("/billing")
    # then: running peak 5, Active now 5; estimate 2 x 300 = 600 + 10% = 660; points 200; to pay 460
    assert page.status_code == 200
    html = page.text
    assert "Sakura Robotics" in html and "Other Company" not in html
    assert re.search(r"<td>esp32</td><td class=\"num\">5</td><td class=\"num\">5</td>", html)
    assert "Tax 10% on 600 JPY" in html
    assert 'id="estimate-total">660 JPY' in html and 'id="estimate-due">460 JPY' in html
    assert "−200" in html and "Credit points: 200" in html
    assert "peak 5" in html and "<svg" in html


def test_r20_links_expire_and_cannot_be_forged(api, app, clock, two_accounts):
    a, _ = two_accounts
    url = api.post(f"/v1/accounts/{a}/billing-links").json()["url"]
    assert follow_link(api, url + "x").status_code == 404  # tampered
    clock.set(clock.now() + timedelta(minutes=16))
    assert follow_link(api, url).status_code == 404  # older than 15 minutes
    assert api.get("/billing").status_code == 401  # and no session was opened


def _next(page: str) -> str:
    return re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")


def test_r21_devices_page_a_page_at_a_time_and_filtered(api, app, two_accounts):
    a, _ = two_accounts
    ids = f.devices(app, a, 120)
    f.switch(app, a, ids[:30], False)
    open_page(api, a)
    first = api.get("/billing/devices").text
    assert first.count('name="device_ids"') == 50
    # issue 11 item 5: pages follow "next" links (a cursor), not page numbers; tests/integration/test_keyset_paging.py
    third = api.get(_next(api.get(_next(first)).text)).text
    assert third.count('name="device_ids"') == 20 and 'rel="next"' not in third
    inactive = api.get("/billing/devices", params={"status": "inactive"}).text
    assert inactive.count('name="device_ids"') == 30 and "30 devices" in inactive


def test_r21_switching_inactive_says_what_it_changes_and_the_estimate_keeps_the_peak(api, app, clock, two_accounts):
    # given 5 devices Active for an hour: the month's peak is 5
    a, _ = two_accounts
    ids = f.devices(app, a, 5)
    clock.set(clock.now() + timedelta(hours=1))
    open_page(api, a)
    token = csrf(api.get("/billing/devices").text)
    # when two are switched Inactive from the page
    done = api.post("/billing/devices/switch", data={"csrf": token, "device_ids": ids[:2], "active": "false"})
    # then the page says what it changes; the peak (and this month's estimate, 660) stays, 3 Active now
    assert done.status_code == 200 and "not charged from next month" in done.text
    billing = api.get("/billing").text
    assert re.search(r"<td>esp32</td><td class=\"num\">5</td><td class=\"num\">3</td>", billing)
    assert 'id="estimate-total">660 JPY' in billing


def test_r21_a_session_cannot_touch_another_accounts_devices_and_forms_need_the_token(api, app, db, two_accounts):
    a, b = two_accounts
    f.devices(app, a, 1)
    theirs = f.devices(app, b, 1)
    open_page(api, a)
    token = csrf(api.get("/billing/devices").text)
    # another account's device is refused, and stays Active
    assert (
        api.post("/billing/devices/switch", data={"csrf": token, "device_ids": theirs, "active": "false"}).status_code
        == 404
    )
    # a form without this session's token is refused
    mine = api.get("/billing/devices").text
    my_id = re.search(r'name="device_ids" value="([^"]+)"', mine).group(1)
    assert (
        api.post(
            "/billing/devices/switch", data={"csrf": "forged", "device_ids": [my_id], "active": "false"}
        ).status_code
        == 403
    )
    with db.read() as conn:
        assert conn.execute(select(t.devices.c.active)).scalars().all() == [True, True]


def test_r20_r14_the_page_offers_its_own_invoices_as_pdf_and_csv_and_no_one_elses(api, app, clock, two_accounts):
    # given both accounts with a closed January: Sakura 4 esp32 (1 paid: 300 + 30 tax = 330)
    from datetime import UTC, datetime

    from fleetbill.services.close_month import close_due_months

    a, b = two_accounts
    f.devices(app, a, 4)
    f.devices(app, b, 4)
    clock.set(datetime(2026, 2, 1, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)
    invoices = api.get(f"/v1/accounts/{a}/invoices").json()
    theirs = api.get(f"/v1/accounts/{b}/invoices").json()[0]["id"]
    open_page(api, a)
    # when Sakura follows the PDF and CSV links on its page
    html = api.get("/billing").text
    pdf_link = re.search(r'href="(/billing/invoices/[^"]+\.pdf)"', html).group(1)
    pdf = api.get(pdf_link)
    csv_text = api.get(pdf_link.replace(".pdf", ".csv")).content.decode("utf-8-sig")
    # then it gets its own invoice, and another account's is not found
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and invoices[0]["number"] in pdf.headers["content-disposition"]
    assert invoices[0]["number"] in csv_text and "300" in csv_text
    assert api.get(f"/billing/invoices/{theirs}.pdf").status_code == 404
    assert api.get(f"/billing/invoices/{theirs}.csv").status_code == 404


def test_r20_page_errors_are_pages_that_say_what_to_do(api, two_accounts):
    expired = api.post("/billing/open", data={"token": "forged"}, follow_redirects=False)
    assert expired.status_code == 404 and expired.headers["content-type"].startswith("text/html")
    assert "ask for a new one" in expired.text
    no_session = api.get("/billing")
    assert no_session.status_code == 401 and "open the billing page from the link" in no_session.text


def test_r20_every_past_invoice_is_on_the_page_the_latest_first_and_all_a_click_away(api, app, clock, two_accounts):
    from datetime import UTC, datetime

    from fleetbill.services.close_month import close_due_months

    # given 26 closed months (January 2026 to February 2028)
    a, _ = two_accounts
    f.devices(app, a, 1)
    clock.set(datetime(2028, 3, 1, 0, 0, tzinfo=UTC))
    while close_due_months(app.db, clock, app.settings).months_remaining:  # 24 months a run (R15)
        pass
    open_page(api, a)
    # then the page lists the latest 24 and links to all 26
    page = api.get("/billing").text
    rows = re.findall(r"<td>(FB-\d+)</td><td>(\d{4}-\d{2})</td>", page)
    assert len(rows) == 24 and rows[0][1] == "2028-02" and rows[-1][1] == "2026-03"
    assert 'href="/billing?invoices=all#invoices"' in page and "Show all 26 invoices" in page
    every = re.findall(r"<td>(FB-\d+)</td><td>(\d{4}-\d{2})</td>", api.get("/billing?invoices=all").text)
    assert [m for _, m in every][-2:] == ["2026-02", "2026-01"] and len(every) == 26
    assert api.get("/billing?invoices=some").status_code == 422
