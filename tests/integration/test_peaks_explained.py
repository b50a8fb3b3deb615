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
