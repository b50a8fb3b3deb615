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
from sqlalchemy import select, update

from fleetbill.adapters.db import schema_payments, views
from fleetbill.adapters.pdf.invoice_pdf import render_invoice_pdf
from fleetbill.domain.rating import Tier
from fleetbill.entrypoints.invoice_files import document_terms
from fleetbill.services.bank_transfer import set_collection_method
from fleetbill.services.close_month import close_due_months
from fleetbill.services.points import grant_points
from fleetbill.settings import Settings
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
    return _text_of(path)


def _text_of(path) -> str:
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
    assert "1,000円" in _line_with(text, "Pro 基本料金（2026年2月分）")  # the fee line in Japanese too
    assert "fee" not in text and "peak active devices" not in text
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
    # English writes money as the pages and emails do, "1,900 JPY", never ¥
    assert "1,000 JPY" in _line_with(text, "Pro fee, 2026-02")
    assert "1,900 JPY" in _line_with(text, "Subject to 10%")
    assert "190 JPY" in _line_with(text, "Consumption tax (10%)")
    assert "2,090 JPY" in _line_with(text, "Total (incl. tax)")
    assert "-500 JPY" in _line_with(text, "Points applied")
    assert all("1,590 JPY" in x for x in text.splitlines() if "Amount to pay" in x)
    assert "¥" not in text and "円" not in text
    assert "御中" not in text and "適格請求書" not in text


# The New York account's January, by hand: 2 ESP32 at 100 = 200, exempt: 0% and no tax, total 200.


def test_r14_exempt_invoice_says_why_it_has_no_tax(api, closed, tmp_path):
    _, ny = closed
    invoice = _monthly(api, ny)
    en = _pdf_text(api, invoice["id"], "en", tmp_path)
    assert "Tax exempt: no consumption tax is charged." in en
    assert "Empire Devices Inc." in en
    assert "200 JPY" in _line_with(en, "Subject to 0%") and "0 JPY" in _line_with(en, "Consumption tax (0%)")
    assert "200 JPY" in _line_with(en, "Total (incl. tax)")
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
        "tier_first", "tier_last", "unit_price", "amount", "tax_rate", "peak_reached_at",
    ]  # fmt: skip
    n = invoice["number"]
    # (issue 12: a usage line says when its peak was first reached, in the account's zone: the
    # devices were registered on 5 January at 12:00 in Tokyo)
    at = "2026-01-05T12:00:00+09:00"
    assert rows[1:] == [
        [n, "1", "usage", "ESP32: peak active devices", "esp32", "3", "1", "3", "0", "0", "0.1", at],
        [n, "1", "usage", "ESP32: peak active devices", "esp32", "2", "4", "5", "300", "600", "0.1", at],
        [n, "2", "usage", "M5Stack: peak active devices", "m5stack", "2", "1", "2", "150", "300", "0.1", at],
        [n, "3", "fixed_fee", "Pro fee, 2026-02", "", "1", "", "", "1000", "1000", "0.1", ""],
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


# --- R18: a bank-transfer invoice says by when and where to pay -----------------------------------

BANK = "MUFG Bank, Shibuya Branch (三菱UFJ銀行 渋谷支店)\nOrdinary 1234567\nfleetbill IoT Cloud K.K."


@pytest.fixture
def settings(database_url) -> Settings:
    """The operator's bank account is set, as FLEETBILL_BANK_ACCOUNT would set it."""
    return Settings(database_url=database_url, test_mode=True, bank_account=BANK)


@pytest.fixture
def by_transfer(app, clock):
    """January closed, not yet collected, for a Tokyo and a New York account that pay by bank
    transfer (3 ESP32 at 100: 300 + 10% = 330, and 300 exempt), and a Tokyo one that pays by card."""
    f.device_type(app)
    f.plan(app, "invoiced", allow_bank_transfer=True)
    tokyo = f.account(app, "invoiced", name="Sakura Farms")
    ny = f.account(
        app, "invoiced", name="Hudson Sensors", country="US", timezone="America/New_York", tax_status="exempt"
    )
    card = f.account(app, "invoiced", name="Card Payer")
    for account_id in (tokyo, ny, card):
        f.devices(app, account_id, 3)
    with app.db.transaction() as conn:
        for account_id in (tokyo, ny):
            set_collection_method(conn, clock.now(), account_id, "bank_transfer", "test")
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))  # 15:00 in Tokyo, 01:00 in New York
    close_due_months(app.db, clock, app.settings)
    return tokyo, ny, card


