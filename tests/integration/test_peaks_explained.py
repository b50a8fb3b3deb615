"""R5 explained (issue 12 item 1): each usage line says when its peak was first reached and which
devices were Active then: on the invoice's API object, its PDF and CSV, this month's estimate and
GET /v1/accounts/{id}/peaks/{month}. Runs on SQLite and, with FLEETBILL_TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.services.close_month import close_due_months
from tests import factories as f

TOKYO = "Asia/Tokyo"
MARCH = BillingMonth.parse("2026-03")
MARCH_START = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)  # 2026-03-01 00:00 in Tokyo


def jst(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of March 2026 given in Tokyo's time."""
    return (
        datetime(2026, 3, day, hour - 9, minute, tzinfo=UTC)
        if hour >= 9
        else datetime(2026, 3, day - 1, hour + 15, minute, tzinfo=UTC)
    )


@pytest.fixture
def fleet(app, clock):
    """Acme in Tokyo: ESP32s a, b Active since February and c added on 3 March at 10:02 (3 Active,
    the peak, first reached then); a off on the 5th and on again on the 9th (3 again: a tie, which
    keeps the first instant); b off on the 20th. One LTE gateway g Active since February (its peak
    of 1 held from the month's first instant), off on the 15th."""
    f.device_type(app)
    f.device_type(app, "lte", "LTE gateway")
    f.plan(app, prices={"esp32": [Tier(None, 100)], "lte": [Tier(None, 300)]})
    clock.set(datetime(2026, 2, 10, tzinfo=UTC))
    acme = f.account(app, name="Acme")
    a, b = f.devices(app, acme, 2)
    [g] = f.devices(app, acme, 1, "lte")
    clock.set(jst(3, 10, 2))
    [c] = f.devices(app, acme, 1)
    for day, devices, active in ((5, [a], False), (9, [a], True), (15, [g], False), (20, [b], False)):
        clock.set(jst(day, 12))
        f.switch(app, acme, devices, active)
    return acme, dict(a=a, b=b, c=c, g=g)


