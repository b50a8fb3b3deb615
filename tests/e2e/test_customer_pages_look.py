"""The customer's pages as people see them (R20, R21): a month with some history, in Chromium at a
desktop's width and a phone's, in English and Japanese. Every page fits a phone's width without
scrolling sideways. With FLEETBILL_SCREENSHOTS=<folder> set, it saves the screenshots of the README
there (docs/screenshots is made this way).

Sakura Robotics, Asia/Tokyo: esp32 (first 3 free, then 300 JPY) and m5stack (400 JPY).
"""

from __future__ import annotations

import json
import os
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fleetbill.adapters.gateway.sandbox import tokenize
from fleetbill.domain.rating import Tier
from fleetbill.services.cards import add_card
from fleetbill.services.points import grant_points
from fleetbill.services.register_device import register_device
from fleetbill.services.run_due_jobs import run_due_jobs
from tests import factories as f

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1000, "height": 900}
PAGES = ("/billing", "/billing/devices", "/billing/cards/new")


def shoot(page, name: str) -> None:
    folder = os.environ.get("FLEETBILL_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def register(app, account: str, device_type: str, names: list[str]) -> list[str]:
    with app.db.transaction() as conn:
        return [register_device(conn, app.clock.now(), account, device_type, n, "test").id for n in names]


def a_month_and_a_half(app, clock) -> str:
    """January closed and paid (1,500 points first, then the Visa), February under way to the 18th."""
    f.device_type(app, "esp32", "ESP32 DevKit")
    f.device_type(app, "m5stack", "M5Stack Core")
    f.plan(app, "standard", prices={"esp32": f.FIRST_3_FREE, "m5stack": [Tier(None, 400)]})
    account = f.account(app, "standard", name="Sakura Robotics")
    greenhouses = register(app, account, "esp32", [f"greenhouse-{i:02d}" for i in range(1, 7)])
    gates = register(app, account, "m5stack", ["gate-east", "gate-west"])
    with app.db.transaction() as conn:
        grant_points(conn, clock.now(), account, 1_500, "Welcome credit", "test")
    add_card(app.db, app.gateway, clock, account, tokenize("4242 4242 4242 4242", 12, 2028, "123"))

    def on(day: datetime) -> None:
        clock.set(day + timedelta(hours=3))

    on(datetime(2026, 1, 9, tzinfo=UTC))
    greenhouses += register(app, account, "esp32", ["greenhouse-07", "greenhouse-08"])
    on(datetime(2026, 1, 14, tzinfo=UTC))
    f.switch(app, account, greenhouses[:3], False)
    on(datetime(2026, 1, 20, tzinfo=UTC))
    f.switch(app, account, greenhouses[:2], True)
    on(datetime(2026, 1, 25, tzinfo=UTC))
    f.switch(app, account, gates[:1], False)
    clock.set(datetime(2026, 2, 1, tzinfo=UTC))
    run_due_jobs(app.db, clock, app.settings, app.gateway)  # January: 2,530 JPY, 1,500 in points
    on(datetime(2026, 2, 4, tzinfo=UTC))
    f.switch(app, account, gates[:1], True)
    on(datetime(2026, 2, 7, tzinfo=UTC))
    greenhouses += register(app, account, "esp32", ["orchard-01", "orchard-02", "orchard-03"])
    on(datetime(2026, 2, 12, tzinfo=UTC))
    f.switch(app, account, greenhouses[-4:], False)
    on(datetime(2026, 2, 16, tzinfo=UTC))
    f.switch(app, account, greenhouses[-2:], True)
    on(datetime(2026, 2, 18, tzinfo=UTC))
    return account


def billing_link(base: str, key: str, account: str) -> str:
    asked = urllib.request.Request(
        f"{base}/v1/accounts/{account}/billing-links", method="POST", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(asked) as answer:
        return json.load(answer)["url"]


def wide(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_r20_r21_the_pages_fit_a_phone_and_the_readme_screenshots(app, clock, live_server, browser):
    base, key = live_server
    account = a_month_and_a_half(app, clock)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(billing_link(base, key, account))

    # the add-card form, filled in, then the card added through it
    page.click("text=Add a card")
    page.fill("#card-number", "5555 5555 5555 4444")
    page.fill("#card-exp-month", "08")
    page.fill("#card-exp-year", "29")
    page.fill("#card-cvc", "123")
    shoot(page, "card-form")
    with page.expect_navigation():
        page.click("#card-submit")
    assert page.locator("tr.card").count() == 2

    page.goto(base + "/billing")
    # R5, R20: the chart has a line per device type, and its legend's peaks are the billed counts
    assert page.locator("svg.chart polyline.type-line").count() == 2
    billed = [row.split("\t")[:2] for row in page.locator("#usage tr").all_inner_texts()[1:]]
    assert billed == [["esp32", "10"], ["m5stack", "2"]]
    assert page.locator(".chart-legend li").all_inner_texts() == ["esp32: peak 10", "m5stack: peak 2"]
    january = page.locator("#invoices tr", has_text="2026-01").inner_text().split("\t")
    assert january[1:5] == ["2026-01", "2,530", "1,030", "Paid"]  # 8 - 3 free = 5 x 300 + 2 x 400, +10%
    shoot(page, "billing-page")

    # device settings, just after switching two devices Inactive
    page.click("text=Device settings")
    boxes = page.locator("input[name=device_ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("button:has-text('Switch Inactive')")
    page.click("#confirm-switch")  # R25: after the bill before the switch (tests/e2e/test_what_if_browser.py)
    assert "2 devices switched Inactive." in page.locator(".note").inner_text()
    shoot(page, "device-settings")

    # a device registered from the same page: its key is shown once
    page.fill("#register input[name=name]", "greenhouse-7")
    page.click("#register button")
    assert page.locator("h1").inner_text() == "Device registered"
    assert len(page.locator("#device-key").inner_text().strip()) >= 20
    shoot(page, "device-key")

    page.goto(base + "/lang/ja?next=/billing")
    assert page.locator("h2").first.inner_text().startswith("今月の利用状況")
    shoot(page, "billing-page-ja")

    # every page fits a phone's width, in either language
    page.set_viewport_size(PHONE)
    for lang in ("ja", "en"):
        page.goto(f"{base}/lang/{lang}?next=/billing")
        for path in PAGES:
            page.goto(base + path)
            assert wide(page) <= PHONE["width"], (lang, path, wide(page))
    context.close()
