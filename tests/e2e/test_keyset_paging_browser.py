"""Issue 11 item 5 (R21) in Chromium: the device list's "next →" and "← previous" links page by
cursor with the filter kept, and a link changed by hand is a page that says so."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from tests import factories as f


def _open_billing_page(base: str, key: str, account: str, browser):
    asked = urllib.request.Request(
        f"{base}/v1/accounts/{account}/billing-links", method="POST", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(asked) as answer:
        link = json.load(answer)["url"]
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(link)
    return page


def test_r21_the_device_list_pages_forward_and_back_by_its_links_in_chromium(app, live_server, browser):
    # given 120 devices, 70 of them Inactive
    base, key = live_server
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    account = f.account(app, name="Sakura Robotics")
    ids = f.devices(app, account, 120)
    f.switch(app, account, ids[:70], False)
    page = _open_billing_page(base, key, account, browser)
    page.click("text=Device settings")
    rows = page.locator("input[name=device_ids]")

    # when the list is filtered to the Inactive ones and paged forward
    page.select_option("select[name=status]", "inactive")
    page.click("button:has-text('Filter')")
    first = [rows.nth(i).get_attribute("value") for i in range(rows.count())]
    assert len(first) == 50 and page.locator("a[rel=prev]").count() == 0
    page.click("a[rel=next]")

    # then the second page has the other 20, keeps the filter, and has no "next"
    assert "status=inactive" in page.url and "cursor=" in page.url
    second = [rows.nth(i).get_attribute("value") for i in range(rows.count())]
    assert len(second) == 20 and not set(first) & set(second)
    assert page.locator("a[rel=next]").count() == 0
    assert page.locator("#device-count").inner_text() == "70 devices"
    if folder := os.environ.get("FLEETBILL_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / "devices-page-2.png"), full_page=True)

    # and "← previous" shows the first page again
    page.click("a[rel=prev]")
    assert [rows.nth(i).get_attribute("value") for i in range(rows.count())] == first

    # a link changed by hand is a 422 page that says where to go, not a server error
    answer = page.goto(page.url.replace("cursor=", "cursor=x"))
    assert answer.status == 422 and "first page" in page.content()
