"""R9 (issue 12 item 3) in Debian's Chromium against the real server: before announcing new prices,
the operator previews their impact on the announcement form, beside the notice-period check, then
announces them. With FLEETBILL_SCREENSHOTS=<folder> set, it saves the form with its preview there
(docs/screenshots/console-price-impact.png is made this way).

Plan "starter" (tax-exclusive, R8): esp32 first 3 free, then 300; LTE tracker 500 flat. January to
March are closed. The proposal from June: esp32 first 5 free, 6-20 at 320, then 260; LTE 450.
Each account's three months (the same quantities every month), billed -> with the proposal:

  Sakura Robotics       esp32 12, LTE 2   (9x300 + 2x500 = 3,700 -> 7x320 + 900 = 3,140) x3: -1,680
  Kyoto Sensors         esp32 5           (2x300 = 600 -> 0)                            x3: -1,800
  Hokkaido Weather Net  esp32 40, LTE 6   (37x300 + 3,000 = 14,100 -> 15x320 + 20x260 + 2,700
                                           = 12,700)                                   x3: -4,200
  Osaka Farms           esp32 2           (0 -> 0)                                      x3: 0
  Nagoya Logistics      esp32 24          (21x300 = 6,300 -> 15x320 + 4x260 = 5,840)    x3: -1,380
  Sendai Meters         esp32 9, LTE 1    (6x300 + 500 = 2,300 -> 4x320 + 450 = 1,730)   x3: -1,710
  Fukuoka Labs          esp32 21          (18x300 = 5,400 -> 15x320 + 260 = 5,060)      x3: -1,020
  Kobe Drones           opened in April: no closed month, not compared

A dearer proposal (esp32 first 3 free, then 330) raises every bill that pays for esp32.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from fleetbill.domain.rating import Tier
from fleetbill.services.close_month import close_due_months
from fleetbill.services.staff import create_staff
from tests import factories as f

EMAIL, PASSWORD = "hana@example.jp", "correct horse battery staple"
FLEET = {  # name: (esp32, LTE trackers)
    "Sakura Robotics": (12, 2),
    "Kyoto Sensors": (5, 0),
    "Hokkaido Weather Net": (40, 6),
    "Osaka Farms": (2, 0),
    "Nagoya Logistics": (24, 0),
    "Sendai Meters": (9, 1),
    "Fukuoka Labs": (21, 0),
}
PROPOSAL = "esp32 5 0\nesp32 20 320\nesp32 - 260\nlte-tracker - 450"


def fleet(app, clock) -> None:
    f.device_type(app, "esp32", "ESP32 sensor")
    f.device_type(app, "lte-tracker", "LTE tracker")
    f.plan(app, "starter", {"esp32": [Tier(3, 0), Tier(None, 300)], "lte-tracker": [Tier(None, 500)]})
    for name, (esp32, lte) in FLEET.items():
        account = f.account(app, "starter", name=name)
        f.devices(app, account, esp32)
        if lte:
            f.devices(app, account, lte, "lte-tracker")
    for month in (2, 3, 4):
        clock.set(datetime(2026, month, 1, 3, 0, tzinfo=UTC))
        close_due_months(app.db, clock, app.settings)
    f.devices(app, f.account(app, "starter", name="Kobe Drones"), 8)
    with app.db.transaction() as conn:
        create_staff(conn, clock.now(), EMAIL, "Hana Sato", PASSWORD)


def test_r9_the_announcement_form_previews_the_impact_beside_the_notice_check_in_chromium(
    app, clock, live_server, browser
):
    # given three closed months on plan starter
    base, _ = live_server
    fleet(app, clock)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{base}/console/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")

    # when the operator types new prices from June and asks for their impact
    page.goto(f"{base}/console/plans")
    plan = page.locator("#plan-starter")
    plan.locator("summary").click()
    plan.locator("input[name=effective_month]").fill("2026-06")
    plan.locator("textarea[name=prices]").fill(PROPOSAL)
    plan.locator("button:has-text('Preview the impact')").click()

    # then the form is shown again with what was typed and, beside it, the notice check and the impact
    plan = page.locator("#plan-starter")
    impact = plan.locator("#impact")
    assert plan.locator("textarea[name=prices]").input_value() == PROPOSAL
    form_box, impact_box = plan.locator("form.stack").bounding_box(), impact.bounding_box()
    assert impact_box["x"] > form_box["x"] + form_box["width"]  # beside the form, not under it
    assert "Can be announced now: prices from 2026-06 must be announced by 2026-05-01 19:00" in impact.inner_text()
    assert impact.locator("#impact-change").inner_text() == "-11,790"
    counts = impact.locator("#impact-counts").inner_text()
    assert "Of 7 accounts compared: 0 would pay more, 6 less, 1 the same." in counts
    assert "Not compared, with no closed month yet: 1." in counts
    rows = impact.locator("#impact-device-types tr")
    assert [rows.nth(i).inner_text().split("\t") for i in (1, 2)] == [
        ["ESP32 sensor", "7", "83,700", "73,260", "-10,440"],
        ["LTE tracker", "3", "13,500", "12,150", "-1,350"],
    ]
    assert "No account would pay more." in impact.inner_text()

    # when a dearer proposal is previewed instead
    plan.locator("textarea[name=prices]").fill("esp32 3 0\nesp32 - 330\nlte-tracker - 500")
    plan.locator("button:has-text('Preview the impact')").click()

    # then the largest increases are listed, the largest first, each linking to its account
    plan = page.locator("#plan-starter")
    increases = plan.locator("#impact-increases tr")
    assert increases.nth(1).inner_text().split("\t") == ["Hokkaido Weather Net", "42,300", "45,630", "+3,330"]
    assert increases.nth(2).inner_text().split("\t") == ["Nagoya Logistics", "18,900", "20,790", "+1,890"]
    assert increases.count() == 1 + 6  # every account paying for esp32 beyond the free 3
    folder = os.environ.get("FLEETBILL_SCREENSHOTS")
    if folder:
        plan.screenshot(path=str(Path(folder) / "console-price-impact.png"))

    # and Announce announces what was previewed
    plan.locator("button:has-text('Announce')").click()
    assert page.locator("[role=status]").first.inner_text() == "Done. It is in the audit log."
    assert "esp32: first 3: free, then 330 JPY each" in page.locator("#plan-starter table").first.inner_text()
