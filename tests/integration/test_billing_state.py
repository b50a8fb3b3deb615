"""R10, R19, R20: one definition of an account's billing state (domain.billing_state), and the three
places that show it say the same thing for each state: the entitlements API, the operator's
console (its account list and the account's page) and the customer's billing page.

Accounts (esp32 at 100 JPY; Asia/Tokyo; January closes at 2026-02-01T00:00Z, 09:00 in Tokyo):
  Visa      a Visa on file, pays                                   -> active
  Declines  a card that declines every charge                      -> payment failing, then suspended
  Pro       opened on a plan with a fixed fee, no card             -> awaiting payment (features off)
  Transfer  pays by bank transfer; January due by Feb 28 in Tokyo  -> active, then overdue (features on)
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from fleetbill.domain.billing_state import HEADLINES, LABELS
from fleetbill.entrypoints.web.i18n import catalog
from fleetbill.services import staff
from tests.integration.test_collection import DAY, DECLINES, JAN_CLOSE, VISA, Billing, billing, ok  # noqa: F401
from tests.integration.test_console import EMAIL, PASSWORD, log_in
from tests.pages import open_page


def api_state(billing: Billing, account_id: str) -> tuple[str, str, bool]:
    """(state, summary, features on) from GET /v1/accounts/{id}/entitlements."""
    e = billing.entitlements(account_id)
    s = e["billing_state"]
    assert s["features_on"] == all(f["enabled"] for f in e["features"])
    assert e["suspended"] == (s["state"] == "suspended")
    return s["state"], s["summary"], s["features_on"]


def console_list_row(client, account_id: str) -> str:
    """The account's row of the console's list (its state's label, with the headline as its title)."""
    page = client.get("/console/accounts")
    assert page.status_code == 200, page.text
    return re.search(rf'<tr><td><a href="/console/accounts/{account_id}">.*?</tr>', page.text, re.S).group(0)


def text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def say_the_same(billing: Billing, account_id: str, state: str, summary: str) -> None:
    """The API, the console's list and page, and the customer's page agree on the state and its sentence."""
    client = billing.api
    assert api_state(billing, account_id)[:2] == (state, summary)
    assert log_in(client).status_code == 303  # the test clock moves past a console session's 8 hours
    row = console_list_row(client, account_id)
    assert f'class="state state-{state} ' in row and text(row).strip().endswith(LABELS[state])
    assert re.search(r'title="([^"]*)"', row).group(1) == html.escape(summary).replace("&#x27;", "&#39;")
    console_page = client.get(f"/console/accounts/{account_id}").text
    assert f'<td class="state state-{state}">{LABELS[state]}</td>' in console_page
    open_page(client, account_id)
    billing_page = client.get("/billing").text
    banners = [text(b) for b in re.findall(r'<div class="banner [^"]*" role="alert">.*?</div>', billing_page, re.S)]
    console_banners = [
        text(b) for b in re.findall(r'<div class="banner [^"]*" role="alert">.*?</div>', console_page, re.S)
    ]
    if state == "active":
        assert not [b for b in banners if "features" in b] and not console_banners
    else:
        assert [b for b in banners if summary in b], banners
        assert [b for b in console_banners if summary in b], console_banners


@pytest.fixture
def accounts(billing, app):
    ok(
        billing.api.post(
            "/v1/plans",
            json={
                "id": "pro",
                "name": "Pro",
                "fixed_fee": 3_000,
                "features": ["api", "dashboard"],
                "prices": {"esp32": [{"up_to": None, "unit_price": 100}]},
            },
        ),
        201,
    )
    with app.db.transaction() as conn:
        staff.create_staff(conn, app.clock.now(), EMAIL, "Hana Sato", PASSWORD)
    visa, declines = billing.account(name="Visa"), billing.account(name="Declines")
    pro, transfer = billing.account("pro", name="Pro"), billing.account("invoiced", name="Transfer")
    for account in (visa, declines, transfer):
        billing.devices(account, 2)
    billing.add_card(visa, VISA)
    billing.add_card(declines, DECLINES)
    ok(billing.api.post(f"/v1/accounts/{transfer}/collection-method", json={"method": "bank_transfer"}))
    return dict(visa=visa, declines=declines, pro=pro, transfer=transfer)


def number(billing: Billing, account_id: str, month: str | None) -> str:
    found = [i for i in ok(billing.api.get(f"/v1/accounts/{account_id}/invoices")) if i["billing_month"] == month]
    return found[0]["number"]


def test_r10_r19_r20_each_state_is_said_alike_by_the_api_the_console_and_the_billing_page(billing, accounts):
    # given: January closed and collected once (the Declines card declined; Pro has no card)
    billing.at(JAN_CLOSE)
    billing.run()
    billing.at(JAN_CLOSE + DAY)

    # then: Visa is active; nothing to show but that its features are on
    say_the_same(billing, accounts["visa"], "active", "The plan's features are on.")
    # Declines' payment is failing, its features on, its next try on Feb 4 in Tokyo (00:00Z + 3 days)
    jan = number(billing, accounts["declines"], "2026-01")
    say_the_same(
        billing,
        accounts["declines"],
        "payment_failing",
        f"A payment failed. Invoice {jan} could not be charged; the plan's features stay on, "
        "and we try again on 2026-02-04.",
    )
    assert api_state(billing, accounts["declines"])[2] is True
    # Pro's purchase invoice is unpaid: its features have not started (R10), shown as such everywhere
    purchase = number(billing, accounts["pro"], None)
    say_the_same(
        billing,
        accounts["pro"],
        "awaiting_payment",
        f"The plan's features are off until its purchase invoice {purchase} is paid.",
    )
    assert api_state(billing, accounts["pro"])[2] is False
    # the transfer account's January is not due yet: active
    say_the_same(billing, accounts["transfer"], "active", "The plan's features are on.")

    # when: the tries of days 3 and 7 fail, then the last, on day 14: Declines is suspended, its features off
    for day in (3, 7, 14):
        billing.at(JAN_CLOSE + day * DAY)
        billing.run()
    say_the_same(
        billing,
        accounts["declines"],
        "suspended",
        f"Suspended: invoice {jan} is unpaid, so the plan's features are off until it is paid.",
    )
    assert api_state(billing, accounts["declines"])[2] is False

    # when: February has ended in Tokyo and the transfer for January has not come (due by Feb 28)
    billing.at(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    billing.run()
    # then: its payment is overdue, said alike, with its features still on (the grace period runs)
    jan_transfer = number(billing, accounts["transfer"], "2026-01")
    say_the_same(
        billing,
        accounts["transfer"],
        "payment_failing",
        f"Payment overdue. Invoice {jan_transfer} was due by 2026-02-28 and is not paid yet; the plan's "
        "features stay on for now.",
    )
    assert api_state(billing, accounts["transfer"])[2] is True


def test_r19_the_customers_page_says_what_fixes_a_suspension_in_japanese_too(billing, accounts):
    # given: Declines suspended
    for day in (0, 3, 7, 14):
        billing.at(JAN_CLOSE + day * DAY)
        billing.run()
    jan = number(billing, accounts["declines"], "2026-01")
    # when: its billing page is read in Japanese
    open_page(billing.api, accounts["declines"])
    billing.api.get("/lang/ja", params={"next": "/billing"})
    page = html.unescape(billing.api.get("/billing").text)
    # then: the banner says the features are off and what brings them back
    assert f"利用停止中：請求書 {jan} が未払いのため、お支払いいただくまでプランの機能は停止しています。" in page
    assert "支払いのできるカードを登録してください。未払いの請求はすぐに決済され、機能が再開します。" in page
    billing.api.get("/lang/en", params={"next": "/billing"})


def test_every_state_label_and_sentence_has_its_japanese():
    shown = [*LABELS.values(), *HEADLINES.values()]
    assert [s for s in shown if s not in catalog()] == []
