"""The bill before the switch (R2, R5, R21, R25; issue 12 item 2) through the API on the real
database: worked examples asserted to the yen, each equal to what closing the months gives once
the same changes are made; nothing written by the preview; refusals as problems.

Catalog (tax-exclusive, R8; Japan's 10%, rounded down, R12):

  plan   esp32                          m5stack   features
  basic  first 3 free, then 300 each    500       api, dashboard
  plus   first 3 free, then 250 each    400       api, dashboard, alerts   (an upgrade: more features)

Accounts are in Asia/Tokyo and sign up at the fixtures' start, 2026-01-05T03:00Z. Tokyo's January
is [2025-12-31T15:00Z, 2026-01-31T15:00Z), February [.., 2026-02-28T15:00Z).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db.schema import metadata
from tests.integration.test_collection import Billing, ok, problem

JAN_20 = datetime(2026, 1, 20, 1, 0, tzinfo=UTC)  # 10:00 on the 20th in Tokyo
JAN_25 = datetime(2026, 1, 25, 1, 0, tzinfo=UTC)
FEB_1 = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)  # February's first instant in Tokyo
FEB_10 = datetime(2026, 2, 10, 1, 0, tzinfo=UTC)
MAR_CLOSE = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # 09:00 on Mar 1 in Tokyo: January and February have ended
ESP32 = [{"up_to": 3, "unit_price": 0}, {"up_to": None, "unit_price": 300}]


class WhatIf(Billing):
    def preview(self, account_id: str, changes: list[dict], plan_id: str | None = None, **headers) -> dict:
        body: dict = {"changes": changes} | ({"plan_id": plan_id} if plan_id else {})
        return ok(self.api.post(f"/v1/accounts/{account_id}/what-if", json=body, headers=headers))

    def switch(self, account_id: str, device_ids: list[str], active: bool) -> None:
        ok(
            self.api.post(
                f"/v1/accounts/{account_id}/devices/status", json={"device_ids": device_ids, "active": active}
            )
        )

    def totals(self, account_id: str) -> dict[str, int]:
        return {i["billing_month"]: i["total"] for i in ok(self.api.get(f"/v1/accounts/{account_id}/invoices"))}

    def rows(self) -> dict[str, int]:
        """Every table's row count: what a preview must leave as it found it."""
        with self.app.db.read() as conn:
            return {
                tb.name: conn.execute(select(func.count()).select_from(tb)).scalar_one()
                for tb in metadata.sorted_tables
            }


@pytest.fixture
def whatif(api, app) -> WhatIf:
    ok(api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}), 201)
    ok(api.post("/v1/device-types", json={"id": "m5stack", "name": "M5Stack"}), 201)
    for plan_id, esp32_paid, m5, features in (
        ("basic", 300, 500, ["api", "dashboard"]),
        ("plus", 250, 400, ["api", "dashboard", "alerts"]),
    ):
        prices = {
            "esp32": [ESP32[0], {"up_to": None, "unit_price": esp32_paid}],
            "m5stack": [{"up_to": None, "unit_price": m5}],
        }
        ok(
            api.post(
                "/v1/plans", json={"id": plan_id, "name": plan_id.title(), "features": features, "prices": prices}
            ),
            201,
        )
    return WhatIf(api, app)


def _months(answer: dict) -> tuple:
    """(before total, after total, difference) of this month and next month."""
    return tuple(
        (m["before"]["total"], m["after"]["total"], m["difference"])
        for m in (answer["this_month"], answer["next_month"])
    )


