"""R14: qualified invoices as PDF (Japanese and English) and CSV, fetched through the API.

The PDF's text is read back with `pdftotext -layout` (poppler-utils; .ci/run installs it and the
IPAexGothic font)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from fleetbill.domain.rating import Tier
from fleetbill.services.close_month import close_due_months
from fleetbill.services.points import grant_points
from tests import factories as f

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")


@pytest.fixture(autouse=True)
def _pdf_font():
    """Without its font every PDF is a 503: fail with the sentence that says what to install."""
    from fleetbill.adapters.pdf.invoice_pdf import FontMissing, font_path

    try:
        font_path()
    except FontMissing as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture
def closed(app, clock):
    """January closed for a taxable Tokyo account (two device types and a fixed fee, 500 points)
    and an exempt New York one. Returns their monthly invoices from the API's point of view."""
    f.device_type(app)
    f.device_type(app, "m5stack", "M5Stack")
    f.plan(app, "pro", {"esp32": f.FIRST_3_FREE, "m5stack": [Tier(None, 150)]}, fixed_fee=1_000)
    f.plan(app, "basic")  # esp32 at 100 each
    tokyo = f.account(app, "pro", name="株式会社サンプル商事")
    ny = f.account(
        app, "basic", name="Empire Devices Inc.", country="US", timezone="America/New_York", tax_status="exempt"
    )
    f.devices(app, tokyo, 5)
    f.devices(app, tokyo, 2, "m5stack")
    f.devices(app, ny, 2)
    with app.db.transaction() as conn:
        grant_points(conn, clock.now(), tokyo, 500, "goodwill", "test")
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))  # 15:00 in Tokyo, 01:00 in New York
    close_due_months(app.db, clock, app.settings)
    return tokyo, ny


def _monthly(api, account_id: str) -> dict:
    [invoice] = [i for i in api.get(f"/v1/accounts/{account_id}/invoices").json() if i["kind"] == "monthly"]
    return invoice


