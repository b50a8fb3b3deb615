"""The console's Webhooks page in Debian's Chromium against the real server (R22): staff add an
endpoint and copy its secret, shown once; a delivery to a real receiver on 127.0.0.1 verifies
with it and is listed; they rotate the secret and disable the endpoint. With
FLEETBILL_SCREENSHOTS=<folder> set, it saves a screenshot of the page there."""

from __future__ import annotations

import pytest

from fleetbill.services.deliver_webhooks import deliver_webhooks
from fleetbill.services.staff import create_staff
from fleetbill.settings import Settings
from tests.e2e.test_console_browser import shoot
from tests.integration.test_webhooks import Receiver, happen, paid

EMAIL, PASSWORD = "hana@example.jp", "correct horse battery staple"


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, test_mode=True, webhooks_allow_private=True)


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


def test_r22_staff_add_an_endpoint_copy_its_secret_and_see_its_deliveries_in_chromium(
    app, live_server, browser, receiver
):
    # given a member of staff logged in to the console
    base, _ = live_server
    with app.db.transaction() as conn:
        create_staff(conn, app.clock.now(), EMAIL, "Hana Sato", PASSWORD)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{base}/console/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")

    # when they open Webhooks and add the platform's endpoint for invoice.paid
    page.click("header a[href='/console/webhooks']")
    assert page.locator("h1").inner_text() == "Webhooks"
    page.fill("input[name=url]", receiver.url)
    page.fill("input[name=description]", "IoT platform")
    page.check("input[name=event_types][value='invoice.paid']")
    page.click("button:has-text('Add endpoint')")

    # then its secret is shown once, and a delivery verifies with it
    secret = page.locator("#secret code").inner_text()
    assert secret.startswith("whsec_")
    receiver.secrets = [secret]
    happen(app, paid())
    deliver_webhooks(app.db, app.clock, app.settings)
    assert len(receiver.requests) == 1 and receiver.requests[0]["verified_by"] == [secret]
    page.goto(f"{base}/console/webhooks")
    assert page.locator("#secret").count() == 0 and secret not in page.content()
    row = page.locator("article.endpoint table tr").nth(1)
    assert receiver.ids()[0] in row.inner_text() and "succeeded" in row.inner_text()
    assert "0 waiting, 1 delivered, 0 failed" in page.locator("article.endpoint").inner_text()
    shoot(page, "console-webhooks")

    # when they rotate the secret, then disable the endpoint
    page.click("button:has-text('Rotate the secret')")
    rotated = page.locator("#secret code").inner_text()
    assert rotated.startswith("whsec_") and rotated != secret
    assert "The old secret also signs until" in page.locator("#secret").inner_text()
    page.click("button:has-text('Disable')")
    assert page.locator("[role=status]").inner_text() == "Done. It is in the audit log."
    assert "disabled by staff:hana@example.jp" in page.locator("article.endpoint").inner_text()
    assert page.locator("button:has-text('Enable')").count() == 1