def test_r21_r25_switching_4_of_10_inactive_now_saves_from_next_month_and_the_close_agrees(whatif):
    """R5, R21, R25: the issue's example. 10 esp32 Active since the 5th; on the 20th, 4 switched
    Inactive now. January's peak stays 10: 7 paid x 300 = 2,100 + 210 tax = 2,310, before and
    after. February before: 10 stay Active, 2,310; after: 6, 3 paid x 300 = 900 + 90 = 990."""
    # given 10 devices Active since the 5th and the clock at the 20th
    account = whatif.account("basic")
    devices = whatif.devices(account, 10)
    whatif.at(JAN_20)
    rows = whatif.rows()

    # when the customer previews switching 4 Inactive now
    answer = whatif.preview(account, [{"device_ids": devices[:4], "active": False}])

    # then January is already counted and February saves 1,320 JPY
    assert _months(answer) == ((2_310, 2_310, 0), (2_310, 990, -1_320))
    assert answer["this_month"]["month"] == "2026-01" and answer["next_month"]["month"] == "2026-02"
    assert answer["this_month"]["billable_devices_after"] == {"esp32": 10}
    assert answer["next_month"]["billable_devices_after"] == {"esp32": 6}
    assert answer["summary"] == "Saves 1,320 JPY a month from February; January is already counted."
    assert answer["written"] is False and answer["purchase"] is None
    # and nothing was written
    assert whatif.rows() == rows

    # when the same switch is made and both months close
    whatif.switch(account, devices[:4], False)
    whatif.at(MAR_CLOSE)
    whatif.run()

    # then the invoices are what the preview said, to the yen
    assert whatif.totals(account) == {"2026-01": 2_310, "2026-02": 990}


def test_r5_r25_devices_active_from_the_25th_raise_this_months_peak_and_next_months_and_a_switch_in_february(whatif):
    """R5: 4 esp32 and 1 m5stack Active since the 5th, 2 esp32 Inactive since the 10th (created
    Inactive history). On the 20th: the 2 Active again from the 25th, and on Feb 10 one m5stack
    Inactive. January before: peak 4 esp32 (1 paid, 300) + 1 m5stack (500) = 800 + 80 = 880;
    after: still 4 at once at most (the 2 come back to 4), 880. February before: 2 esp32 (0) +
    500 = 550; after: 4 esp32 (300) + m5stack counted (Active until the 10th) 500 = 800 + 80 = 880."""
    account = whatif.account("basic")
    esp = whatif.devices(account, 4)
    m5 = ok(whatif.api.post(f"/v1/accounts/{account}/devices", json={"device_type_id": "m5stack"}), 201)["id"]
    whatif.at(datetime(2026, 1, 10, 1, 0, tzinfo=UTC))
    whatif.switch(account, esp[:2], False)
    whatif.at(JAN_20)

    changes = [
        {"device_ids": esp[:2], "active": True, "at": JAN_25.isoformat()},
        {"device_ids": [m5], "active": False, "at": FEB_10.isoformat()},
    ]
    answer = whatif.preview(account, changes)

    assert _months(answer) == ((880, 880, 0), (550, 880, 330))
    assert answer["summary"] == "Adds 330 JPY a month from February; January's bill does not change."

    # when the same changes are made at their instants and both months close
    whatif.at(JAN_25)
    whatif.switch(account, esp[:2], True)
    whatif.at(FEB_10)
    whatif.switch(account, [m5], False)
    whatif.at(MAR_CLOSE)
    whatif.run()
    assert whatif.totals(account) == {"2026-01": 880, "2026-02": 880}


def test_r10_r25_an_upgrade_now_prices_this_month_under_the_new_plan(whatif):
    """R10: an upgrade starts at once, and usage in a month is priced under the plan held at its
    end: 6 esp32 on plus, 3 paid x 250 = 750 + 75 = 825 this month and next (before: 3 x 300 =
    900 + 90 = 990); no fixed fee, so no purchase invoice."""
    account = whatif.account("basic")
    whatif.devices(account, 6)
    whatif.at(JAN_20)
    answer = whatif.preview(account, [], plan_id="plus")
    assert _months(answer) == ((990, 825, -165), (990, 825, -165))
    assert answer["plan"] == {
        "before": "basic",
        "after": "plus",
        "kind": "upgrade",
        "effective_at": "2026-01-20T01:00:00Z",
    }
    assert answer["summary"] == "Saves 165 JPY in January; saves 165 JPY a month from February."

    ok(whatif.api.post(f"/v1/accounts/{account}/plan", json={"plan_id": "plus"}))
    whatif.at(MAR_CLOSE)
    whatif.run()
    assert whatif.totals(account) == {"2026-01": 825, "2026-02": 825}