def _pdf_text(api, invoice_id: str, lang: str | None, tmp_path) -> str:
    r = api.get(f"/v1/invoices/{invoice_id}.pdf", params={"lang": lang} if lang else None)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    number = api.get(f"/v1/invoices/{invoice_id}").json()["number"]
    assert r.headers["content-disposition"] == f'attachment; filename="{number}.pdf"'
    path = tmp_path / f"{invoice_id}-{lang}.pdf"
    path.write_bytes(r.content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _line_with(text: str, label: str) -> str:
    [line] = [x for x in text.splitlines() if label in x]
    return line


# The Tokyo account's January, by hand:
#   ESP32, 5 devices: devices 1-3 free, 4-5 at 300 = 600
#   M5Stack, 2 devices at 150                       = 300
#   Pro fee for February (billed in advance)        = 1,000
#   subject to 10%: 1,900; tax 10% of 1,900 = 190; total 2,090
#   500 points pay first: amount to pay 2,090 - 500 = 1,590


def test_r14_japanese_pdf_is_a_qualified_invoice(api, closed, tmp_path):
    tokyo, _ = closed
    invoice = _monthly(api, tokyo)
    text = _pdf_text(api, invoice["id"], None, tmp_path)  # Japanese by default
    assert "適格請求書" in text
    assert "株式会社サンプル商事 御中" in text
    assert "T7123456789012" in text and "fleetbill IoT Cloud K.K." in text
    assert invoice["number"] in text
    assert "2026年2月1日" in _line_with(text, "発行日")  # issued 15:00 in Tokyo
    assert "2026年1月1日〜2026年1月31日" in _line_with(text, "請求期間")
    assert "600円" in _line_with(text, "ESP32：月間最大稼働台数")
    assert "2台 × 300円" in _line_with(text, "4〜5台目") and "600円" in _line_with(text, "4〜5台目")  # a row per tier
    assert "300円" in _line_with(text, "M5Stack：月間最大稼働台数")
    assert "1,000円" in _line_with(text, "Pro fee, 2026-02")
    assert "1,900円" in _line_with(text, "10%対象")
    assert "190円" in _line_with(text, "消費税（10%）")
    assert "2,090円" in _line_with(text, "合計（税込）")
    assert "-500円" in _line_with(text, "ポイント充当")
    assert [x for x in text.splitlines() if "ご請求額" in x] and all(
        "1,590円" in x for x in text.splitlines() if "ご請求額" in x
    )


def test_r14_english_pdf_has_the_same_amounts(api, closed, tmp_path):
    tokyo, _ = closed
    invoice = _monthly(api, tokyo)
    text = _pdf_text(api, invoice["id"], "en", tmp_path)
    assert "Invoice (Qualified Invoice)" in text
    assert "Bill to: 株式会社サンプル商事" in text
    assert "T7123456789012" in _line_with(text, "Registration number")
    assert invoice["number"] in _line_with(text, "Invoice number")
    assert "2026-02-01" in _line_with(text, "Issue date")
    assert "¥1,900" in _line_with(text, "Subject to 10%")
    assert "¥190" in _line_with(text, "Consumption tax (10%)")
    assert "¥2,090" in _line_with(text, "Total (incl. tax)")
    assert "-¥500" in _line_with(text, "Points applied")
    assert all("¥1,590" in x for x in text.splitlines() if "Amount to pay" in x)
    assert "御中" not in text and "適格請求書" not in text


# The New York account's January, by hand: 2 ESP32 at 100 = 200, exempt: 0% and no tax, total 200.


def test_r14_exempt_invoice_says_why_it_has_no_tax(api, closed, tmp_path):
    _, ny = closed
    invoice = _monthly(api, ny)
    en = _pdf_text(api, invoice["id"], "en", tmp_path)
    assert "Tax exempt: no consumption tax is charged." in en
    assert "Empire Devices Inc." in en
    assert "¥200" in _line_with(en, "Subject to 0%") and "¥0" in _line_with(en, "Consumption tax (0%)")
    assert "¥200" in _line_with(en, "Total (incl. tax)")
    assert "2026-01-01 to 2026-01-31" in _line_with(en, "Billing period")  # in New York's time
    ja = _pdf_text(api, invoice["id"], "ja", tmp_path)
    assert "非課税：消費税は課されません。" in ja
    assert "Empire Devices Inc. 御中" in ja


def test_r14_csv_has_a_row_per_tier_with_exact_amounts(api, closed):
    tokyo, _ = closed
    invoice = _monthly(api, tokyo)
    r = api.get(f"/v1/invoices/{invoice['id']}.csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == f'attachment; filename="{invoice["number"]}.csv"'
    assert r.content.startswith("\ufeff".encode())  # UTF-8 with a BOM, for Excel
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "invoice_number", "line", "kind", "description", "device_type", "quantity",
        "tier_first", "tier_last", "unit_price", "amount", "tax_rate",
    ]  # fmt: skip
    n = invoice["number"]
    assert rows[1:] == [
        [n, "1", "usage", "ESP32: peak active devices", "esp32", "3", "1", "3", "0", "0", "0.1"],
        [n, "1", "usage", "ESP32: peak active devices", "esp32", "2", "4", "5", "300", "600", "0.1"],
        [n, "2", "usage", "M5Stack: peak active devices", "m5stack", "2", "1", "2", "150", "300", "0.1"],
        [n, "3", "fixed_fee", "Pro fee, 2026-02", "", "1", "", "", "1000", "1000", "0.1"],
    ]
    assert sum(int(row[9]) for row in rows[1:]) == invoice["subtotal"] == 1_900


def test_r14_unknown_invoice_is_404_and_bad_lang_is_422(api, closed):
    tokyo, _ = closed
    invoice = _monthly(api, tokyo)
    for path in ("/v1/invoices/nope.pdf", "/v1/invoices/nope.csv"):
        r = api.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = api.get(f"/v1/invoices/{invoice['id']}.pdf", params={"lang": "fr"})
    assert r.status_code == 422
    assert api.get(f"/v1/invoices/{invoice['id']}").json()["number"] == invoice["number"]  # the JSON route too
    r = api.get(f"/v1/invoices/{invoice['id']}.pdf", headers={"Authorization": ""})
    assert r.status_code == 401
