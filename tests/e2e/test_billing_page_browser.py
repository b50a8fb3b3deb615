"""R20, R21 in a real browser: open a billing link, read the month, switch a device, see the change."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta

from tests import factories as f


def test_r20_r21_billing_link_usage_chart_and_switching_a_device_in_chromium(app, clock, live_server, browser):
    # given an account with 5 esp32 Active for an hour (first 3 free, then 300 JPY)
    base, key = live_server
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    account = f.account(app, name="Sakura Robotics")
    f.devices(app, account, 5)
    clock.set(clock.now() + timedelta(hours=1))
    asked = urllib.request.Request(
        f"{base}/v1/accounts/{account}/billing-links", method="POST", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(asked) as answer:
        link = json.load(answer)["url"]
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone

    # when the user opens the link
    page.goto(link)

    # then the billing page shows the running peak, Active now, the chart and the estimate:
    # 2 paid devices x 300 = 600, tax 10% = 60, total 660
    assert page.locator("h1").inner_text() == "Sakura Robotics"
    assert page.locator("#usage tr", has_text="esp32").inner_text().split() == ["esp32", "5", "5"]
    chart = page.locator("svg.chart")
    assert chart.get_attribute("aria-labelledby") == "chart-title chart-desc"
    assert page.locator("#chart-desc").text_content() == "esp32: peak 5, first reached on Jan 05."
    assert page.locator(".chart-legend li").all_inner_texts() == ["esp32: peak 5"]
    assert page.locator("#estimate-total").inner_text() == "660 JPY"

    # when two devices are switched Inactive on the device settings page
    page.click("text=Device settings")
    boxes = page.locator("input[name=device_ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("button:has-text('Switch Inactive')")
    page.click("#confirm-switch")  # R25: after the bill before the switch

    # then the page says what that changes, and the month keeps its peak (still 660) with 3 Active now
    assert "not charged from next month" in page.locator(".note").inner_text()
    page.click("text=Billing")
    assert page.locator("#usage tr", has_text="esp32").inner_text().split() == ["esp32", "5", "3"]
    assert page.locator("#estimate-total").inner_text() == "660 JPY"
