"""Cards on the billing page (R17, R19, R20): added through the gateway's tokenization, made the
default, removed; refusals are shown on the page. A card number never reaches /billing/*.

Catalog: esp32, first 3 free then 300 JPY a device a month; Japan's 10%. The account signs up on
2026-01-05 (Asia/Tokyo), so 5 devices Active all January cost 2 x 300 = 600 + 60 tax = 660 JPY.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from fleetbill.services.run_due_jobs import run_due_jobs
from tests import factories as f
from tests.pages import add_card, card_token, csrf, open_page, session_csrf

VISA = "4242 4242 4242 4242"
MASTERCARD = "5555 5555 5555 4444"
DECLINES = "4000 0000 0000 0341"  # attaches, then every charge is declined
REFUSED_AT_ATTACH = "4000 0000 0000 0002"
JAN_CLOSE = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)  # 09:00 on Feb 1 in Tokyo


@pytest.fixture
def account(app):
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    return f.account(app, name="Sakura Robotics")


def cards_on_file(db, account_id: str) -> list[tuple[str, str, bool]]:
    c = p.cards
    with db.read() as conn:
        rows = conn.execute(
            select(c.c.brand, c.c.last4, c.c.is_default)
            .where(c.c.account_id == account_id, c.c.removed_at.is_(None))
            .order_by(c.c.added_at, c.c.last4)
        )
        return [tuple(r) for r in rows]


def card_ids(html: str) -> dict[str, str]:
    """last 4 digits -> card id, from the page's remove buttons."""
    rows = re.findall(r'data-last4="(\d{4})".*?action="/billing/cards/([^/"]+)/remove"', html, re.S)
    return {last4: card_id for last4, card_id in rows}


def test_r17_the_card_form_tokenizes_at_the_gateway_and_posts_only_the_token(api, app, account):
    # given the account's billing page
    open_page(api, account)
    form = api.get("/billing/cards/new")
    # then the form's card fields have no name (a browser cannot post them) and its script posts
    # them to the sandbox gateway's token endpoint
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    html = form.text
    assert 'id="card-number"' in html and not re.search(r'<input[^>]*name="(number|card|cvc)', html)
    assert 'data-tokens="/sandbox-gateway/v1/tokens"' in html
    # when a card is added: the number went to the gateway, the token to fleetbill
    added = add_card(api, VISA)
    # then the page shows it, the default (the first card is), and only brand, last 4 and expiry are kept
    assert added.status_code == 200 and "Card added." in added.text
    assert cards_on_file(app.db, account) == [("visa", "4242", True)]
    with app.db.read() as conn:
        token = conn.execute(select(p.cards.c.token)).scalar()
    assert "4242424242424242" not in token and token.startswith("pm_sb_")
    assert re.search(r"Visa •••• 4242</td>\s*<td>expires 12/2030</td>\s*<td><strong>Default", added.text)


def test_r17_a_card_number_posted_as_the_token_is_refused_and_not_repeated(api, app, account):
    open_page(api, account)
    token = session_csrf(api)
    refused = api.post("/billing/cards", data={"csrf": token, "token": "4242 4242 4242 4242"})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
    assert "never the card number itself" in refused.text and "4242 4242 4242 4242" not in refused.text
    assert cards_on_file(app.db, account) == []


def test_r17_the_gateway_refuses_a_bad_card_before_fleetbill_sees_anything(api):
    # the sandbox gateway checks the number as Stripe.js does; the page's script shows its message
    answer = api.post(
        "/sandbox-gateway/v1/tokens", json=dict(number="4242 4242 4242 4241", exp_month=12, exp_year=30, cvc="123")
    )
    assert answer.status_code == 400 and "Luhn" in answer.json()["error"]["message"]
    assert "4242" not in answer.text
    missing = api.post("/sandbox-gateway/v1/tokens", json={"number": "4242424242424242"})
    assert missing.status_code == 400 and "4242" not in missing.text