def _close_march(app, clock):
    clock.set(datetime(2026, 4, 1, 6, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)


def _march_invoice(api, acme) -> dict:
    [invoice] = [i for i in api.get(f"/v1/accounts/{acme}/invoices").json() if i["billing_month"] == "2026-03"]
    return invoice


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_r5_the_invoice_line_says_when_its_peak_was_first_reached(app, clock, api, fleet):
    acme, _ = fleet
    _close_march(app, clock)
    lines = {x["device_type_id"]: x for x in _march_invoice(api, acme)["lines"] if x["kind"] == "usage"}
    # then the ESP32 line bills 3 (300 JPY), first reached when c was added (not at the tie on the 9th)
    assert (lines["esp32"]["quantity"], lines["esp32"]["amount"]) == (3, 300)
    assert _at(lines["esp32"]["peak_at"]) == jst(3, 10, 2)
    # and the gateway's peak of 1 was made by a device Active since February: the month's first instant
    assert (lines["lte"]["quantity"], lines["lte"]["amount"]) == (1, 300)
    assert _at(lines["lte"]["peak_at"]) == MARCH_START
    # (the close stored them with the invoice, one row per line)
    with app.db.read() as conn:
        mp = t.month_peaks
        stored = conn.execute(
            select(mp.c.device_type_id, mp.c.peak).where(mp.c.account_id == acme, mp.c.month == MARCH.index)
        ).all()
    assert sorted(stored) == [("esp32", 3), ("lte", 1)]


def test_r5_the_devices_active_at_the_peak_are_listed(app, clock, api, fleet):
    acme, ids = fleet
    _close_march(app, clock)
    r = api.get(f"/v1/accounts/{acme}/peaks/2026-03")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["closed"] is True
    types = {x["device_type_id"]: x for x in body["types"]}
    assert {d["id"] for d in types["esp32"]["devices"]} == {ids["a"], ids["b"], ids["c"]}
    assert {d["id"] for d in types["lte"]["devices"]} == {ids["g"]}
    assert (types["esp32"]["peak"], _at(types["esp32"]["peak_at"])) == (3, jst(3, 10, 2))
    # one type alone
    only = api.get(f"/v1/accounts/{acme}/peaks/2026-03", params={"device_type": "lte"}).json()
    assert [x["device_type_id"] for x in only["types"]] == ["lte"]


def test_r5_this_months_estimate_is_explained_as_it_stands(app, clock, api, fleet):
    acme, ids = fleet
    clock.set(jst(25, 9))
    usage = api.get(f"/v1/accounts/{acme}/usage").json()
    lines = {x["device_type_id"]: x for x in usage["estimate"]["lines"] if x["kind"] == "usage"}
    assert (lines["esp32"]["quantity"], _at(lines["esp32"]["peak_at"])) == (3, jst(3, 10, 2))
    body = api.get(f"/v1/accounts/{acme}/peaks/2026-03").json()
    assert body["closed"] is False
    esp32 = next(x for x in body["types"] if x["device_type_id"] == "esp32")
    assert {d["id"] for d in esp32["devices"]} == {ids["a"], ids["b"], ids["c"]}


def test_r5_a_peak_explanation_refuses_what_it_cannot_explain(app, clock, api, fleet):
    acme, _ = fleet
    clock.set(jst(25, 9))
    for month, status, said in (
        ("2026-13", 422, "month must be 1..12"),
        ("March", 422, "YYYY-MM"),
        ("2026-05", 422, "has not begun"),
    ):
        r = api.get(f"/v1/accounts/{acme}/peaks/{month}")
        assert r.status_code == status, r.text
        assert said in r.json()["detail"]
    assert api.get("/v1/accounts/nobody/peaks/2026-03").status_code == 404


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_r5_r14_the_pdf_and_the_csv_say_when_the_peak_was_reached(app, clock, api, fleet, tmp_path):
    acme, _ = fleet
    _close_march(app, clock)
    invoice = _march_invoice(api, acme)
    texts = {}
    for lang in ("en", "ja"):
        r = api.get(f"/v1/invoices/{invoice['id']}.pdf", params={"lang": lang})
        assert r.status_code == 200, r.text
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(r.content)
        texts[lang] = " ".join(
            subprocess.run(
                ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
            ).stdout.split()
        )
    assert "peak of 3 reached on 2026-03-03 10:02" in texts["en"]
    assert "peak of 1 held from the month's start" in texts["en"]
    assert "同時稼働の最大3台（2026年3月3日 10:02に到達）" in texts["ja"]
    rows = list(csv.DictReader(io.StringIO(api.get(f"/v1/invoices/{invoice['id']}.csv").content.decode("utf-8-sig"))))
    by_type = {r["device_type"]: r for r in rows if r["kind"] == "usage"}
    assert by_type["esp32"]["peak_reached_at"] == "2026-03-03T10:02:00+09:00"
    assert by_type["lte"]["peak_reached_at"] == "2026-03-01T00:00:00+09:00"
    assert all(r["peak_reached_at"] == "" for r in rows if r["kind"] != "usage")


# --- found by a review: what a closed month's invoice billed is what is explained ------------------


def _plan_now(app, acme) -> str:
    with app.db.read() as conn:
        return conn.execute(select(t.accounts.c.plan_id).where(t.accounts.c.id == acme)).scalar()


def _move_to(api, app, clock, acme, plan_id: str) -> None:
    """Ask for another plan on 2 April; it applies with the renewal April's close makes (R10)."""
    clock.set(datetime(2026, 4, 2, tzinfo=UTC))
    assert api.post(f"/v1/accounts/{acme}/plan", json={"plan_id": plan_id}).status_code == 200
    clock.set(datetime(2026, 5, 1, 6, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)
    assert _plan_now(app, acme) == plan_id


def test_r5_r6_a_closed_month_is_explained_as_its_invoice_billed_whatever_the_plan_is_now(app, clock, api):
    f.device_type(app)
    f.plan(app, "basic", {"esp32": [Tier(None, 100)]})
    f.plan(app, "pro", {"esp32": [Tier(None, 500)]}, mode=CountingMode.DISTINCT)
    clock.set(datetime(2026, 2, 10, tzinfo=UTC))
    peak_first = f.account(app, "basic", name="Peak first")
    distinct_first = f.account(app, "pro", name="Distinct first")
    first = {acme: f.devices(app, acme, 2)[0] for acme in (peak_first, distinct_first)}
    clock.set(jst(5, 12))
    for acme, a in first.items():
        f.switch(app, acme, [a], False)
    clock.set(jst(6, 12))
    for acme in first:
        f.devices(app, acme, 1)
    _close_march(app, clock)
    # March billed a peak of 2 to the one (first reached at the month's start) and 3 distinct devices
    # to the other; then each moves to the other counting mode
    _move_to(api, app, clock, peak_first, "pro")
    with app.db.transaction() as conn:  # (the other's plan change, the same way)
        conn.execute(t.accounts.update().where(t.accounts.c.id == distinct_first).values(plan_id="basic"))
    # then March is explained as its invoice billed it: the peak of 2, though the plan counts distinct now
    r = api.get(f"/v1/accounts/{peak_first}/peaks/2026-03")
    assert r.status_code == 200, r.text
    [esp32] = r.json()["types"]
    assert (esp32["peak"], _at(esp32["peak_at"]), len(esp32["devices"])) == (2, MARCH_START, 2)
    # and a month billed on distinct devices has no peak to explain, though the plan counts peaks now
    # (it would have said 2, not the 3 its invoice billed)
    r = api.get(f"/v1/accounts/{distinct_first}/peaks/2026-03")
    assert r.status_code == 422 and "every device Active at any moment" in r.json()["detail"]
    with app.db.transaction() as conn:  # (even without its stored peaks: a month closed before them)
        conn.execute(t.month_peaks.delete())
    assert api.get(f"/v1/accounts/{distinct_first}/peaks/2026-03").status_code == 422
    again = api.get(f"/v1/accounts/{peak_first}/peaks/2026-03")
    assert again.status_code == 200, again.text
    assert again.json()["types"][0]["peak"] == 2


def test_r5_r20_only_invoices_billed_on_a_peak_link_to_their_explanation(app, clock, api):
    from tests.pages import open_page

    f.device_type(app)
    f.plan(app, "basic", {"esp32": [Tier(None, 100)]})
    f.plan(app, "pro", {"esp32": [Tier(None, 500)]}, mode=CountingMode.DISTINCT)
    clock.set(datetime(2026, 2, 10, tzinfo=UTC))
    peak, distinct = f.account(app, "basic", name="Peak"), f.account(app, "pro", name="Distinct")
    f.devices(app, peak, 2)
    f.devices(app, distinct, 2)
    _close_march(app, clock)
    open_page(api, peak)
    assert '<a href="/billing/peaks/2026-03">' in api.get("/billing").text
    open_page(api, distinct)
    assert "/billing/peaks/" not in api.get("/billing").text


def test_r5_the_devices_csv_and_the_api_take_a_known_device_type_only(app, clock, api, fleet):
    from tests.pages import open_page

    acme, _ = fleet
    clock.set(jst(25, 9))
    open_page(api, acme)
    for name in ("nosuch", "%E2%82%AC", "a%0d%0aSet-Cookie:%20x=1"):
        r = api.get(f"/billing/peaks/2026-03/{name}.csv")
        assert r.status_code == 404, (name, r.status_code)
        assert "set-cookie" not in {k.lower() for k in r.headers if r.headers[k] == "x=1"}
    r = api.get("/billing/peaks/2026-03/esp32.csv")
    assert r.headers["content-disposition"] == 'attachment; filename="peak-2026-03-esp32.csv"'
    r = api.get(f"/v1/accounts/{acme}/peaks/2026-03", params={"device_type": "nosuch"})
    assert r.status_code == 404 and "no device type 'nosuch'" in r.json()["detail"]
    r = api.get(f"/v1/accounts/{acme}/peaks/2026-01")
    assert r.status_code == 422 and "first month is 2026-02" in r.json()["detail"]


def test_r5_an_account_the_close_skipped_keeps_no_closing_level_for_its_open_month(app, clock, api):
    """A review found: an account without devices skipped by January's close (its plan had no
    price) stored that it had none, and a fleet imported into January then went uncounted."""
    from tests.integration.test_import_fleet import _csv, _import, _row

    f.device_type(app)
    f.plan(app, prices={"esp32": [Tier(None, 100)]})
    f.plan(app, "lite", prices={"esp32": [Tier(None, 100)]})
    clock.set(datetime(2026, 1, 10, tzinfo=UTC))
    delta = [_row("crm-4", "Delta", plan="lite")]
    _import(app, _csv(delta))
    with app.db.read() as conn:
        acc = conn.execute(select(t.accounts.c.id).where(t.accounts.c.name == "Delta")).scalar()
    pv, tiers = t.price_versions, t.price_tiers
    with app.db.transaction() as conn:  # January's close cannot price Delta: skipped, its month stays open
        ids = conn.execute(select(pv.c.id).where(pv.c.plan_id == "lite")).scalars().all()
        saved_tiers = conn.execute(select(tiers).where(tiers.c.price_version_id.in_(ids))).all()
        saved = conn.execute(select(pv).where(pv.c.plan_id == "lite")).all()
        conn.execute(tiers.delete().where(tiers.c.price_version_id.in_(ids)))
        conn.execute(pv.delete().where(pv.c.plan_id == "lite"))
    clock.set(datetime(2026, 2, 1, 6, tzinfo=UTC))
    report = close_due_months(app.db, clock, app.settings)
    assert [a for a, _, _ in report.skipped] == [acc]
    with app.db.read() as conn:
        kept = select(t.opening_levels).where(t.opening_levels.c.account_id == acc)
        assert conn.execute(kept).all() == []  # nothing stored for a month still open
    with app.db.transaction() as conn:  # the operator restores the price
        conn.execute(pv.insert(), [r._asdict() for r in saved])
        conn.execute(tiers.insert(), [r._asdict() for r in saved_tiers])
    # when Delta's fleet is imported: one ESP32 Active since 20 January (its first month is still open)
    clock.set(datetime(2026, 2, 5, tzinfo=UTC))
    delta.append(
        _row("crm-4", "Delta", "esp32", "g1", "dk_delta_key_00001", "active", "2026-01-20T10:00:00+09:00", plan="lite")
    )
    _import(app, _csv(delta))
    # then February counts it, and explains it
    usage = api.get(f"/v1/accounts/{acc}/usage").json()
    assert usage["billable_devices"] == {"esp32": 1}
    [esp32] = api.get(f"/v1/accounts/{acc}/peaks/2026-02").json()["types"]
    assert esp32["peak"] == 1
