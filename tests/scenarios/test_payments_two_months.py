"""Two months of getting paid, driven through the HTTP API and the test clock, on each gateway:
the embedded sandbox, and Stripe's API served by localstripe (tests/gateway_fixtures.py).

Every figure is worked out by hand in a comment; none is copied from the program's output.

Catalog: plan "standard", esp32 first 1 device at 0 JPY, then 400 JPY (tax-exclusive, R7, R8);
Japan's 10% (R12), rounded down. Default retry schedule: days 0, 3, 7 and 14 (R19).
Accounts, all Asia/Tokyo, JP, taxable, signed up at 2026-01-10T00:00Z:
  A  3 esp32; card 4242 4242 4242 4242, which the account updater renews on 2026-02-15 (09/2031,
     last 4 8431); a 4th esp32 from 2026-02-05
  B  4 esp32; card 4000 0000 0000 0341 (attaches, then declines every charge); on 2026-02-16, after
     the schedule has run out, card 4000 0566 5566 5556 (good)
  C  5 esp32; card 4012 8888 8888 1881; 1,000 points (no expiry)
Tokyo's January is [2025-12-31T15:00Z, 2026-01-31T15:00Z), February [.., 2026-02-28T15:00Z).

What localstripe lacks, and where that path is covered instead:
  * idempotent requests: tests/localstripe_server.py replays them as Stripe does;
  * account-updater events: localstripe never sends one; the event is written and signed as Stripe
    signs it (tests/gateway_fixtures.py), so fleetbill's webhook path is the same, but the card at
    localstripe does not change. A card the bank declines as expired until the updater renews it
    (4000 0000 0000 0069) is refused at attach by localstripe: that path runs on the sandbox only,
    in tests/integration/test_collection.py;
  * brands: localstripe calls every card "visa", so only Visa numbers are used here;
  * lost answers (timeouts): the App's gateway cannot lose one here; the sandbox covers it in
    test_collection.py, and localstripe behind a lossy proxy in test_gateway_conformance.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import stripe
from fastapi.testclient import TestClient
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from fleetbill.adapters.db.engine import Database
from fleetbill.bootstrap import App, ensure_reference_data
from fleetbill.entrypoints.api import create_api
from fleetbill.services.api_keys import create_api_key
from tests.gateway_fixtures import API_KEY
from tests.scenarios.test_two_months_via_api import closed

TAX_10 = Decimal("0.1")
GOOD_A = "4242 4242 4242 4242"
DECLINES = "4000 0000 0000 0341"
GOOD_B = "4000 0566 5566 5556"
GOOD_C = "4012 8888 8888 1881"
ON = [("api", True), ("dashboard", True)]
OFF = [("api", False), ("dashboard", False)]
NOTHING = {"paid": [], "declined": [], "unknown": [], "suspended": []}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture(params=["sandbox", "stripe"])
def harness(request):
    """The gateway under test, with what the test needs around it (tests/gateway_fixtures.py)."""
    return request.getfixturevalue(f"{request.param}_harness")


@pytest.fixture
def app(settings, clock, harness):
    """The app of tests/conftest.py, on this test's gateway."""
    db = Database(settings.database_url)
    ensure_reference_data(db, settings, clock.now())
    yield App(settings, db, clock, harness.gateway)
    db.dispose()


@pytest.fixture
def api(app):
    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), "tests")
    with TestClient(create_api(app), raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client


@pytest.fixture
def gateway_charges(harness, request):
    """(amount, card token, payment reference) of every charge that took money from a customer,
    as the gateway itself reports them."""
    if harness.name == "sandbox":
        return lambda customer: sorted(
            (c.amount, c.card_token, c.reference) for c in harness.gateway.charges if c.customer == customer
        )
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": request.getfixturevalue("localstripe")}, max_network_retries=0
    )

    def at_stripe(customer: str) -> list[tuple]:
        found = client.v1.charges.list(params={"customer": customer, "limit": 100}).data
        return sorted((c.amount, c.payment_method, c.payment_intent) for c in found if c.status == "succeeded")

    return at_stripe


