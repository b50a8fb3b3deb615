"""R7, R20: the billing page's estimate explains its amount as the invoice will: a row per tier
beneath a usage line priced through several tiers, worded as on the PDF (one wording, in
domain.rating), in English and Japanese; and no "−0" where no points pay."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from fleetbill.domain.rating import Tier
from fleetbill.services.close_month import close_due_months
from tests import factories as f
from tests.pages import open_page


@pytest.fixture
def nine_and_two(app):
    """9 esp32 (first 3 free, then 300) and 2 m5stack (150 each, one tier), no points."""
    f.device_type(app)
    f.device_type(app, "m5stack", "M5Stack")
    f.plan(app, prices={"esp32": f.FIRST_3_FREE, "m5stack": [Tier(None, 150)]})
    account = f.account(app, name="Sakura Robotics")
    f.devices(app, account, 9)
    f.devices(app, account, 2, "m5stack")
    return account


def estimate_rows(html: str) -> list[tuple[str, str]]:
    """(text, amount) of each row of the estimate's table (a usage line's peak, under it, aside:
    `peak_lines`)."""
    section = re.search(r'<section id="estimate">(.*?)</section>', html, re.S).group(1)
    section = re.sub(r'<br><span class="fine peak-line">.*?</span>', "", section, flags=re.S)
    rows = re.findall(r"<tr[^>]*><t[dh][^>]*>(.*?)</t[dh]><t[dh][^>]*>(.*?)</t[dh]></tr>", section, re.S)
    return [(re.sub(r"<[^>]+>|&emsp;", "", a).strip(), b.strip()) for a, b in rows]


def peak_lines(html: str) -> list[str]:
    """R5 explained (issue 12): what each usage line of the estimate says of its peak."""
    found = re.findall(r'<span class="fine peak-line">(.*?)</span>', html, re.S)
    return [re.sub(r"<[^>]+>", "", x).strip() for x in found]


def test_r5_r20_each_usage_line_of_the_estimate_says_when_its_peak_was_reached(api, nine_and_two):
    open_page(api, nine_and_two)
    # the devices were registered on 5 January at 12:00 in Tokyo (the test clock's start)
    assert peak_lines(api.get("/billing").text) == [
        "peak of 9 reached on 2026-01-05 12:00 · Why this count?",
        "peak of 2 reached on 2026-01-05 12:00 · Why this count?",
    ]


def test_r7_r20_the_estimate_shows_each_tier_as_the_pdf_does_in_english(api, nine_and_two):
    # when the billing page is opened
    open_page(api, nine_and_two)
    rows = estimate_rows(api.get("/billing").text)
    # then: ESP32 x 9 is 1,800 JPY, from 3 free devices and 6 at 300; M5Stack's one tier needs no row
    # (2 x 150 = 300); 2,100 + 10% = 2,310; no points, so nothing is taken off: 0, never −0
    assert rows == [
        ("ESP32: peak active devices × 9", "1,800 JPY"),
        ("Devices 1-3: 3 x 0 JPY", "0 JPY"),
        ("Devices 4-9: 6 x 300 JPY", "1,800 JPY"),
        ("M5Stack: peak active devices × 2", "300 JPY"),
        ("Tax 10% on 2,100 JPY", "210 JPY"),
        ("Total", "2,310 JPY"),
        ("Credit points that will be used", "0 JPY"),
        ("To pay", "2,310 JPY"),
    ]


def test_r7_r20_the_estimates_tiers_in_japanese(api, nine_and_two):
    open_page(api, nine_and_two)
    api.get("/lang/ja", params={"next": "/billing"})
    rows = estimate_rows(api.get("/billing").text)
    assert ("1〜3台目: 3台 × 0 JPY", "0 JPY") in rows and ("4〜9台目: 6台 × 300 JPY", "1,800 JPY") in rows
    assert not [r for r in rows if "−0" in r[1]]


def test_r11_r14_r20_the_estimates_fee_line_reads_in_japanese_as_on_the_pdf(api, app):
    # given: an account on a plan with a 1,200 JPY monthly fee (its next period's fee is on the estimate)
    f.device_type(app)
    f.plan(app, fixed_fee=1_200)
    account = f.account(app, name="Sakura Robotics")
    f.devices(app, account, 1)
    open_page(api, account)
    # when the page is read in English, then in Japanese
    english = estimate_rows(api.get("/billing").text)
    api.get("/lang/ja", params={"next": "/billing"})
    japanese = estimate_rows(api.get("/billing").text)
    # then: February's fee is named as the PDF names it, in each language
    assert ("Basic fee, 2026-02", "1,200 JPY") in english
    assert ("Basic 基本料金（2026年2月分）", "1,200 JPY") in japanese


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_r7_r14_the_invoice_pdf_shows_the_same_tier_rows(api, app, clock, nine_and_two, tmp_path):
    # given the month closed as the page estimated it
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)
    [invoice] = [i for i in api.get(f"/v1/accounts/{nine_and_two}/invoices").json() if i["kind"] == "monthly"]
    assert (invoice["subtotal"], invoice["total"]) == (2_100, 2_310)
    # when its PDF is read, in Japanese
    path = tmp_path / "invoice.pdf"
    path.write_bytes(api.get(f"/v1/invoices/{invoice['id']}.pdf").content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    # then the tier rows read as the page's, in the PDF's money
    assert "1〜3台目: 3台 × 0円" in text and "4〜9台目: 6台 × 300円" in text
    assert "台目" not in "".join(x for x in text.splitlines() if "M5Stack" in x)
