"""A credit note in Debian's Chromium against the real server (R15, R20): the finance team issues
it from the invoice's page in the console; the customer sees it on the billing page and opens its
return invoice. With FLEETBILL_SCREENSHOTS=<folder> set, it saves the two pages there.

Kyoto Sensors has 3 esp32 all January at 100 JPY and pays by transfer: 330 JPY with 10% tax, of
which 100 paid by points; 230 is left to transfer.
"""

from __future__ import annotations

import json
import urllib.request

from tests.e2e.test_console_browser import EMAIL, PASSWORD, books, shoot


def test_r15_r20_a_credit_note_issued_in_the_console_is_on_the_customers_billing_page(app, clock, live_server, browser):
    base, key = live_server
    kyoto = books(app, clock)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{base}/console")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.goto(f"{base}/console/accounts/{kyoto}")
    page.click("#invoices a[href^='/console/invoices/']")
    assert page.locator("#left").inner_text() == "230 JPY"

    # when one device of the three is credited (100 + 10% tax = 110 off what is left)
    page.click("#issue-credit-note summary")
    page.select_option("select[name=line]", "1")
    page.fill("input[name=quantity]", "1")
    page.fill("input[name=reason]", "sensor billed after its return")
    shoot(page, "console-credit-note")
    page.click("button:has-text('Issue credit note')")

    # then the invoice asks 120 and lists the credit note
    assert page.locator("[role=status]").inner_text() == "Done. It is in the audit log."
    assert page.locator("#left").inner_text() == "120 JPY"
    assert page.locator("#credited").inner_text() == "−110 JPY"
    row = page.locator("#credit-notes tr", has_text="sensor billed after its return")
    assert "−110 JPY" in row.inner_text()

    # when the customer opens the billing page
    asked = urllib.request.Request(
        f"{base}/v1/accounts/{kyoto}/billing-links", method="POST", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(asked) as answer:
        link = json.load(answer)["url"]
    customer = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    customer.goto(link)

    # then the credit note is under the invoices, and its return invoice downloads
    note = customer.locator("tr.credit-note")
    assert note.count() == 1 and "sensor billed after its return" in note.inner_text() and "110" in note.inner_text()
    shoot(customer, "billing-credit-note")
    with customer.expect_download() as download:
        note.locator("a", has_text="PDF (English)").click()
    assert download.value.suggested_filename.endswith(".pdf") and "-CN-" in download.value.suggested_filename
