"""The operator's console in Debian's Chromium against the real server: a member of the finance
team logs in, records a bank transfer (R18) and grants points (R16), and finds both in the audit
log. With FLEETBILL_SCREENSHOTS=<folder> set, it saves a screenshot of each console page there
(docs/screenshots is made this way: see the README).

Kyoto Sensors has 3 esp32 all January at 100 JPY and pays by transfer: 330 JPY with 10% tax.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from fleetbill.services.bank_transfer import set_collection_method
from fleetbill.services.close_month import close_due_months
from fleetbill.services.points import grant_points
from fleetbill.services.staff import create_staff
from tests import factories as f

EMAIL, PASSWORD = "hana@example.jp", "correct horse battery staple"
FEB_1 = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)


def shoot(page, name: str) -> None:
    folder = os.environ.get("FLEETBILL_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def books(app, clock) -> str:
    f.device_type(app)
    f.plan(app, "invoiced", allow_bank_transfer=True)
    f.plan(app, "basic", prices={"esp32": f.FIRST_3_FREE})
    kyoto = f.account(app, "invoiced", name="Kyoto Sensors")
    for name, n in (("Sakura Robotics", 5), ("Hokkaido Weather Net", 2)):
        f.devices(app, f.account(app, "basic", name=name), n)
    f.devices(app, kyoto, 3)
    with app.db.transaction() as conn:
        set_collection_method(conn, clock.now(), kyoto, "bank_transfer", "staff:setup@example.jp")
        grant_points(conn, clock.now(), kyoto, 100, "Welcome credit", "staff:setup@example.jp")
    clock.set(FEB_1)
    close_due_months(app.db, clock, app.settings)
    with app.db.transaction() as conn:
        create_staff(conn, clock.now(), EMAIL, "Hana Sato", PASSWORD)
    return kyoto


def test_console_log_in_record_a_bank_transfer_and_grant_points_in_chromium(app, clock, live_server, browser):
    # given Kyoto Sensors' January invoice: 330 JPY, of which 100 paid by points, 230 to transfer
    base, _ = live_server
    books(app, clock)
    page = browser.new_page(viewport={"width": 1100, "height": 800})

    # when the console is opened, it asks for a login first
    page.goto(f"{base}/console")
    assert page.url.startswith(f"{base}/console/login")
    shoot(page, "console-login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")

    # then the accounts list, where the account is found by name
    assert page.locator("h1").inner_text() == "Accounts"
    page.fill("input[name=q]", "kyoto")
    page.click("button:has-text('Search')")
    shoot(page, "console-accounts")
    page.click("text=Kyoto Sensors")

    # when the finance team records the 230 JPY that arrived
    page.click("#invoices a[href^='/console/invoices/']")
    assert page.locator("#left").inner_text() == "230 JPY"
    assert page.locator("input[name=amount]").input_value() == "230"  # what is left, filled in
    page.fill("input[name=reference]", "MUFG 20260225-0042")
    shoot(page, "console-invoice")
    page.click("button:has-text('Record transfer')")

    # then the invoice is paid, and the transfer is listed with who recorded it
    assert page.locator("[role=status]").inner_text() == "Done. It is in the audit log."
    assert page.locator("h1 small").inner_text() == "paid"
    assert page.locator("#left").inner_text() == "0 JPY"
    assert "MUFG 20260225-0042" in page.locator("#payments").inner_text()

    # when 500 points are granted on the account's page
    page.click("text=Kyoto Sensors")
    page.fill("#points input[name=amount]", "500")
    page.fill("#points input[name=reason]", "Sorry for the February outage")
    page.click("button:has-text('Grant points')")

    # then the balance has them, and the audit log shows both actions by this person
    assert "Credit points 500" in page.locator("table").first.inner_text().replace("\t", " ")
    shoot(page, "console-account")
    page.click("text=Audit log")
    rows = page.locator("section table tr")
    newest = [rows.nth(i).inner_text() for i in (1, 2)]
    assert "points.granted" in newest[0] and "+500 JPY" in newest[0] and EMAIL in newest[0]
    assert "payment.received" in newest[1] and "+230 JPY" in newest[1] and EMAIL in newest[1]
    shoot(page, "console-audit")

    # and a bad amount is refused on the page, with the reason, changing nothing
    page.click("text=Kyoto Sensors")
    page.fill("#points input[name=amount]", "five hundred")
    page.fill("#points input[name=reason]", "typo")
    page.click("button:has-text('Grant points')")
    assert "'five hundred' is not a whole number of points" in page.locator("[role=alert]").inner_text()
    assert "Credit points 500" in page.locator("table").first.inner_text().replace("\t", " ")

    for name, path in (("console-plans", "/console/plans"), ("console-jobs", "/console/jobs")):
        page.goto(f"{base}{path}")
        shoot(page, name)

    # and the same console reads in Japanese once the reader picks it
    page.goto(f"{base}/console/invoices")
    page.click("text=日本語")
    assert page.locator("h1").inner_text() == "請求書"
    assert page.locator("td.status-paid").first.inner_text() == "支払済み"
    shoot(page, "console-invoices-ja")
