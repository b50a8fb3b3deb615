"""Device settings (R1, R21): register a device from the page and see its key once; a form sent
twice registers one device; switching says how many changed and what that changes.

Catalog: esp32, first 3 free then 300 JPY a device a month; Japan's 10%."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.services.devices import key_hash
from tests import factories as f
from tests.pages import csrf, open_page


@pytest.fixture
def account(app):
    f.device_type(app)
    f.device_type(app, "m5stack", "M5Stack")  # in the catalog, but not priced by the plan
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    return f.account(app, name="Sakura Robotics")


def register_form(api) -> dict:
    html = api.get("/billing/devices").text
    form_id = re.search(r'name="form_id" value="([^"]+)"', html).group(1)
    return {"csrf": csrf(html), "form_id": form_id, "device_type": "esp32", "name": "greenhouse-7"}


def device_count(db, account_id: str) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).where(t.devices.c.account_id == account_id)).scalar()


def test_r1_r21_registering_a_device_shows_its_key_once_and_it_counts_from_then(api, app, clock, account):
    # given 3 esp32 (all free: 0 JPY this month)
    f.devices(app, account, 3)
    open_page(api, account)
    # the form offers only the types the plan prices
    page = api.get("/billing/devices").text
    assert '<option value="esp32">ESP32 (esp32)</option>' in page and 'value="m5stack"' not in page
    # when a fourth is registered on the page
    shown = api.post("/billing/devices/register", data=register_form(api))
    # then its key is on that answer, not to be cached, and only its hash is kept
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    key = re.search(r'id="device-key">([^<]+)<', shown.text).group(1)
    assert key.startswith("dk_") and "greenhouse-7 (esp32) is registered and Active from now." in shown.text
    with app.db.read() as conn:
        row = conn.execute(select(t.devices).where(t.devices.c.name == "greenhouse-7")).one()
        history = conn.execute(select(t.status_changes).where(t.status_changes.c.device_id == row.id)).one()
    assert (row.key_hash, row.key_last4, row.active) == (key_hash(key), key[-4:], True)
    assert (history.actor, history.active, history.effective_at) == ("billing-page", True, clock.now())
    # and it is never shown again: the list has its last 4 characters only
    listed = api.get("/billing/devices").text
    assert key not in listed and f"issued 2026-01-05, ends {key[-4:]}" in listed
    # R5: the fourth device is billed from now: 1 x 300 + 10% = 330 JPY
    assert 'id="estimate-total">330 JPY' in api.get("/billing").text


def test_r1_a_form_sent_twice_registers_one_device(api, app, account):
    open_page(api, account)
    form = register_form(api)
    first = api.post("/billing/devices/register", data=form)
    again = api.post("/billing/devices/register", data=form, follow_redirects=False)  # a reload, a double click
    assert first.status_code == 200 and "dk_" in first.text
    assert again.status_code == 303 and again.headers["location"] == "/billing/devices?note=already"
    assert "This form was sent already" in api.get(again.headers["location"]).text
    assert device_count(app.db, account) == 1


def test_r21_a_device_type_the_plan_does_not_price_is_refused_on_the_page(api, app, account):
    open_page(api, account)
    refused = api.post("/billing/devices/register", data=register_form(api) | {"device_type": "m5stack"})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
    assert (
        "Nothing was changed." in refused.text
        and "plan basic has no price for device type &#39;m5stack&#39;" in refused.text
    )
    assert device_count(app.db, account) == 0


def test_r21_switching_says_how_many_changed_and_an_empty_choice_is_explained(api, app, clock, account):
    ids = f.devices(app, account, 3)
    clock.set(clock.now() + timedelta(hours=1))
    open_page(api, account)
    token = csrf(api.get("/billing/devices").text)
    done = api.post("/billing/devices/switch", data={"csrf": token, "device_ids": ids[:2], "active": "false"})
    assert "2 devices switched Inactive." in done.text and "not charged from next month" in done.text
    nothing = api.post("/billing/devices/switch", data={"csrf": token, "active": "false"})
    assert nothing.status_code == 422 and "choose at least one device to switch" in nothing.text
    assert 'id="device-count">3 devices' in nothing.text


def test_r2_r21_a_devices_own_switch_changes_that_device_only(api, app, account):
    # given 3 Active devices, two of them ticked
    ids = f.devices(app, account, 3)
    open_page(api, account)
    page = api.get("/billing/devices").text
    assert page.count(">Make Inactive</button>") == 3
    # when the third device's own button is pressed (the ticked boxes go with the form)
    done = api.post(
        "/billing/devices/switch", data={"csrf": csrf(page), "device_ids": ids[:2], "only": f"{ids[2]}:false"}
    )
    # then only that device is Inactive, and its button now switches it back
    assert "1 device switched Inactive." in done.text
    with app.db.read() as conn:
        active = dict(conn.execute(select(t.devices.c.id, t.devices.c.active)).all())
    assert active == {ids[0]: True, ids[1]: True, ids[2]: False}
    assert f'value="{ids[2]}:true"' in done.text and done.text.count(">Make Active</button>") == 1
