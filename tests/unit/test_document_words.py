"""R7, R14: what documents and price lists say, in the reader's language: every invoice line (fee
lines too) in Japanese on a Japanese document, and a graduated price read as a price list."""

from __future__ import annotations

import pytest

from fleetbill.domain.line_words import fee_label, line_description, purchase_fee_label, usage_label
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.price_words import tiers_in_words
from fleetbill.domain.rating import Tier


@pytest.mark.parametrize(
    ("kind", "stored", "japanese"),
    [
        ("usage", "ESP32: peak active devices", "ESP32：月間最大稼働台数"),
        ("fixed_fee", "Business fee, 2026-09", "Business 基本料金（2026年9月分）"),
        ("fixed_fee", "Business fee, 2026-04 to 2027-03", "Business 基本料金（2026年4月〜2027年3月分）"),
        ("fixed_fee", "Pro fee from purchase", "Pro 基本料金（ご購入日から）"),
        ("fixed_fee", "Pro fee from purchase (prorated by days)", "Pro 基本料金（ご購入日から・日割り）"),
        ("fixed_fee", "Set-up, by hand", "Set-up, by hand"),  # no known form: as written
    ],
)
def test_r14_every_line_the_close_writes_reads_in_japanese_and_stays_as_written_in_english(kind, stored, japanese):
    assert line_description(kind, stored, "ja") == japanese
    assert line_description(kind, stored, "en") == stored


def test_r14_what_the_close_writes_is_what_the_japanese_documents_read():
    # the close writes its lines with these (domain.invoice, domain.monthly): each reads in Japanese
    sep, april, march = BillingMonth.parse("2026-09"), BillingMonth.parse("2026-04"), BillingMonth.parse("2027-03")
    written = [
        ("usage", usage_label("ESP32"), "ESP32：月間最大稼働台数"),
        ("fixed_fee", fee_label("Business", sep, sep), "Business 基本料金（2026年9月分）"),
        ("fixed_fee", fee_label("Annual", april, march), "Annual 基本料金（2026年4月〜2027年3月分）"),
        ("fixed_fee", purchase_fee_label("Pro", prorated=True), "Pro 基本料金（ご購入日から・日割り）"),
        ("fixed_fee", purchase_fee_label("Pro", prorated=False), "Pro 基本料金（ご購入日から）"),
    ]
    assert [line_description(kind, text, "ja") for kind, text, _ in written] == [ja for _, _, ja in written]


@pytest.mark.parametrize(
    ("tiers", "english", "japanese"),
    [
        (
            [Tier(10, 250), Tier(None, 200)],
            "first 10: 250 JPY each, then 200 JPY each",
            "最初の10台: 250円/台、11台目以降: 200円/台",
        ),
        (
            [Tier(3, 0), Tier(10, 250), Tier(11, 220), Tier(None, 1_200)],
            "first 3: free, 4–10: 250 JPY each, device 11: 220 JPY each, then 1,200 JPY each",
            "最初の3台: 無料、4〜10台目: 250円/台、11台目: 220円/台、12台目以降: 1,200円/台",
        ),
        ([Tier(None, 300)], "300 JPY each", "300円/台"),
        ([Tier(1, 0), Tier(None, 100)], "first device: free, then 100 JPY each", "1台目: 無料、2台目以降: 100円/台"),
    ],
)
def test_r7_a_graduated_price_reads_as_a_price_list_not_up_to_10_250_jpy(tiers, english, japanese):
    assert tiers_in_words(tiers, "JPY", "en") == english
    assert tiers_in_words(tiers, "JPY", "ja") == japanese