def test_r18_a_bank_transfer_pdf_says_its_due_date_and_the_operators_bank_account_in_both_languages(
    api, by_transfer, tmp_path
):
    tokyo, _, _ = by_transfer
    invoice = _monthly(api, tokyo)
    assert invoice["amount_due"] == 330

    # before its collection opens: due at the end of February, the month after January (R18)
    ja = _pdf_text(api, invoice["id"], "ja", tmp_path)
    assert "2026年2月28日" in _line_with(ja, "お支払期限")
    assert "お振込先" in ja and "Ordinary 1234567" in ja and "三菱UFJ銀行 渋谷支店" in ja
    assert f"請求書番号 {invoice['number']}" in ja
    en = _pdf_text(api, invoice["id"], "en", tmp_path)
    assert "2026-02-28" in _line_with(en, "Payment due by")
    assert "Pay by bank transfer to" in en and "MUFG Bank, Shibuya Branch" in en and "Ordinary 1234567" in en
    assert f"Quote the invoice number {invoice['number']}" in en
    assert all("330 JPY" in x for x in en.splitlines() if "Amount to pay" in x)


def test_r18_the_due_date_is_the_collections_once_opened_and_the_accounts_day(api, app, by_transfer, tmp_path):
    tokyo, ny, _ = by_transfer
    # given: the collections opened by the due jobs, then the Tokyo one's due date moved to the end
    # of March 31 in Tokyo (2026-03-31T15:00Z), as an operator granting more time would
    assert api.post("/v1/test-clock/run-due-jobs").status_code == 200
    c = schema_payments.collections
    tokyo_invoice, ny_invoice = _monthly(api, tokyo), _monthly(api, ny)
    with app.db.transaction() as conn:
        conn.execute(
            update(c).where(c.c.invoice_id == tokyo_invoice["id"]).values(due_at=datetime(2026, 3, 31, 15, tzinfo=UTC))
        )
        ny_due = conn.execute(select(c.c.due_at).where(c.c.invoice_id == ny_invoice["id"])).scalar_one()

    # then: the PDF prints the collection's due date, as the account's day
    assert "2026年3月31日" in _line_with(_pdf_text(api, tokyo_invoice["id"], "ja", tmp_path), "お支払期限")
    # New York's February ends at 2026-03-01T05:00Z: the last day to pay is Feb 28 there, not UTC's Mar 1
    assert ny_due.astimezone(UTC) == datetime(2026, 3, 1, 5, tzinfo=UTC)
    assert "2026-02-28" in _line_with(_pdf_text(api, ny_invoice["id"], "en", tmp_path), "Payment due by")


def test_r18_a_card_invoice_has_no_due_date_or_bank_account(api, by_transfer, tmp_path):
    _, _, card = by_transfer
    invoice = _monthly(api, card)
    for lang, due, bank in (("ja", "お支払期限", "お振込先"), ("en", "Payment due", "bank transfer")):
        text = _pdf_text(api, invoice["id"], lang, tmp_path)
        assert due not in text and bank not in text and "Ordinary 1234567" not in text


def test_r18_without_the_bank_account_setting_the_pdf_says_to_ask_the_issuer(api, app, by_transfer, tmp_path):
    # given: FLEETBILL_BANK_ACCOUNT unset
    tokyo, _, _ = by_transfer
    with app.db.read() as conn:
        invoice = views.invoice(conn, _monthly(api, tokyo)["id"])
        timezone, transfer = document_terms(conn, invoice, "")
    path = tmp_path / "no-bank-account.pdf"
    path.write_bytes(render_invoice_pdf(invoice, "en", timezone, transfer))
    # then: the due date still, and where to ask for the account
    en = _text_of(path)
    assert "2026-02-28" in _line_with(en, "Payment due by")
    assert "Ask the issuer for the bank account to pay into." in en
