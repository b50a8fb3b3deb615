"""The customer's pages in Japanese (issue 4, item 6; R20, R21): chosen by the language cookie
(set by /lang/ja) or the browser's Accept-Language; amounts are the same in either language."""

from __future__ import annotations

import re

import pytest

from fleetbill.services.points import grant_points
from tests import factories as f
from tests.pages import add_card, open_page

ENGLISH_LEFT_OVER = re.compile(
    r">\s*(This month so far|Payment methods|Invoices|Device settings|Add a card|Switch Inactive|Total)\b"
)


@pytest.fixture
def account(app):
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    a = f.account(app, name="さくらロボティクス")
    f.devices(app, a, 5)
    with app.db.transaction() as conn:
        grant_points(conn, app.clock.now(), a, 200, "welcome", "test")
    return a


def test_r20_the_billing_page_in_japanese_with_the_language_cookie(api, account):
    # given a card on file, and the reader's choice of Japanese (the header's 日本語 link)
    open_page(api, account)
    add_card(api, "4242 4242 4242 4242")
    chosen = api.get("/lang/ja", params={"next": "/billing"}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/billing"
    assert "fleetbill_lang=ja" in chosen.headers["set-cookie"]
    # when the billing page is read
    html = api.get("/billing").text
    # then it is in Japanese, with the same money: 2 x 300 = 600 + 60 tax = 660, 200 points, 460 to pay
    assert '<html lang="ja">' in html
    for text in ("今月の利用状況", "ESP32：月間最大稼働台数", "消費税 10%（600 円に対して）", "お支払い方法", "既定"):
        assert text in html, text
    assert "クレジットポイント：200" in html and "esp32：最大 5 台" in html
    assert 'id="estimate-total">660 JPY' in html and 'id="estimate-due">460 JPY' in html
    assert "Visa •••• 4242" in html and "有効期限 12/2030" in html
    assert not ENGLISH_LEFT_OVER.search(html)
    assert 'href="/lang/en?next=/billing"' in html  # and the way back to English


def test_r21_device_settings_and_the_card_form_in_japanese(api, account):
    open_page(api, account)
    api.cookies.set("fleetbill_lang", "ja")
    devices = api.get("/billing/devices").text
    assert "<h1>デバイス設定</h1>" in devices and "非アクティブにする" in devices and "5 台" in devices
    assert "デバイスを追加" in devices and not ENGLISH_LEFT_OVER.search(devices)
    form = api.get("/billing/cards/new").text
    assert "<h1>カードを登録</h1>" in form and "カード番号" in form and not ENGLISH_LEFT_OVER.search(form)


def test_r20_the_browsers_language_is_used_when_no_choice_was_made(api, account):
    open_page(api, account)
    html = api.get("/billing", headers={"Accept-Language": "ja-JP,ja;q=0.9"}).text
    assert "今月の利用状況" in html and 'id="estimate-total">660 JPY' in html
