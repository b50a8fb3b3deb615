"""R5, R20 explained (issue 12 item 1) in a real browser: from the billing page's estimate and from
a month's invoice to the view that says why each count is what it is: the type's step chart with its
peak marked, the instant the peak was first reached and the devices Active then, as CSV too; in
English and Japanese. Screenshot: FLEETBILL_SCREENSHOTS=docs/screenshots (billing-peak-explained.png).

The month is test_customer_pages_look's: Sakura Robotics in Tokyo, February to the 18th.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.e2e.test_customer_pages_look import DESKTOP, a_month_and_a_half, billing_link, shoot

FEBRUARY_AT_PEAK = [f"greenhouse-0{i}" for i in (1, 2, 4, 5, 6, 7, 8)] + ["orchard-01", "orchard-02", "orchard-03"]


def test_r5_r20_each_count_is_explained_with_its_chart_instant_and_devices(app, clock, live_server, browser):
    base, key = live_server
    account = a_month_and_a_half(app, clock)
    page = browser.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    page.goto(billing_link(base, key, account))

    # given this month's estimate: 10 ESP32s at once, first when the orchard's 3 joined on 7 February at noon
    line = page.locator("#estimate tr", has_text="ESP32 DevKit")
    assert "peak of 10 reached on 2026-02-07 12:00" in line.inner_text()

    # when the customer asks why
    line.locator("text=Why this count?").click()

    # then the view shows the type's chart with its peak, the instant, and the 10 devices Active then
    section = page.locator("#type-esp32")
    assert section.locator("h2").inner_text() == "ESP32 DevKit: 10 devices billed"
    assert section.locator(".peak-words").inner_text() == "peak of 10 reached on 2026-02-07 12:00"
    assert section.locator("svg.chart polyline.type-line").count() == 1
    assert "peak 10, first reached on Feb 07." in section.locator("desc").text_content()
    names = [row.split("\t")[0] for row in section.locator("table.devices-at-peak tr").all_inner_texts()[1:]]
    assert sorted(names) == FEBRUARY_AT_PEAK
    gates = page.locator("#type-m5stack")
    assert gates.locator(".peak-words").inner_text() == "peak of 2 reached on 2026-02-04 12:00"
    shoot(page, "billing-peak-explained")

    # and the same devices download as CSV, with the instant in Tokyo's time
    with page.expect_download() as download:
        section.locator("a[download]").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(r["device_name"] for r in rows) == FEBRUARY_AT_PEAK
    assert {r["peak_reached_at"] for r in rows} == {"2026-02-07T12:00:00+09:00"}

    # when the customer asks about January's invoice instead: its counts, as invoiced
    page.goto(base + "/billing")
    page.locator("#invoices tr", has_text="2026-01").locator("text=Why these counts").click()
    assert "These are the counts of the month's invoice" in page.locator("main").inner_text()
    january = page.locator("#type-esp32")
    assert january.locator(".peak-words").inner_text() == "peak of 8 reached on 2026-01-09 12:00"
    assert january.locator("table.devices-at-peak tr").count() == 1 + 8

    # and in Japanese
    page.goto(base + "/lang/ja?next=/billing/peaks/2026-02")
    assert page.locator("#type-esp32 .peak-words").inner_text() == "同時稼働の最大10台（2026年2月7日 12:00に到達）"
    assert page.locator("#type-esp32 h2").inner_text() == "ESP32 DevKit：10 台分のご請求"
