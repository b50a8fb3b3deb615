"""Issue 10 item 5 in a real browser: the customer changes the billing contacts and the language of
the emails on the billing page (a bad address is refused, saying why, nothing changed), and the
operator sees the change, audited, on the console's account page; the invoice's email then goes to
the new contacts in the new language (R24). Screenshots: FLEETBILL_SCREENSHOTS=docs/screenshots."""

from __future__ import annotations

import json
import os
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_console as c
from fleetbill.services import staff
from fleetbill.services.events import publish_events
from tests import factories as f

SHOTS = os.environ.get("FLEETBILL_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def billing_link(base: str, key: str, account: str) -> str:
    asked = urllib.request.Request(
        f"{base}/v1/accounts/{account}/billing-links", method="POST", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(asked) as answer:
        return json.load(answer)["url"]


def test_the_customer_changes_contacts_and_language_on_the_billing_page(app, clock, live_server, browser):
    base, key = live_server
    f.device_type(app)
    f.plan(app)
    account = f.account(app, name="Sakura Robotics", billing_email="billing@sakura.example.jp")
    f.devices(app, account, 2)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(billing_link(base, key, account))
    settings = page.locator("#settings")
    assert settings.locator("textarea[name=billing_emails]").input_value() == "billing@sakura.example.jp"
    assert settings.locator("select[name=language]").input_value() == "en"

    # when a second address is not an address: refused, saying why, nothing changed
    settings.locator("textarea[name=billing_emails]").fill("billing@sakura.example.jp\nkeiri at sakura")
    settings.locator("button").click()
    banner = page.locator("#settings .banner.error")
    assert "Nothing was changed." in banner.inner_text() and "'keiri at sakura' is not an email address" in (
        banner.inner_text()
    )

    # when the customer gives two contacts and Japanese
    settings = page.locator("#settings")
    settings.locator("textarea[name=billing_emails]").fill("keiri@sakura.example.jp\ncfo@sakura.example.jp")
    settings.locator("select[name=language]").select_option("ja")
    settings.locator("button").click()

    # then the page says so and shows them
    assert page.url.endswith("/billing?done=settings#settings")
    assert "Saved" in page.locator("#settings .note").inner_text()
    assert page.locator("#settings textarea").input_value() == "keiri@sakura.example.jp\ncfo@sakura.example.jp"
    assert page.locator("#settings select").input_value() == "ja"
    page.locator("#settings").scroll_into_view_if_needed()
    shot(page, "billing-settings.png")
    with app.db.read() as conn:
        row = conn.execute(select(t.accounts).where(t.accounts.c.id == account)).one()
        [audited] = conn.execute(select(c.audit_log).where(c.audit_log.c.action == "account.updated")).all()
    assert (row.billing_email, row.language) == ("keiri@sakura.example.jp", "ja")
    assert audited.actor == "customer:billing-page"

    # and January's invoice is written for them, in Japanese, to both (R24)
    clock.set(datetime(2026, 1, 31, 16, tzinfo=UTC))
    from fleetbill.services.close_month import close_due_months

    close_due_months(app.db, clock, app.settings)
    publish_events(app.db, clock.now())
    with app.db.read() as conn:
        [note] = conn.execute(select(t.notifications).where(t.notifications.c.kind == "invoice")).all()
    assert note.language == "ja" and note.subject.startswith("【請求書】2026年1月分")

    # and the operator's console shows the contacts, the language and the email waiting
    with app.db.transaction() as conn:
        staff.create_staff(conn, clock.now(), "hana@example.jp", "Hana", "correct horse battery staple")
    console = browser.new_page(viewport={"width": 1200, "height": 1000})
    console.goto(f"{base}/console/login")
    console.fill("input[name=email]", "hana@example.jp")
    console.fill("input[name=password]", "correct horse battery staple")
    console.click("button")
    console.goto(f"{base}/console/accounts/{account}")
    assert "keiri@sakura.example.jp, cfo@sakura.example.jp" in console.locator("section").first.inner_text()
    email = console.locator("#emails tr.email").first
    assert "invoice" in email.inner_text() and "ja" in email.inner_text()
    assert email.locator("td").nth(5).inner_text().endswith(".pdf")
    shot(console, "console-account-settings.png")