def test_r17_make_another_card_the_default_then_remove_the_first(api, app, account):
    # given Visa (default) and Mastercard on file
    open_page(api, account)
    add_card(api, VISA)
    page = add_card(api, MASTERCARD)
    assert cards_on_file(app.db, account) == [("visa", "4242", True), ("mastercard", "4444", False)]
    ids = card_ids(page.text)
    token = csrf(page.text)
    # when the Mastercard is made the default
    made = api.post(f"/billing/cards/{ids['4444']}/default", data={"csrf": token})
    assert made.status_code == 200 and "This card is now the default" in made.text
    assert cards_on_file(app.db, account) == [("visa", "4242", False), ("mastercard", "4444", True)]
    # and the Visa is removed: it is off file, and the gateway was asked to forget it
    with app.db.read() as conn:
        visa_token = conn.execute(select(p.cards.c.token).where(p.cards.c.last4 == "4242")).scalar()
    removed = api.post(f"/billing/cards/{ids['4242']}/remove", data={"csrf": token})
    assert removed.status_code == 200 and "Card removed." in removed.text
    assert cards_on_file(app.db, account) == [("mastercard", "4444", True)]
    assert visa_token in app.gateway.detached


def test_r17_refusals_are_shown_on_the_page_with_what_to_do(api, app, account):
    open_page(api, account)
    add_card(api, VISA)
    # a card the gateway declines at attach
    declined = add_card(api, REFUSED_AT_ATTACH)
    assert declined.status_code == 422 and declined.headers["content-type"].startswith("text/html")
    assert 'id="cards"' in declined.text and "Nothing was changed." in declined.text
    assert "refused by the gateway (card_declined)" in declined.text
    # a card already expired (the clock is in January 2026)
    expired = add_card(api, MASTERCARD, exp_month=12, exp_year=2025)
    assert expired.status_code == 422 and "the card expired in 12/2025" in expired.text
    # the only card of a paid plan cannot be removed
    page = api.get("/billing").text
    only = api.post(f"/billing/cards/{card_ids(page)['4242']}/remove", data={"csrf": csrf(page)})
    assert only.status_code == 409 and "this is the only card that can pay" in only.text
    # a third card: at most two
    add_card(api, MASTERCARD)
    third = add_card(api, "3782 822463 10005")
    assert third.status_code == 409 and "at most 2 cards" in third.text
    assert api.get("/billing/cards/new").text.count('id="card-form"') == 0  # the form says to remove one
    assert cards_on_file(app.db, account) == [("visa", "4242", True), ("mastercard", "4444", False)]


def test_r19_r20_a_card_added_on_the_page_pays_the_failed_invoice_at_once(api, app, clock, account):
    # given January closed at 660 JPY (5 esp32: 2 x 300 + 10%) and declined on the only card
    f.devices(app, account, 5)
    open_page(api, account)
    add_card(api, DECLINES)
    clock.set(JAN_CLOSE)
    run_due_jobs(app.db, clock, app.settings, app.gateway)
    with app.db.read() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == account)).one()
    assert (invoice.total, invoice.amount_due, invoice.status) == (660, 660, "open")
    page = api.get("/billing").text
    assert "A payment failed." in page and 'href="/billing/cards/new"' in page
    # when a good card is added on the page
    added = add_card(api, VISA)
    # then the invoice is charged to it at once: one charge of exactly 660 JPY, and the page says so
    assert "The unpaid invoices were charged to it at once" in added.text
    assert [(c.amount, c.currency) for c in app.gateway.charges] == [(660, "JPY")]
    with app.db.read() as conn:
        visa = conn.execute(select(p.cards.c.token).where(p.cards.c.last4 == "4242")).scalar()
        assert conn.execute(select(t.invoices.c.status).where(t.invoices.c.id == invoice.id)).scalar() == "paid"
    assert app.gateway.charges[0].card_token == visa
    assert "A payment failed." not in added.text
    assert re.search(rf"<td>{invoice.number}</td>.*?class=\"status-paid\">Paid<", added.text, re.S)


def test_r17_the_page_never_sends_a_token_of_its_own_and_the_token_endpoint_is_the_gateways(api, app, account):
    # the token endpoint is mounted for the sandbox only, outside /billing and the operator's API
    open_page(api, account)
    assert card_token(api, VISA).startswith("pm_sb_")
    assert "/sandbox-gateway/v1/tokens" not in api.get("/openapi.json").text
