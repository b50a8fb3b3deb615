"""R17, R19, R20 in Chromium against the live server: cards added through the page's tokenization
(the number goes to the gateway, never to fleetbill's /billing/*), made default, removed; January
closed by the test clock and charged to the default card; its PDF downloaded; the page in Japanese.

Catalog: esp32, first 3 free then 300 JPY; Japan's 10%. 5 devices all January: 600 + 60 = 660 JPY.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from dataclasses import replace
from urllib.parse import unquote_plus, urlparse

import pytest

from fleetbill.adapters.gateway import StripeGateway
from fleetbill.bootstrap import App
from tests import factories as f
from tests.e2e.conftest import serve
from tests.gateway_fixtures import API_KEY

expect = pytest.importorskip("playwright.sync_api").expect
VISA, MASTERCARD = "4242 4242 4242 4242", "5555 5555 5555 4444"
CARD_NUMBERS = ("4242424242424242", "5555555555554444")


def operator_post(base: str, key: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    asked = urllib.request.Request(
        base + path,
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(asked) as answer:
        return json.load(answer)


def sakura(app) -> str:
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    account = f.account(app, name="Sakura Robotics")
    f.devices(app, account, 5)
    return account


class Wiretap:
    """Every request the page makes to fleetbill's /billing/*, seen by Playwright's interception,
    and every request it makes elsewhere (the gateway), with their bodies."""

    def __init__(self, context, base: str) -> None:
        self.billing: list[tuple[str, str]] = []
        self.elsewhere: list[tuple[str, str]] = []
        context.route("**/*", self._route)
        self._fleetbill = urlparse(base).netloc

    def _route(self, route, request) -> None:
        url = urlparse(request.url)
        body = request.post_data or ""
        if url.netloc == self._fleetbill and url.path.startswith("/billing"):
            self.billing.append((request.url, body))
        else:
            self.elsewhere.append((request.url, body))
        route.continue_()

    def card_numbers_sent_to_billing(self) -> list[str]:
        """Requests to /billing/* carrying a card number in any encoding a form or URL may give it
        (spaces as "+" or %20, dashes): only the digits of the decoded URL and body are searched."""

        def digits(text: str) -> str:
            return re.sub(r"\D", "", unquote_plus(text))

        return [url for url, body in self.billing if any(n in digits(url) or n in digits(body) for n in CARD_NUMBERS)]


def add_card_on_page(page, number: str, *, default: bool = False) -> None:
    page.click("text=Add a card")
    page.fill("#card-number", number)
    page.fill("#card-exp-month", "12")
    page.fill("#card-exp-year", "30")
    page.fill("#card-cvc", "123")
    if default:
        page.check("input[name=default]")
    with page.expect_navigation():
        page.click("#card-submit")


def card_row(page, last4: str):
    return page.locator(f"tr.card[data-last4='{last4}']")


def test_r17_r19_r20_cards_through_the_page_a_closed_month_charged_its_pdf_and_japanese(
    app, clock, live_server, browser
):
    base, key = live_server
    account = sakura(app)
    link = operator_post(base, key, f"/v1/accounts/{account}/billing-links")["url"]
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    tap = Wiretap(context, base)
    page = context.new_page()
    page.goto(link)

    # a number the gateway refuses is explained on the form, and nothing is posted to fleetbill
    page.click("text=Add a card")
    page.fill("#card-number", "4242 4242 4242 4241")
    page.fill("#card-exp-month", "12")
    page.fill("#card-exp-year", "30")
    page.fill("#card-cvc", "123")
    page.click("#card-submit")
    expect(page.locator("#card-error")).to_contain_text("fails the Luhn check")
    assert not [url for url, _ in tap.billing if url.endswith("/billing/cards")]
    page.click("text=Cancel")

    # when a Visa, then a Mastercard are added through the page
    add_card_on_page(page, VISA)
    assert page.locator(".note").inner_text() == "Card added."
    add_card_on_page(page, MASTERCARD)
    assert card_row(page, "4242").inner_text().split("\t")[2] == "Default"
    # and the Mastercard is made the default, and the Visa removed
    with page.expect_navigation():
        card_row(page, "4444").locator("button", has_text="Make default").click()
    assert "Default" in card_row(page, "4444").inner_text()
    with page.expect_navigation():
        card_row(page, "4242").locator("button", has_text="Remove").click()
    assert page.locator("tr.card").count() == 1 and page.locator(".note").inner_text() == "Card removed."

    # then no request to /billing/* carried a card number; the gateway's token endpoint got them
    assert tap.card_numbers_sent_to_billing() == []
    assert any("/billing/cards" in url and "token=pm_sb_" in body for url, body in tap.billing)
    gateway_bodies = [body for url, body in tap.elsewhere if url.endswith("/sandbox-gateway/v1/tokens")]
    assert len(gateway_bodies) == 3 and "4242 4242 4242 4242" in gateway_bodies[1]

    # when January closes (the test clock: 09:00 on Feb 1 in Tokyo) and the due jobs run
    operator_post(base, key, "/v1/test-clock", {"now": "2026-02-01T00:00:00Z"})
    jobs = operator_post(base, key, "/v1/test-clock/run-due-jobs")
    assert jobs["close"]["invoices"] == 1
    page.reload()
    # then the invoice is 660 JPY, paid by the default card (the Mastercard): one charge of 660
    row = page.locator("#invoices tr", has_text="FB-")
    cells = row.inner_text().split("\t")
    number = cells[0]
    assert cells[1:5] == ["2026-01", "660", "660", "Paid"]
    mastercard = [c for c in app.gateway.charges if c.card_token.split("_")[4] == "4444"]
    assert [(c.amount, c.currency) for c in app.gateway.charges] == [(660, "JPY")] and len(mastercard) == 1

    # and its PDF downloads: a PDF whose text has the number and the total
    with page.expect_download() as download:
        row.locator("a", has_text="PDF (Japanese)").click()
    assert download.value.suggested_filename == f"{number}.pdf"
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        text = text.decode()
        assert number in text and "660円" in text and "T7123456789012" in text

    # when the reader switches to Japanese
    page.click("text=日本語")
    # then the page is in Japanese, with the same amounts
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#cards h2").inner_text() == "お支払い方法"
    assert "既定" in card_row(page, "4444").inner_text()
    assert page.locator("#invoices tr", has_text=number).inner_text().split("\t")[1:5] == [
        "2026-01",
        "660",
        "660",
        "支払済み",
    ]
    context.close()


@pytest.fixture
def stripe_app(app, localstripe) -> App:
    """The same app on the Stripe gateway (localstripe), with its fake Stripe.js for the page."""
    settings = replace(
        app.settings,
        gateway="stripe",
        stripe_api_key=API_KEY,
        stripe_api_base=localstripe,
        stripe_publishable_key="pk_test_fleetbill",
        stripe_js_url=f"{localstripe}/js.stripe.com/v3/",
    )
    return App(settings, app.db, app.clock, StripeGateway(API_KEY, "whsec_test", api_base=localstripe, timeout=10))


def test_r17_stripe_js_takes_the_card_and_fleetbill_gets_the_payment_method(stripe_app, localstripe, browser):
    account = sakura(stripe_app)
    with serve(stripe_app) as (base, key):
        link = operator_post(base, key, f"/v1/accounts/{account}/billing-links")["url"]
        context = browser.new_context()
        tap = Wiretap(context, base)
        page = context.new_page()
        page.goto(link)
        page.click("text=Add a card")
        # localstripe's Stripe.js mounts its card element's fields in the page's box
        box = page.locator("#card-element")
        for field, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
            box.locator(f"input[placeholder={field}]").fill(value)
        box.locator("input[placeholder=postal_code]").fill("1000001")
        with page.expect_navigation():
            page.click("#card-submit")
        assert page.locator(".note").inner_text() == "Card added."
        assert card_row(page, "4242").inner_text().split("\t")[:3] == ["Visa •••• 4242", "expires 12/2030", "Default"]
        # a card Stripe declines is explained on the form by Stripe's message
        page.click("text=Add a card")
        box.locator("input[placeholder=number]").fill("4000000000000002")
        for field, value in (("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
            box.locator(f"input[placeholder={field}]").fill(value)
        page.click("#card-submit")
        expect(page.locator("#card-error")).to_contain_text("declined")
        context.close()
    # the number went to Stripe (localstripe) only; fleetbill got the PaymentMethod id
    assert tap.card_numbers_sent_to_billing() == []
    assert any("token=pm_" in body for url, body in tap.billing if url.endswith("/billing/cards"))
    assert any(url.startswith(localstripe) and "4242424242424242" in body for url, body in tap.elsewhere)