class Operator:
    """The operator's side of the API, each call checked for its status."""

    def __init__(self, client, app, harness):
        self.client, self.app, self.harness = client, app, harness

    def call(self, method: str, path: str, body=None, status: int = 200, **kw):
        response = self.client.request(method, path, json=body, **kw)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    def at(self, when: str) -> None:
        assert utc(self.call("POST", "/v1/test-clock", {"now": when})["now"]) == utc(when)

    def run_due_jobs(self) -> dict:
        return self.call("POST", "/v1/test-clock/run-due-jobs")

    def sign_up(self, name: str) -> str:
        body = dict(name=name, plan_id="standard", country="JP", billing_email="billing@example.jp")
        return self.call("POST", "/v1/accounts", body, 201)["id"]

    def register(self, account_id: str, n: int) -> list[str]:
        path = f"/v1/accounts/{account_id}/devices"
        return [self.call("POST", path, {"device_type_id": "esp32"}, 201)["id"] for _ in range(n)]

    def tokenize(self, number: str) -> str:
        """The browser's part: the number goes to the gateway, which gives back a token (R17)."""
        if self.harness.name == "sandbox":
            body = {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}
            return self.call("POST", "/v1/sandbox/tokens", body)["token"]
        return self.harness.tokenize(number, 12, 2030, "123")  # Stripe.js's call, at localstripe

    def add_card(self, account_id: str, number: str) -> dict:
        token = self.tokenize(number)
        card = self.call("POST", f"/v1/accounts/{account_id}/cards", {"token": token}, 201)
        return card | {"token": token}

    def cards(self, account_id: str) -> list[tuple]:
        return [
            (c["id"], c["brand"], c["last4"], c["exp_month"], c["exp_year"], c["is_default"])
            for c in self.call("GET", f"/v1/accounts/{account_id}/cards")
        ]

    def invoices(self, account_id: str) -> dict:
        return {i["billing_month"]: i for i in self.call("GET", f"/v1/accounts/{account_id}/invoices")}

    def attempts(self, invoice_id: str) -> list[tuple]:
        """(try, card, amount, outcome, code) of every attempt, in order, and their references."""
        found = self.call("GET", f"/v1/invoices/{invoice_id}/payments")["attempts"]
        return [(a["try_number"], a["card_id"], a["amount"], a["outcome"], a["code"]) for a in found]

    def references(self, invoice_id: str) -> list[str | None]:
        return [a["reference"] for a in self.call("GET", f"/v1/invoices/{invoice_id}/payments")["attempts"]]

    def enabled(self, account_id: str) -> tuple[bool, list[tuple[str, bool]]]:
        e = self.call("GET", f"/v1/accounts/{account_id}/entitlements")
        return e["suspended"], [(f["feature"], f["enabled"]) for f in e["features"]]

    def customer(self, account_id: str) -> str:
        """The account's customer at the gateway (fleetbill keeps it; the API does not show it)."""
        with self.app.db.read() as conn:
            bs = p.billing_settings
            return conn.execute(select(bs.c.gateway_customer).where(bs.c.account_id == account_id)).scalar_one()

    def told(self, account_id: str) -> list[tuple[str, datetime]]:
        n = t.notifications
        with self.app.db.read() as conn:
            rows = conn.execute(
                select(n.c.kind, n.c.created_at).where(n.c.account_id == account_id).order_by(n.c.id)
            ).all()
        return [(kind, at.astimezone(UTC)) for kind, at in rows]


def amounts(invoice: dict) -> tuple:
    """(esp32 quantity, subtotal, tax, total, points, due, status)."""
    [line] = invoice["lines"]
    [tax] = invoice["taxes"]
    assert (line["device_type_id"], Decimal(tax["rate"])) == ("esp32", TAX_10)
    return (
        line["quantity"],
        invoice["subtotal"],
        invoice["tax_total"],
        invoice["total"],
        invoice["points_applied"],
        invoice["amount_due"],
        invoice["status"],
    )


