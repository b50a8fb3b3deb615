"""The bill before the switch on the device settings page (R21, R25; issue 12 item 2), without
JavaScript: the bulk switch's buttons show a preview (this month's and next month's bill now and
after, the difference, one sentence), which writes nothing; its Confirm switches.

Catalog: esp32, first 3 free then 300 JPY a device a month; Japan's 10%. Accounts in Asia/Tokyo,
devices Active from 2026-01-05T03:00Z; the page is used a day later."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.schema import metadata
from tests import factories as f
from tests.pages import open_page, session_csrf


@pytest.fixture
def fleet(app, clock):
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    account = f.account(app, name="Sakura Robotics")
    devices = f.devices(app, account, 10)
    clock.set(clock.now() + timedelta(days=1))
    return account, devices


def rows(app) -> dict[str, int]:
    with app.db.read() as conn:
        return {
            tb.name: conn.execute(select(func.count()).select_from(tb)).scalar_one() for tb in metadata.sorted_tables
        }


def cells(html: str) -> list[list[str]]:
    table = re.search(r'<table id="what-if-bills">(.*?)</table>', html, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_r21_r25_a_bulk_switch_shows_the_bills_before_it_is_confirmed_and_the_preview_writes_nothing(api, app, fleet):
    # given 10 esp32 Active since the 5th: January 7 paid x 300 + 10% = 2,310; February the same
    account, devices = fleet
    open_page(api, account)
    before = rows(app)
    # when 4 are chosen and Switch Inactive is pressed (the form's button posts to the preview)
    page = api.get("/billing/devices").text
    assert 'formaction="/billing/devices/preview"' in page
    form = {"csrf": session_csrf(api), "device_ids": devices[:4], "active": "false"}
    shown = api.post("/billing/devices/preview", data=form)

    # then the preview says what it changes: January already counted, February 990 (3 paid x 300 + 90)
    assert shown.status_code == 200, shown.text
    assert "Switching these 4 devices Inactive now" in shown.text
    assert "Saves 1,320 JPY a month from February; January is already counted." in shown.text
    assert cells(shown.text) == [
        ["", "As it stands", "After the switch", "Difference"],
        ["January 2026", "2,310 JPY", "2,310 JPY", "0 JPY"],
        ["February 2026", "2,310 JPY", "990 JPY", "−1,320 JPY"],
    ]
    # and nothing was written
    assert rows(app) == before

    # when the customer confirms (the preview's form posts the same devices to the switch)
    confirm = dict(re.findall(r'name="(csrf|active)" value="([^"]+)"', shown.text))
    confirm["device_ids"] = re.findall(r'name="device_ids" value="([^"]+)"', shown.text)
    assert confirm["device_ids"] == devices[:4] and confirm["active"] == "false"
    done = api.post("/billing/devices/switch", data=confirm, follow_redirects=False)

    # then the 4 are switched
    assert done.status_code == 303 and "note=inactive&changed=4" in done.headers["location"]
    with app.db.read() as conn:
        assert (
            conn.execute(select(func.count()).where(t.devices.c.account_id == account, t.devices.c.active)).scalar()
            == 6
        )


def test_r21_r25_the_preview_in_japanese(api, app, fleet):
    account, devices = fleet
    open_page(api, account)
    api.cookies.set("fleetbill_lang", "ja")
    shown = api.post(
        "/billing/devices/preview", data={"csrf": session_csrf(api), "device_ids": devices[:4], "active": "false"}
    )
    assert "これら 4 台を今非アクティブにすると" in shown.text
    assert "2月分から毎月1,320円安くなります。1月分はすでに計上済みです。" in shown.text
    assert cells(shown.text)[1][0] == "2026年1月分"


def test_r21_a_preview_with_no_device_chosen_says_what_to_do_and_another_accounts_device_is_not_found(api, app, fleet):
    account, _ = fleet
    other = f.account(app, name="Other")
    theirs = f.devices(app, other, 1)
    open_page(api, account)
    token = session_csrf(api)
    none = api.post("/billing/devices/preview", data={"csrf": token, "active": "false"})
    assert none.status_code == 422 and "choose at least one device" in none.text
    foreign = api.post("/billing/devices/preview", data={"csrf": token, "device_ids": theirs, "active": "false"})
    assert foreign.status_code == 422 and "has no device" in foreign.text
