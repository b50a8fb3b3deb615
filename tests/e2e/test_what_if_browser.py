"""The bill before the switch in a real browser (R21, R25; issue 12 item 2): the customer chooses 40
of 50 devices on the device settings page and presses Switch Inactive; before anything changes,
the page shows November's and December's bill now and after the switch, the difference and one
sentence; Confirm switches them. Screenshot (FLEETBILL_SCREENSHOTS=docs/screenshots):
device-switch-preview.png.

Sakura Robotics, Asia/Tokyo: 50 esp32 (first 3 free, then 300 JPY) Active since Nov 2; the page is
used on Nov 20. November: 47 x 300 = 14,100 + 1,410 tax = 15,510, whatever is switched now (R5: a
device Active at any moment of the month counts). December after switching 40: 7 x 300 = 2,100 +
210 = 2,310, saving 13,200 JPY a month."""

from __future__ import annotations

import json
import os
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from tests import factories as f

DESKTOP = {"width": 1000, "height": 760}


def active(app, account: str) -> int:
    with app.db.read() as conn:
        d = t.devices
        return conn.execute(select(func.count()).where(d.c.account_id == account, d.c.active)).scalar_one()


def shoot(page, name: str) -> None:
    folder = os.environ.get("FLEETBILL_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_r21_r25_the_bulk_switch_shows_the_bill_before_it_is_confirmed_in_chromium(app, clock, live_server, browser):
    # given 50 esp32 Active since Nov 2, and the customer on the device settings page on Nov 20
    base, key = live_server
    clock.set(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    f.device_type(app, "esp32", "ESP32 DevKit")
    f.plan(app, "standard", prices={"esp32": f.FIRST_3_FREE})
    account = f.account(app, "standard", name="Sakura Robotics")
    f.devices(app, account, 50)
    clock.set(datetime(2026, 11, 20, 1, 0, tzinfo=UTC))
    asked = urllib.request.Request(
        f"{base}/v1/accounts/{account}/billing-links", method="POST", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(asked) as answer:
        link = json.load(answer)["url"]
    page = browser.new_page(viewport=DESKTOP)
    page.goto(link)
    page.click("text=Device settings")

    # when 40 are chosen and Switch Inactive is pressed
    boxes = page.locator("input[name=device_ids]")
    for i in range(40):
        boxes.nth(i).check()
    page.click("button:has-text('Switch Inactive')")

    # then, before anything changes, the page shows both months' bills and what the switch saves
    assert page.locator("h1").inner_text() == "Before you switch"
    assert page.locator("#what-if-title").inner_text() == "Switching these 40 devices Inactive now"
    assert (
        page.locator("#what-if-summary").inner_text()
        == "Saves 13,200 JPY a month from December; November is already counted."
    )
    table = [row.split("\t") for row in page.locator("#what-if-bills tr").all_inner_texts()]
    assert table[1:] == [
        ["November 2026", "15,510 JPY", "15,510 JPY", "0 JPY"],
        ["December 2026", "15,510 JPY", "2,310 JPY", "−13,200 JPY"],
    ]
    shoot(page, "device-switch-preview")
    assert active(app, account) == 50  # nothing switched yet

    # when the customer confirms
    page.click("#confirm-switch")

    # then the 40 are switched, and the page says what that changes
    assert "40 devices switched Inactive." in page.locator(".note").inner_text()
    assert active(app, account) == 10
