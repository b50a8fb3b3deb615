"""R20 (issue 12 item 4) in a real browser: the customer sets a monthly budget on the billing page
(a budget that is not a whole number of yen is refused, saying why, nothing changed); the page
shows this month's projection against it as a bar, and the 80% threshold reached, told at once.
Screenshot: FLEETBILL_SCREENSHOTS=docs/screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.schema_budgets import budget_thresholds
from fleetbill.domain.rating import Tier
from tests import factories as f
from tests.e2e.test_account_settings_browser import billing_link

SHOTS = os.environ.get("FLEETBILL_SCREENSHOTS")


def test_r20_the_customer_sets_a_budget_and_sees_the_projection_against_it(app, live_server, browser):
    base, key = live_server
    # given 9 devices Active at 1,000 JPY each with 10% tax: a projection of 9,900 JPY
    f.device_type(app)
    f.plan(app, "basic", {"esp32": [Tier(None, 1000)]})
    account = f.account(app, name="Sakura Robotics", billing_email="billing@sakura.example.jp")
    f.devices(app, account, 9)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(billing_link(base, key, account))
    budget = page.locator("#budget")
    assert "No budget yet" in budget.inner_text()

    # when the customer types a budget that is not a number: refused, saying why, nothing changed
    budget.locator("input[name=amount]").fill("twelve thousand")
    budget.locator("button").click()
    banner = page.locator("#budget .banner.error")
    assert "Nothing was changed." in banner.inner_text() and "whole number of JPY" in banner.inner_text()
    with app.db.read() as conn:
        assert conn.execute(select(t.accounts.c.budget).where(t.accounts.c.id == account)).scalar() is None

    # when the customer sets 12,000 JPY
    page.locator("#budget input[name=amount]").fill("12,000")
    page.locator("#budget button").click()

    # then the page shows the projection against it (82%), and the 80% threshold reached at once
    assert page.url.endswith("/billing?done=budget#budget")
    budget = page.locator("#budget")
    assert "Budget saved." in budget.locator(".note").inner_text()
    assert budget.locator("#budget-projection").inner_text() == (
        "Projected bill for 2026-01: 9,900 JPY, 82% of your budget of 12,000 JPY."
    )
    assert budget.locator(".budget-bar .fill.near").get_attribute("style") == "width: 82%"
    reached = budget.locator(".budget-reached").inner_text()
    assert "80% of the budget reached on 2026-01-05: projected 9,900 JPY." in reached
    assert budget.locator("input[name=amount]").input_value() == "12000"
    with app.db.read() as conn:
        told = conn.execute(select(budget_thresholds.c.threshold, budget_thresholds.c.projection)).all()
    assert [tuple(r) for r in told] == [(80, 9_900)]
    page.set_viewport_size({"width": 900, "height": 900})
    page.locator("#budget").scroll_into_view_if_needed()
    shot_budget(page)


def shot_budget(page) -> None:
    """The estimate and the budget under it, as the customer sees them."""
    if not SHOTS:
        return
    top, bottom = page.evaluate(
        """() => [document.querySelector("#estimate").getBoundingClientRect().top + window.scrollY,
                  document.querySelector("#budget").getBoundingClientRect().bottom + window.scrollY]"""
    )
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    clip = dict(x=0, y=top - 12, width=900, height=bottom - top + 24)
    page.screenshot(path=str(Path(SHOTS) / "billing-budget.png"), full_page=True, clip=clip)