def test_r15_r16_r17_r19_two_months_of_payments_via_the_api(api, app, harness, gateway_charges):
    op = Operator(api, app, harness)

    # --- given: the catalog ---------------------------------------------------------------------------
    op.call("POST", "/v1/device-types", {"id": "esp32", "name": "ESP32"}, 201)
    prices = {"esp32": [{"up_to": 1, "unit_price": 0}, {"up_to": None, "unit_price": 400}]}
    plan = {"id": "standard", "name": "Standard", "features": ["api", "dashboard"], "prices": prices}
    op.call("POST", "/v1/plans", plan, 201)

    # --- given: January's sign-ups, devices, cards, points --------------------------------------------
    op.at("2026-01-10T00:00:00Z")
    a, b, c = op.sign_up("Tokyo Robotics"), op.sign_up("Osaka Farm"), op.sign_up("Kyoto Labs")
    op.register(a, 3)
    b_devices = op.register(b, 4)
    op.register(c, 5)
    card_a = op.add_card(a, GOOD_A)
    card_b1 = op.add_card(b, DECLINES)
    card_c = op.add_card(c, GOOD_C)
    op.call("POST", f"/v1/accounts/{c}/points", {"amount": 1_000, "reason": "launch campaign"}, 201)
    # R17: what fleetbill keeps of a card: brand, last 4, expiry; the first card is the default
    assert op.cards(a) == [(card_a["id"], "visa", "4242", 12, 2030, True)]
    assert op.cards(b) == [(card_b1["id"], "visa", "0341", 12, 2030, True)]
    assert op.cards(c) == [(card_c["id"], "visa", "1881", 12, 2030, True)]
    customers = {x: op.customer(x) for x in (a, b, c)}
    assert len(set(customers.values())) == 3 and all(x.startswith("cus_") for x in customers.values())
    if harness.name == "stripe":  # the customers are localstripe's, and the sandbox's endpoints are absent
        assert not any(x.startswith("cus_sb_") for x in customers.values())
        op.call("POST", "/v1/sandbox/tokens", {"number": GOOD_A, "exp_month": 12, "exp_year": 2030}, status=404)

    # --- when: January ends in Tokyo and the due jobs run; then: closed and collected -----------------
    op.at("2026-01-31T16:00:00Z")  # 01:00 on Feb 1 in Tokyo
    done = op.run_due_jobs()
    # A: 0 + 2 x 400 = 800, tax 80, 880. B: 0 + 3 x 400 = 1,200, tax 120, 1,320.
    # C: 0 + 4 x 400 = 1,600, tax 160, 1,760; 1,000 points pay first: 760 left for the card.
    assert done["close"] == closed(["2026-01"], 3, 880 + 1_320 + 1_760, opened=3)
    jan = {x: op.invoices(x)["2026-01"] for x in (a, b, c)}
    assert sorted(done["collect"]["paid"]) == sorted([jan[a]["id"], jan[c]["id"]])
    assert done["collect"]["declined"] == [jan[b]["id"]] and done["collect"]["suspended"] == []
    assert amounts(jan[a]) == (3, 800, 80, 880, 0, 880, "paid")
    assert amounts(jan[b]) == (4, 1_200, 120, 1_320, 0, 1_320, "open")
    assert amounts(jan[c]) == (5, 1_600, 160, 1_760, 1_000, 760, "paid")
    assert op.attempts(jan[a]["id"]) == [(1, card_a["id"], 880, "succeeded", None)]
    assert op.attempts(jan[c]["id"]) == [(1, card_c["id"], 760, "succeeded", None)]  # R16: exactly the rest
    assert op.attempts(jan[b]["id"]) == [(1, card_b1["id"], 1_320, "declined", "card_declined")]
    assert gateway_charges(customers[a]) == [(880, card_a["token"], op.references(jan[a]["id"])[0])]
    assert gateway_charges(customers[c]) == [(760, card_c["token"], op.references(jan[c]["id"])[0])]
    assert gateway_charges(customers[b]) == []
    assert op.call("GET", f"/v1/accounts/{c}/points")["balance"] == 0  # 1,000 - 1,000

    # --- when: B's retries fall due (days 3, 7, 14 after the first try); then: declined, suspended ----
    for when in ("2026-02-03T15:59:59Z", "2026-02-03T16:00:00Z", "2026-02-05T00:00:00Z", "2026-02-07T16:00:00Z"):
        op.at(when)
        retried = [jan[b]["id"]] if when.endswith("16:00:00Z") else []  # nothing between the tries
        assert op.run_due_jobs()["collect"] == NOTHING | {"declined": retried}
        assert op.enabled(b) == (False, ON)  # still being collected: features on
        if when == "2026-02-05T00:00:00Z":
            op.register(a, 1)  # A: 4 esp32 from 2026-02-05
    op.at("2026-02-14T15:59:59Z")
    assert op.run_due_jobs()["collect"] == NOTHING  # not a second early
    op.at("2026-02-14T16:00:00Z")
    last = op.run_due_jobs()
    assert last["collect"] == NOTHING | {"declined": [jan[b]["id"]], "suspended": [b]}
    assert op.attempts(jan[b]["id"]) == [(n, card_b1["id"], 1_320, "declined", "card_declined") for n in (1, 2, 3, 4)]
    assert all(ref and ref.startswith("pi_") for ref in op.references(jan[b]["id"]))
    # R19: suspended: the features are off; the devices are all still there
    assert op.enabled(b) == (True, OFF)
    assert {d["id"] for d in op.call("GET", f"/v1/accounts/{b}/devices")} == set(b_devices)
    assert op.enabled(a) == op.enabled(c) == (False, ON)
    # R17: B cannot remove its only card while January is unpaid
    op.call("DELETE", f"/v1/accounts/{b}/cards/{card_b1['id']}", status=409)

    # --- when: the account updater renews A's card (the gateway's signed webhook); then: stored -------
    op.at("2026-02-15T00:00:00Z")
    body, headers = harness.card_update_webhook(card_a["token"], "8431", 9, 2031)
    updated = op.call("POST", f"/v1/webhooks/{harness.name}", content=body, headers=headers)
    assert updated["cards_updated"] == 1
    assert op.cards(a) == [(card_a["id"], "visa", "8431", 9, 2031, True)]  # same card, same token

    # --- when: B registers a good card; then: charged at once, the features come back -----------------
    op.at("2026-02-16T00:00:00Z")
    card_b2 = op.add_card(b, GOOD_B)
    assert card_b2["retried_invoices"] == [jan[b]["id"]]
    # the extra try: the new card first, and it pays the 1,320 (the declining default is not tried)
    assert op.attempts(jan[b]["id"])[4:] == [(5, card_b2["id"], 1_320, "succeeded", None)]
    assert op.invoices(b)["2026-01"]["status"] == "paid"
    assert op.enabled(b) == (False, ON)
    assert gateway_charges(customers[b]) == [(1_320, card_b2["token"], op.references(jan[b]["id"])[4])]
    # B makes the new card its default and removes the one that declines (one of two: allowed)
    op.call("POST", f"/v1/accounts/{b}/cards/{card_b2['id']}/default")
    op.call("DELETE", f"/v1/accounts/{b}/cards/{card_b1['id']}", status=204)
    assert op.cards(b) == [(card_b2["id"], "visa", "5556", 12, 2030, True)]

    # --- when: February ends; then: closed, and each invoice paid at the first try --------------------
    op.at("2026-02-28T16:00:00Z")
    done = op.run_due_jobs()
    # A: 4 esp32: 0 + 3 x 400 = 1,200, tax 120, 1,320. B: unchanged, 1,320. C: unchanged, 1,760,
    # no points left.
    assert done["close"] == closed(["2026-02"], 3, 1_320 + 1_320 + 1_760, opened=3)
    feb = {x: op.invoices(x)["2026-02"] for x in (a, b, c)}
    assert sorted(done["collect"]["paid"]) == sorted(feb[x]["id"] for x in (a, b, c))
    assert done["collect"]["declined"] == done["collect"]["suspended"] == []
    assert amounts(feb[a]) == (4, 1_200, 120, 1_320, 0, 1_320, "paid")
    assert amounts(feb[b]) == (4, 1_200, 120, 1_320, 0, 1_320, "paid")
    assert amounts(feb[c]) == (5, 1_600, 160, 1_760, 0, 1_760, "paid")
    assert op.attempts(feb[a]["id"]) == [(1, card_a["id"], 1_320, "succeeded", None)]  # the renewed card
    assert op.attempts(feb[b]["id"]) == [(1, card_b2["id"], 1_320, "succeeded", None)]
    assert op.attempts(feb[c]["id"]) == [(1, card_c["id"], 1_760, "succeeded", None)]

    # --- when: the jobs run again, at once and a week later; then: nothing more is charged ------------
    charged = {x: gateway_charges(customers[x]) for x in (a, b, c)}
    assert op.run_due_jobs()["collect"] == NOTHING
    assert op.call("POST", "/v1/collect") == NOTHING
    op.at("2026-03-07T16:00:00Z")
    rerun = op.run_due_jobs()
    assert (rerun["close"]["invoices"], rerun["collect"]) == (0, NOTHING)
    assert {x: gateway_charges(customers[x]) for x in (a, b, c)} == charged

    # --- then: what each customer paid, as the gateway itself reports it ------------------------------
    ref = lambda invoice, n=0: op.references(invoice["id"])[n]  # noqa: E731
    assert charged[a] == sorted([(880, card_a["token"], ref(jan[a])), (1_320, card_a["token"], ref(feb[a]))])
    assert charged[b] == sorted([(1_320, card_b2["token"], ref(jan[b], 4)), (1_320, card_b2["token"], ref(feb[b]))])
    assert charged[c] == sorted([(760, card_c["token"], ref(jan[c])), (1_760, card_c["token"], ref(feb[c]))])
    assert all(r.startswith("pi_") for x in (a, b, c) for _, _, r in charged[x])
    for x in (a, b, c):
        payments = [op.call("GET", f"/v1/invoices/{i['id']}/payments") for i in (jan[x], feb[x])]
        assert [(q["status"], q["received"]) for q in payments] == [
            ("paid", jan[x]["amount_due"]),
            ("paid", feb[x]["amount_due"]),
        ]
        assert all(len(q["payments"]) == 1 for q in payments)  # one payment per invoice, never two

    # --- then: who was told what (R19, R24: each invoice emailed, a receipt when a card pays) ----------
    assert op.told(a) == [
        ("invoice", utc("2026-01-31T16:00:00Z")),
        ("receipt", utc("2026-01-31T16:00:00Z")),
        ("invoice", utc("2026-02-28T16:00:00Z")),
        ("receipt", utc("2026-02-28T16:00:00Z")),
    ]
    assert op.told(c) == op.told(a)
    assert op.told(b) == [
        ("invoice", utc("2026-01-31T16:00:00Z")),
        ("payment_failed", utc("2026-01-31T16:00:00Z")),
        ("payment_failed", utc("2026-02-03T16:00:00Z")),
        ("payment_failed", utc("2026-02-07T16:00:00Z")),
        ("suspended", utc("2026-02-14T16:00:00Z")),
        ("receipt", utc("2026-02-16T00:00:00Z")),
        ("reinstated", utc("2026-02-16T00:00:00Z")),
        ("invoice", utc("2026-02-28T16:00:00Z")),
        ("receipt", utc("2026-02-28T16:00:00Z")),
    ]
    assert op.enabled(b) == (False, ON)
