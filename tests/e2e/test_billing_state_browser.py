"""R10, R19, R20 in Chromium: an account whose plan's features are off reads so everywhere: the
console's list and the account's page name its state, and the customer's billing page says the
features are off and what fixes it, in the same sentence. With FLEETBILL_SCREENSHOTS=<folder>
set, it saves the three pages there.

Hoshi Farms opened on "pro" (3,000 JPY a month) with no card: its purchase invoice is unpaid, so
the plan's features have not started (awaiting payment). Sakura Robotics, on "basic", is active.
"""

from __future__ import annotations

import os
from pathlib import Path

from fleetbill.domain.billing_state import HEADLINES
from fleetbill.services.staff import create_staff
from tests import factories as f
from tests.e2e.test_customer_pages_look import billing_link

EMAIL, PASSWORD = "hana@example.jp", "correct horse battery staple"


def shoot(page, name: str) -> None:
    folder = os.environ.get("FLEETBILL_SCREENSHOTS_STATES")  # not the README's: look at them by hand
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_r10_r20_features_off_reads_alike_in_the_console_and_on_the_billing_page(app, clock, live_server, browser):
    # given Hoshi Farms awaiting its purchase's payment, and Sakura Robotics active
    base, key = live_server
    f.device_type(app)
    f.plan(app, "basic")
    f.plan(app, "pro", fixed_fee=3_000)
    hoshi = f.account(app, "pro", name="Hoshi Farms")
    f.account(app, "basic", name="Sakura Robotics")
    with app.db.transaction() as conn:
        create_staff(conn, clock.now(), EMAIL, "Hana Sato", PASSWORD)
    sentence = HEADLINES["awaiting_payment"].format(number="FB-00000001")
    page = browser.new_page(viewport={"width": 1100, "height": 800})

    # when the console's list is read
    page.goto(f"{base}/console")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    # then each account has its state, the sentence on hover; not "active" for Hoshi Farms
    hoshi_row = page.locator("tr", has_text="Hoshi Farms")
    assert hoshi_row.locator(".state").inner_text() == "awaiting payment"
    assert hoshi_row.locator(".state").get_attribute("title") == sentence
    assert page.locator("tr", has_text="Sakura Robotics").locator(".state").inner_text() == "active"
    shoot(page, "console-accounts-states")

    # and the account's page says it in a banner and in its details
    page.click("text=Hoshi Farms")
    assert sentence in page.locator(".banner[role=alert]").inner_text()
    assert page.locator("td.state").inner_text() == "awaiting payment"
    shoot(page, "console-account-awaiting")

    # when the customer opens the billing page, on a phone
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(billing_link(base, key, hoshi))
    banner = phone.locator(".banner[role=alert]").first
    # then the same sentence, and what fixes it, a link to add a card
    assert sentence in banner.inner_text()
    assert banner.locator("a").get_attribute("href") == "/billing/cards/new"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "billing-page-awaiting")