def test_r10_r25_a_downgrade_waits_for_the_renewal_so_only_next_month_changes(whatif):
    """R10: a downgrade (plus -> basic) takes effect at the next renewal, February's start: January
    stays on plus (825), February is on basic (990)."""
    account = whatif.account("plus")
    whatif.devices(account, 6)
    whatif.at(JAN_20)
    answer = whatif.preview(account, [], plan_id="basic")
    assert _months(answer) == ((825, 825, 0), (825, 990, 165))
    assert answer["plan"]["kind"] == "downgrade" and answer["plan"]["effective_at"] == "2026-01-31T15:00:00Z"

    ok(whatif.api.post(f"/v1/accounts/{account}/plan", json={"plan_id": "basic"}))
    whatif.at(MAR_CLOSE)
    whatif.run()
    assert whatif.totals(account) == {"2026-01": 825, "2026-02": 990}


def test_r16_r25_points_pay_the_preview_as_they_will_pay_the_invoices(whatif):
    """R16: 1,000 points pay January's 990 (after the upgrade: 825) and what is left pays February."""
    account = whatif.account("basic")
    devices = whatif.devices(account, 6)
    whatif.grant(account, 1_000)
    whatif.at(JAN_20)
    answer = whatif.preview(account, [{"device_ids": devices[:3], "active": False}])
    this, nxt = answer["this_month"], answer["next_month"]
    assert (this["before"]["points_applied"], this["before"]["amount_due"]) == (990, 0)
    assert (nxt["before"]["points_applied"], nxt["before"]["amount_due"]) == (10, 980)
    assert (nxt["after"]["total"], nxt["after"]["points_applied"], nxt["after"]["amount_due"]) == (0, 0, 0)


def test_r22_a_read_only_key_may_preview_since_nothing_is_written(whatif):
    account = whatif.account("basic")
    devices = whatif.devices(account, 4)
    whatif.at(JAN_20)
    made = ok(whatif.api.post("/v1/api-keys", json={"name": "dashboard", "scope": "read_only"}), 201)
    reader = {"Authorization": f"Bearer {made['secret']}"}
    answer = whatif.preview(account, [{"device_ids": devices[:1], "active": False}], **reader)
    assert answer["this_month"]["difference"] == 0
    # and the same key still may not switch
    refused = whatif.api.post(
        f"/v1/accounts/{account}/devices/status", json={"device_ids": devices[:1], "active": False}, headers=reader
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "change, status, says",
    [
        ({"device_ids": ["no-such-device"], "active": False}, 422, "has no device no-such-device"),
        ({"device_ids": ["D0"], "active": False, "at": "2026-01-19T00:00:00Z"}, 422, "is before now"),
        ({"device_ids": ["D0"], "active": False, "at": "2026-03-05T00:00:00Z"}, 422, "after next month"),
        ({"device_ids": ["D0"], "active": False, "at": "2026-01-25T10:00:00"}, 422, "timezone"),
    ],
)
def test_r4_r25_bad_plans_are_problems_that_say_what_to_fix(whatif, change, status, says):
    account = whatif.account("basic")
    devices = whatif.devices(account, 2)
    whatif.at(JAN_20)
    change = change | {"device_ids": [devices[0] if d == "D0" else d for d in change["device_ids"]]}
    body = problem(whatif.api.post(f"/v1/accounts/{account}/what-if", json={"changes": [change]}), status)
    assert says in body["detail"] or says in str(body.get("errors")), body


def test_r10_r25_an_unknown_plan_or_the_plan_held_are_refused(whatif):
    account = whatif.account("basic")
    whatif.at(JAN_20)
    url = f"/v1/accounts/{account}/what-if"
    assert "no plan 'gold'" in problem(whatif.api.post(url, json={"plan_id": "gold"}), 422)["detail"]
    assert "on plan basic already" in problem(whatif.api.post(url, json={"plan_id": "basic"}), 409)["detail"]
    assert problem(whatif.api.post("/v1/accounts/nope/what-if", json={}), 404)
