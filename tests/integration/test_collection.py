"""Collection on the real database with the sandbox gateway, through the API and the services:
points first then the card (R16), cards on file (R17), bank transfer (R18), declines, retries,
suspension, expiry and the account updater (R19), and no path that charges twice.

Catalog for every test: esp32 at 100 JPY a device a month, tax-exclusive; Japan's 10% (R12).
Accounts are in Asia/Tokyo and sign up at the fixtures' start, 2026-01-05T03:00Z, so their
devices are Active all of January, Tokyo's [2025-12-31T15:00Z, 2026-01-31T15:00Z): n devices
cost n x 100 + 10% tax. January closes at the first due-jobs run after 2026-01-31T15:00Z.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from fleetbill.adapters.gateway import ChargeOutcome
from fleetbill.domain.dunning import RetryPolicy
from fleetbill.services import collect_invoice
from fleetbill.services.close_month import close_due_months
from fleetbill.services.collect_invoice import CollectReport, collect_due, try_invoice
from fleetbill.services.events import publish_events

PROBLEM = "application/problem+json"
VISA = "4242 4242 4242 4242"
MASTERCARD = "5555 5555 5555 4444"
DECLINES = "4000 0000 0000 0341"  # Stripe's test card: attaches, then every charge is declined
EXPIRED_AT_THE_BANK = "4000 0000 0000 0069"  # declined as expired_card until the account updater renews it
FEATURES = ["api", "dashboard"]
CARD_FIELDS = {"id", "brand", "last4", "exp_month", "exp_year", "is_default", "expiring_soon"}  # R17: never the number

JAN_CLOSE = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)  # 09:00 on Feb 1 in Tokyo: January has ended there
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


# --- helpers -----------------------------------------------------------------------------------


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status: int) -> dict:
    """An RFC 9457 problem with the given status and a detail that says something."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"].strip()
    return body


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class Billing:
    """The operator's side of the API, plus what the tests read from the database and the sandbox."""

    def __init__(self, api, app):
        self.api, self.app = api, app

    # the clock and the worker
    def at(self, when: datetime) -> None:
        assert utc(ok(self.api.post("/v1/test-clock", json={"now": when.isoformat()}))["now"]) == when

    def run(self) -> dict:
        """POST /v1/test-clock/run-due-jobs: the close, collection, reminders, warnings, expiry."""
        return ok(self.api.post("/v1/test-clock/run-due-jobs"))

    # accounts, devices, points
    def account(self, plan_id: str = "basic", name: str = "Acme") -> str:
        body = {"name": name, "country": "JP", "plan_id": plan_id, "billing_email": "billing@example.com"}
        return ok(self.api.post("/v1/accounts", json=body), 201)["id"]

    def devices(self, account_id: str, n: int) -> list[str]:
        return [
            ok(self.api.post(f"/v1/accounts/{account_id}/devices", json={"device_type_id": "esp32"}), 201)["id"]
            for _ in range(n)
        ]

    def grant(self, account_id: str, amount: int) -> None:
        ok(self.api.post(f"/v1/accounts/{account_id}/points", json={"amount": amount, "reason": "welcome"}), 201)

    # cards
    def token(self, number: str, exp_month: int = 12, exp_year: int = 2030) -> str:
        """What the gateway's page does in the browser: the number goes to the gateway, a token comes back."""
        body = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": "123"}
        return ok(self.api.post("/v1/sandbox/tokens", json=body))["token"]

    def add_card(self, account_id: str, number: str, exp_month: int = 12, exp_year: int = 2030, **extra) -> dict:
        token = self.token(number, exp_month, exp_year)
        card = ok(self.api.post(f"/v1/accounts/{account_id}/cards", json={"token": token} | extra), 201)
        return card | {"token": token}

    def cards(self, account_id: str) -> list[dict]:
        return ok(self.api.get(f"/v1/accounts/{account_id}/cards"))

    # invoices and payments
    def invoice(self, account_id: str, month: str = "2026-01") -> dict:
        found = [i for i in ok(self.api.get(f"/v1/accounts/{account_id}/invoices")) if i["billing_month"] == month]
        assert len(found) == 1, found
        return found[0]

    def payments(self, invoice_id: str) -> dict:
        return ok(self.api.get(f"/v1/invoices/{invoice_id}/payments"))

    def attempts(self, invoice_id: str) -> list[tuple]:
        """(try, card, amount, outcome, code, reference) of every attempt, in order."""
        return [
            (a["try_number"], a["card_id"], a["amount"], a["outcome"], a["code"], a["reference"])
            for a in self.payments(invoice_id)["attempts"]
        ]

    def attempt_keys(self, invoice_id: str) -> list[str]:
        a = p.payment_attempts
        with self.app.db.read() as conn:
            return list(
                conn.execute(select(a.c.idempotency_key).where(a.c.invoice_id == invoice_id).order_by(a.c.attempted_at))
                .scalars()
                .all()
            )

    def entitlements(self, account_id: str) -> dict:
        return ok(self.api.get(f"/v1/accounts/{account_id}/entitlements"))

    def enabled(self, account_id: str) -> tuple[bool, list[tuple[str, bool]]]:
        e = self.entitlements(account_id)
        return e["suspended"], [(f["feature"], f["enabled"]) for f in e["features"]]

    def notifications(self, account_id: str) -> list[tuple[str, dict, datetime]]:
        """What the account is told: the emails its published events made (R22: email is one consumer)."""
        publish_events(self.app.db, self.app.clock.now())
        n = t.notifications
        with self.app.db.read() as conn:
            rows = conn.execute(
                select(n.c.kind, n.c.body, n.c.created_at)
                # The invoice's own email (R24) is tests/integration/test_invoice_email.py's: these
                # tests read what collection tells the account.
                .where(n.c.account_id == account_id, n.c.kind.not_in(["invoice", "purchase_invoice"]))
                .order_by(n.c.id)
            ).all()
        return [(r.kind, json.loads(r.body), r.created_at.astimezone(UTC)) for r in rows]

    def kinds(self, account_id: str) -> list[str]:
        return [kind for kind, _, _ in self.notifications(account_id)]

    def stored_cards(self) -> list[tuple]:
        c = p.cards
        with self.app.db.read() as conn:
            return [tuple(r) for r in conn.execute(select(c).order_by(c.c.added_at, c.c.id)).all()]

    def rows(self, table) -> int:
        with self.app.db.read() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def billing(api, app) -> Billing:
    """esp32 at 100 JPY on "basic" (card only), "invoiced" (bank transfer allowed) and "free" (0 JPY)."""
    ok(api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}), 201)
    for plan_id, price, bank_transfer in (("basic", 100, False), ("invoiced", 100, True), ("free", 0, False)):
        body = {
            "id": plan_id,
            "name": plan_id.title(),
            "features": FEATURES,
            "allow_bank_transfer": bank_transfer,
            "prices": {"esp32": [{"up_to": None, "unit_price": price}]},
        }
        ok(api.post("/v1/plans", json=body), 201)
    return Billing(api, app)


ON = [("api", True), ("dashboard", True)]
OFF = [("api", False), ("dashboard", False)]


# --- R16: points first, the card pays the rest --------------------------------------------------


def test_r16_points_pay_part_of_the_invoice_and_the_card_is_charged_exactly_the_rest(billing, app):
    # given: 3 esp32 Active all January, a grant of 100 points, one card
    acme = billing.account()
    billing.devices(acme, 3)
    billing.grant(acme, 100)
    card = billing.add_card(acme, VISA)

    # when: January ends in Tokyo and the due jobs run
    billing.at(JAN_CLOSE)
    done = billing.run()

    # then: 3 x 100 = 300, tax 10% = 30, total 330; the 100 points pay first; the card 330 - 100 = 230
    invoice = billing.invoice(acme)
    assert (invoice["total"], invoice["points_applied"], invoice["amount_due"]) == (330, 100, 230)
    assert invoice["status"] == "paid"
    assert done["collect"] == {"paid": [invoice["id"]], "declined": [], "unknown": [], "suspended": []}
    [charge] = app.gateway.charges
    assert (charge.amount, charge.currency, charge.card_token) == (230, "JPY", card["token"])
    assert charge.metadata["invoice_id"] == invoice["id"]
    assert billing.attempts(invoice["id"]) == [(1, card["id"], 230, "succeeded", None, charge.reference)]
    paid = billing.payments(invoice["id"])
    assert (paid["amount_due"], paid["received"], paid["status"]) == (230, 230, "paid")
    assert [(x["method"], x["amount"], x["reference"]) for x in paid["payments"]] == [("card", 230, charge.reference)]
    assert ok(billing.api.get(f"/v1/accounts/{acme}/points"))["balance"] == 0  # 100 - 100
    assert billing.kinds(acme) == ["receipt"]  # R24: a card payment's receipt


def test_r16_points_that_pay_the_whole_invoice_leave_nothing_to_charge(billing, app):
    # given: 2 esp32 (200 + 20 tax = 220) and 500 points
    acme = billing.account()
    billing.devices(acme, 2)
    billing.grant(acme, 500)
    billing.add_card(acme, VISA)

    # when
    billing.at(JAN_CLOSE)
    billing.run()

    # then: the points pay all 220 (280 are left); no collection, no charge
    invoice = billing.invoice(acme)
    assert (invoice["total"], invoice["points_applied"], invoice["amount_due"], invoice["status"]) == (
        220,
        220,
        0,
        "paid",
    )
    assert app.gateway.charges == ()
    assert billing.payments(invoice["id"])["collection"] is None
    assert ok(billing.api.get(f"/v1/accounts/{acme}/points"))["balance"] == 280  # 500 - 220


# --- R19: the other card, retries, suspension ----------------------------------------------------


def test_r19_a_decline_on_the_default_card_falls_back_to_the_other_card_in_the_same_try(billing, app):
    # given: 2 esp32 (200 + 20 = 220); the default card declines every charge, the other is good
    acme = billing.account()
    billing.devices(acme, 2)
    declining = billing.add_card(acme, DECLINES)
    good = billing.add_card(acme, VISA)
    assert (declining["is_default"], good["is_default"]) == (True, False)  # R17: the first is the default

    # when: January closes and the first try runs
    billing.at(JAN_CLOSE)
    done = billing.run()

    # then: try 1 was declined on the default card, then paid by the other, 220 each time
    invoice = billing.invoice(acme)
    assert invoice["status"] == "paid" and done["collect"]["paid"] == [invoice["id"]]
    [charge] = app.gateway.charges
    assert (charge.amount, charge.card_token) == (220, good["token"])
    attempts = billing.attempts(invoice["id"])
    assert attempts == [
        (1, declining["id"], 220, "declined", "card_declined", attempts[0][5]),
        (1, good["id"], 220, "succeeded", None, charge.reference),
    ]
    assert attempts[0][5].startswith("pi_sb_") and attempts[0][5] != charge.reference  # the gateway's reference
    keys = billing.attempt_keys(invoice["id"])
    assert len(set(keys)) == 2  # each attempt carries its own idempotency key (R17)
    assert billing.payments(invoice["id"])["received"] == 220
    # R19: the account is told each time a card fails, even when the other card then paid
    assert billing.kinds(acme) == ["receipt", "card_declined"]


def test_r19_every_try_declined_for_14_days_suspends_then_a_new_card_pays_and_reinstates(billing, app):
    # given: 2 esp32 (200 + 20 = 220) and one card that declines every charge
    acme = billing.account()
    d1, d2 = billing.devices(acme, 2)
    declining = billing.add_card(acme, DECLINES)

    # when: January closes; the default schedule tries at days 0, 3, 7 and 14 from the first try
    billing.at(JAN_CLOSE)
    first = billing.run()
    invoice = billing.invoice(acme)
    assert first["collect"]["declined"] == [invoice["id"]]
    # then: nothing is tried before its day
    billing.at(JAN_CLOSE + 3 * DAY - SECOND)
    assert billing.run()["collect"] == {"paid": [], "declined": [], "unknown": [], "suspended": []}
    assert len(billing.attempts(invoice["id"])) == 1
    for day in (3, 7):
        billing.at(JAN_CLOSE + day * DAY)
        assert billing.run()["collect"]["declined"] == [invoice["id"]]
        assert billing.enabled(acme) == (False, ON)  # still collecting: the features stay on
    billing.at(JAN_CLOSE + 14 * DAY)  # 2026-02-15T00:00Z: the fourth and last try
    last = billing.run()

    # then: four tries, each 220 on the one card, each declined; the account is suspended
    assert last["collect"]["suspended"] == [acme]
    attempts = billing.attempts(invoice["id"])
    assert [a[:5] for a in attempts] == [(n, declining["id"], 220, "declined", "card_declined") for n in (1, 2, 3, 4)]
    assert [utc(a["attempted_at"]) for a in billing.payments(invoice["id"])["attempts"]] == [
        JAN_CLOSE,
        utc("2026-02-04T00:00:00Z"),
        utc("2026-02-08T00:00:00Z"),
        utc("2026-02-15T00:00:00Z"),
    ]
    assert app.gateway.charges == ()
    assert billing.payments(invoice["id"])["collection"]["state"] == "failed"
    assert invoice["status"] == billing.invoice(acme)["status"] == "open"
    entitlements = billing.entitlements(acme)
    assert billing.enabled(acme) == (True, OFF)
    assert all(invoice["number"] in f["reason"] and "unpaid" in f["reason"] for f in entitlements["features"])
    # the account was told each time: three failures with the next date, then the suspension
    told = billing.notifications(acme)
    assert [(kind, body.get("next_try_at"), at) for kind, body, at in told] == [
        ("payment_failed", "2026-02-04T00:00:00+00:00", JAN_CLOSE),
        ("payment_failed", "2026-02-08T00:00:00+00:00", utc("2026-02-04T00:00:00Z")),
        ("payment_failed", "2026-02-15T00:00:00+00:00", utc("2026-02-08T00:00:00Z")),
        ("suspended", None, utc("2026-02-15T00:00:00Z")),
    ]
    # R3, R19: the devices are still there and can still be switched
    assert {d["id"] for d in ok(billing.api.get(f"/v1/accounts/{acme}/devices"))} == {d1, d2}
    assert ok(billing.api.post(f"/v1/devices/{d1}/status", json={"active": False}))["changed"] == [d1]
    assert ok(billing.api.post(f"/v1/devices/{d1}/status", json={"active": True}))["changed"] == [d1]
    # a run after the schedule ran out tries nothing more
    billing.at(JAN_CLOSE + 14 * DAY + DAY)
    assert billing.run()["collect"] == {"paid": [], "declined": [], "unknown": [], "suspended": []}
    assert len(billing.attempts(invoice["id"])) == 4

    # when: the account registers a new card (2026-02-16)
    good = billing.add_card(acme, MASTERCARD)

    # then: charged at once, the new card first (R19: the card that just came to pay), 220
    assert good["retried_invoices"] == [invoice["id"]]
    [charge] = app.gateway.charges
    assert (charge.amount, charge.card_token) == (220, good["token"])
    assert [a[:5] for a in billing.attempts(invoice["id"])[4:]] == [(5, good["id"], 220, "succeeded", None)]
    assert billing.invoice(acme)["status"] == "paid"
    assert billing.enabled(acme) == (False, ON)
    assert {f["reason"] for f in billing.entitlements(acme)["features"]} == {"included in the plan"}
    assert billing.kinds(acme) == [
        "payment_failed",
        "payment_failed",
        "payment_failed",
        "suspended",
        "receipt",
        "reinstated",
    ]
    assert len(ok(billing.api.get(f"/v1/accounts/{acme}/devices"))) == 2


def test_r19_an_expired_card_is_never_charged_and_the_try_fails_for_want_of_a_usable_card(billing, app):
    # given: a card valid through 01/2026 (good at the gateway); fleetbill counts it valid until
    # 2026-01-31T15:00Z, midnight on Feb 1 in the account's zone, Tokyo (R19, docs/decisions.md)
    acme = billing.account()
    billing.devices(acme, 1)
    card = billing.add_card(acme, VISA, exp_month=1, exp_year=2026)
    assert card["expiring_soon"] is True

    # when: January closes after the card has expired
    billing.at(datetime(2026, 2, 1, 12, 0, tzinfo=UTC))
    done = billing.run()

    # then: no attempt, nothing at the gateway; the try failed and the account was told why
    invoice = billing.invoice(acme)
    assert done["collect"]["declined"] == [invoice["id"]]
    assert billing.attempts(invoice["id"]) == []
    assert app.gateway.charges == ()
    collection = billing.payments(invoice["id"])["collection"]
    assert (collection["tries_made"], collection["state"], utc(collection["next_try_at"])) == (
        1,
        "collecting",
        utc("2026-02-04T12:00:00Z"),  # 3 days after the first try
    )
    [(kind, body, _)] = [n for n in billing.notifications(acme) if n[0] != "card_expiring"]
    assert (kind, body["reason"]) == ("payment_failed", "no card that can be charged is on file")
    assert billing.enabled(acme) == (False, ON)


def test_r19_a_card_expiring_within_30_days_is_warned_about_once(billing, app):
    # given: a card valid through 02/2026, so until midnight on Mar 1 in Tokyo (2026-02-28T15:00Z);
    # the warning starts 30 days before, at 2026-01-29T15:00Z. A second card expires in 2030.
    acme = billing.account()
    billing.devices(acme, 1)
    expiring = billing.add_card(acme, VISA, exp_month=2, exp_year=2026)
    billing.add_card(acme, MASTERCARD, exp_month=12, exp_year=2030)
    assert billing.run()["cards_warned"] == 0

    # when / then: not a second before the 30 days
    billing.at(datetime(2026, 1, 29, 15, 0, tzinfo=UTC) - SECOND)
    assert billing.run()["cards_warned"] == 0
    assert [c["expiring_soon"] for c in billing.cards(acme)] == [False, False]
    billing.at(datetime(2026, 1, 29, 15, 0, tzinfo=UTC))
    assert billing.run()["cards_warned"] == 1
    assert [c["expiring_soon"] for c in billing.cards(acme)] == [True, False]

    # and never again: later runs, the close and the charge, which the card still pays (110)
    for when in (datetime(2026, 1, 31, 0, 0, tzinfo=UTC), JAN_CLOSE, datetime(2026, 2, 20, tzinfo=UTC)):
        billing.at(when)
        assert billing.run()["cards_warned"] == 0
    warnings = [(body, at) for kind, body, at in billing.notifications(acme) if kind == "card_expiring"]
    assert warnings == [({"card_id": expiring["id"]}, datetime(2026, 1, 29, 15, 0, tzinfo=UTC))]
    assert [(c.amount, c.card_token) for c in app.gateway.charges] == [(110, expiring["token"])]


# --- R19: the account updater ---------------------------------------------------------------------


def test_r19_account_updater_webhook_stores_the_new_expiry_and_last4_and_the_charge_succeeds(billing, app):
    # given: a card valid through 01/2026 that the bank now declines as expired
    acme = billing.account()
    billing.devices(acme, 1)
    card = billing.add_card(acme, EXPIRED_AT_THE_BANK, exp_month=1, exp_year=2026)

    # when: the card networks renew it (01/2030, new last 4) and the gateway sends its signed webhook
    body, headers = app.gateway.account_updater_event(card["token"], "1881", 1, 2030)
    received = ok(billing.api.post("/v1/webhooks/sandbox", content=body, headers=headers))

    # then: the new expiry and last 4 are stored, nothing else about the card changed
    assert received["type"] == "payment_method.automatically_updated" and received["cards_updated"] == 1
    [stored] = billing.cards(acme)
    assert (stored["id"], stored["brand"], stored["last4"], stored["exp_month"], stored["exp_year"]) == (
        card["id"],
        "visa",
        "1881",
        1,
        2030,
    )
    assert (stored["is_default"], stored["expiring_soon"]) == (True, False)

    # when: January closes after the card's old expiry (2026-02-01T12:00Z)
    billing.at(datetime(2026, 2, 1, 13, 0, tzinfo=UTC))
    billing.run()

    # then: the new expiry makes it chargeable, and the renewed card pays 100 + 10 = 110
    invoice = billing.invoice(acme)
    [charge] = app.gateway.charges
    assert (charge.amount, charge.card_token) == (110, card["token"])
    assert billing.attempts(invoice["id"]) == [(1, card["id"], 110, "succeeded", None, charge.reference)]
    assert invoice["status"] == "paid"


def test_r19_account_updater_test_mode_shortcut_renews_the_card_before_the_charge(billing, app):
    # given: the same card as above, on a second path: the sandbox's test-mode endpoint
    acme = billing.account()
    billing.devices(acme, 1)
    card = billing.add_card(acme, EXPIRED_AT_THE_BANK, exp_month=1, exp_year=2026)

    # when
    body = {"card_id": card["id"], "last4": "5100", "exp_month": 4, "exp_year": 2031}
    assert ok(billing.api.post("/v1/sandbox/account-updater", json=body))["cards_updated"] == 1
    billing.at(JAN_CLOSE)
    billing.run()

    # then: 110 charged on the renewed card, with its new details on file
    [stored] = billing.cards(acme)
    assert (stored["last4"], stored["exp_month"], stored["exp_year"]) == ("5100", 4, 2031)
    assert [(c.amount, c.card_token) for c in app.gateway.charges] == [(110, card["token"])]
    assert billing.invoice(acme)["status"] == "paid"


def test_r19_without_the_account_updater_the_bank_declines_the_card_as_expired(billing, app):
    # given: the same card, never renewed (the control for the two tests above), on file as valid
    # through 02/2026: fleetbill counts it valid at the close, the bank does not
    acme = billing.account()
    billing.devices(acme, 1)
    card = billing.add_card(acme, EXPIRED_AT_THE_BANK, exp_month=2, exp_year=2026)

    # when: January closes while fleetbill still counts the card valid
    billing.at(JAN_CLOSE)
    billing.run()

    # then: it is tried and the bank says expired_card
    invoice = billing.invoice(acme)
    assert [a[:5] for a in billing.attempts(invoice["id"])] == [(1, card["id"], 110, "declined", "expired_card")]
    assert app.gateway.charges == ()


@pytest.mark.parametrize("tamper", ["signature", "body", "no headers"])
def test_r19_a_webhook_that_does_not_verify_is_a_4xx_and_changes_nothing(billing, app, tamper):
    # given: a card, and a genuine account-updater event for it
    acme = billing.account()
    card = billing.add_card(acme, VISA, exp_month=3, exp_year=2026)
    body, headers = app.gateway.account_updater_event(card["token"], "1881", 1, 2030)
    if tamper == "signature":
        headers = headers | {"webhook-signature": "v1,ZmFrZSBzaWduYXR1cmUgZmFrZSBzaWduYXR1cmUgZmFrZQ=="}
    elif tamper == "body":
        body = body.replace(b"1881", b"0000")
    else:
        headers = {}
    before = billing.stored_cards()

    # when
    refused = problem(billing.api.post("/v1/webhooks/sandbox", content=body, headers=headers), 400)  # as Stripe advises

    # then
    assert "did not verify" in refused["detail"]
    assert billing.stored_cards() == before
    assert [(c["last4"], c["exp_month"], c["exp_year"]) for c in billing.cards(acme)] == [("4242", 3, 2026)]


def test_r19_a_webhook_posted_for_another_gateway_is_a_404(billing, app):
    # given: a genuine sandbox event
    body, headers = app.gateway.account_updater_event("pm_sb_x", "1881", 1, 2030)

    # when / then: this server's gateway is the sandbox, not Stripe
    problem(billing.api.post("/v1/webhooks/stripe", content=body, headers=headers), 404)


# --- R17: a lost answer, and no path that charges twice -----------------------------------------


@pytest.mark.parametrize("charged", [True, False], ids=["charged-before-the-timeout", "lost-before-charging"])
def test_r17_a_gateway_timeout_is_asked_again_with_the_same_key_and_paid_once(billing, app, charged):
    # given: 1 esp32 (100 + 10 = 110), a good card; the gateway's next answer is lost
    acme = billing.account()
    billing.devices(acme, 1)
    card = billing.add_card(acme, VISA)
    app.gateway.fail_next(ChargeOutcome.UNKNOWN, after_charging=charged)

    # when: the first try times out
    billing.at(JAN_CLOSE)
    first = billing.run()

    # then: the attempt is recorded unknown; the invoice is not paid yet
    invoice = billing.invoice(acme)
    assert first["collect"]["unknown"] == [invoice["id"]] and first["collect"]["paid"] == []
    assert billing.attempts(invoice["id"]) == [(1, card["id"], 110, "unknown", "timeout", None)]
    assert invoice["status"] == "open"
    assert len(app.gateway.charges) == (1 if charged else 0)  # the money may have moved already
    [key] = billing.attempt_keys(invoice["id"])

    # when: the next run, an hour later
    billing.at(JAN_CLOSE + timedelta(hours=1))
    second = billing.run()

    # then: it asked again with the same key; one charge of 110, one attempt, one payment
    assert second["collect"]["paid"] == [invoice["id"]]
    [charge] = app.gateway.charges
    assert (charge.amount, charge.idempotency_key) == (110, key)
    assert billing.attempt_keys(invoice["id"]) == [key]
    assert billing.attempts(invoice["id"]) == [(1, card["id"], 110, "succeeded", None, charge.reference)]
    paid = billing.payments(invoice["id"])
    assert (paid["status"], paid["received"], len(paid["payments"])) == ("paid", 110, 1)

    # and a third run does nothing
    billing.at(JAN_CLOSE + timedelta(hours=2))
    assert billing.run()["collect"] == {"paid": [], "declined": [], "unknown": [], "suspended": []}
    assert len(app.gateway.charges) == 1 and len(billing.attempts(invoice["id"])) == 1


def test_r19_a_timeout_whose_charge_was_declined_counts_as_the_try_and_falls_back_to_the_other_card(billing, app):
    # given: 1 esp32 (110); the default card declines, the other is good; the first answer is lost
    acme = billing.account()
    billing.devices(acme, 1)
    declining = billing.add_card(acme, DECLINES)
    good = billing.add_card(acme, VISA)
    app.gateway.fail_next(ChargeOutcome.UNKNOWN, after_charging=True)  # the gateway declined, then went silent

    # when: the first try times out
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    assert billing.attempts(invoice["id"]) == [(1, declining["id"], 110, "unknown", "timeout", None)]

    # when: the next run learns, with the same key, that it was declined
    billing.at(JAN_CLOSE + timedelta(hours=1))
    billing.run()

    # then: the same try goes on to the other card, which pays 110; the default is not charged anew
    attempts = billing.attempts(invoice["id"])
    [charge] = app.gateway.charges
    assert [a[:5] for a in attempts] == [
        (1, declining["id"], 110, "declined", "card_declined"),
        (1, good["id"], 110, "succeeded", None),
    ]
    assert (charge.amount, charge.card_token) == (110, good["token"])
    assert billing.invoice(acme)["status"] == "paid"


def test_r19_a_timeout_whose_charge_was_declined_is_a_failed_try_told_and_rescheduled(billing, app):
    # given: 1 esp32 (110); one card, which declines; the first answer is lost
    acme = billing.account()
    billing.devices(acme, 1)
    declining = billing.add_card(acme, DECLINES)
    app.gateway.fail_next(ChargeOutcome.UNKNOWN, after_charging=True)
    billing.at(JAN_CLOSE)
    billing.run()

    # when: the next run learns it was declined
    resolved_at = JAN_CLOSE + timedelta(hours=1)
    billing.at(resolved_at)
    billing.run()

    # then: try 1 failed: the account is told, try 2 is 3 days on; the card was charged only once
    invoice = billing.invoice(acme)
    assert [a[:5] for a in billing.attempts(invoice["id"])] == [(1, declining["id"], 110, "declined", "card_declined")]
    collection = billing.payments(invoice["id"])["collection"]
    assert (collection["tries_made"], utc(collection["next_try_at"])) == (1, resolved_at + 3 * DAY)
    [(kind, body, at)] = billing.notifications(acme)
    assert (kind, body["reason"], at) == ("payment_failed", "the card was declined", resolved_at)

    # and a later run before try 2 charges nothing
    billing.at(resolved_at + DAY)
    billing.run()
    assert len(billing.attempts(invoice["id"])) == 1


def test_r17_collection_run_twice_at_the_same_instant_charges_once(billing, app):
    # given: two accounts with a good card each: 110 and 2 x 100 + 20 = 220
    one, two = billing.account(name="One"), billing.account(name="Two")
    billing.devices(one, 1)
    billing.devices(two, 2)
    billing.add_card(one, VISA)
    billing.add_card(two, MASTERCARD)

    # when: the due jobs run, then run again, then collection alone, all at the same instant
    billing.at(JAN_CLOSE)
    billing.run()
    again = billing.run()
    collect = ok(billing.api.post("/v1/collect"))

    # then: each invoice charged once
    assert again["collect"] == collect == {"paid": [], "declined": [], "unknown": [], "suspended": []}
    assert sorted(c.amount for c in app.gateway.charges) == [110, 220]
    assert billing.rows(p.payment_attempts) == billing.rows(p.payments) == 2


def test_r17_two_workers_collecting_at_once_charge_each_invoice_once(billing, app):
    # given: three accounts with a good card each, January closed and collections opened
    accounts = [billing.account(name=f"Acme {n}") for n in (1, 2, 3)]
    for n, acme in enumerate(accounts, 1):
        billing.devices(acme, n)  # 110, 220, 330
        billing.add_card(acme, VISA)
    billing.at(JAN_CLOSE)
    assert close_due_months(app.db, app.clock, app.settings).collections_opened == 3

    # when: two workers collect at the same instant
    start, errors = threading.Barrier(2), []

    def worker():
        try:
            start.wait()
            collect_due(app.db, app.gateway, app.clock, RetryPolicy())
        except BaseException as e:  # handed to the test thread
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then: 110 + 220 + 330, each once
    assert errors == []
    assert sorted(c.amount for c in app.gateway.charges) == [110, 220, 330]
    assert billing.rows(p.payment_attempts) == billing.rows(p.payments) == 3
    assert {billing.invoice(a)["status"] for a in accounts} == {"paid"}


def _another_worker_runs_first(monkeypatch, app) -> None:
    """This worker reads the collection as due; before it charges, another worker does the whole try."""
    original = collect_invoice._begin_attempt

    def begin(*args, **kwargs):
        monkeypatch.setattr(collect_invoice, "_begin_attempt", original)
        collect_due(app.db, app.gateway, app.clock, RetryPolicy())  # the other worker, start to end
        return original(*args, **kwargs)

    monkeypatch.setattr(collect_invoice, "_begin_attempt", begin)


def test_r17_a_worker_that_read_the_try_as_due_does_not_charge_again_after_another_paid(billing, app, monkeypatch):
    # given: 1 esp32 (110), a good card, January closed and its collection opened
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA)
    billing.at(JAN_CLOSE)
    close_due_months(app.db, app.clock, app.settings)

    # when: two workers interleave: the second finishes the try while the first is about to charge
    _another_worker_runs_first(monkeypatch, app)
    collect_due(app.db, app.gateway, app.clock, RetryPolicy())

    # then: 110, once
    assert [c.amount for c in app.gateway.charges] == [110]
    assert billing.rows(p.payment_attempts) == billing.rows(p.payments) == 1


def test_r19_a_worker_that_read_the_try_as_due_does_not_retry_a_card_another_worker_saw_declined(
    billing, app, monkeypatch
):
    # given: 1 esp32 (110), a card that declines, January closed and its collection opened
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, DECLINES)
    billing.at(JAN_CLOSE)
    close_due_months(app.db, app.clock, app.settings)

    # when: the same interleaving as above
    _another_worker_runs_first(monkeypatch, app)
    collect_due(app.db, app.gateway, app.clock, RetryPolicy())

    # then: try 1 is one attempt and one message
    invoice = billing.invoice(acme)
    assert [a[0] for a in billing.attempts(invoice["id"])] == [1]
    assert billing.kinds(acme) == ["payment_failed"]


def test_r17_collecting_an_invoice_already_paid_charges_nothing(billing, app):
    # given: an invoice paid by card (110)
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA)
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    assert invoice["status"] == "paid" and len(app.gateway.charges) == 1

    # when: every path that charges is taken again: a try out of schedule, collection, a new card
    report = CollectReport()
    try_invoice(app.db, app.gateway, app.clock, RetryPolicy(), invoice["id"], report, extra=True)
    collected = ok(billing.api.post("/v1/collect"))
    billing.at(JAN_CLOSE + 3 * DAY)
    ran = billing.run()
    added = billing.add_card(acme, MASTERCARD)

    # then: nothing more was charged or attempted
    assert report == CollectReport()
    assert collected == ran["collect"] == {"paid": [], "declined": [], "unknown": [], "suspended": []}
    assert added["retried_invoices"] == []
    assert [c.amount for c in app.gateway.charges] == [110]
    assert len(billing.attempts(invoice["id"])) == 1 and billing.payments(invoice["id"])["received"] == 110


# --- R17: cards on file ------------------------------------------------------------------------------


def test_r17_at_most_two_cards_the_first_is_the_default_and_a_third_is_a_409(billing, app):
    # given
    acme = billing.account()

    # when
    first = billing.add_card(acme, VISA)
    second = billing.add_card(acme, MASTERCARD)
    third = billing.api.post(f"/v1/accounts/{acme}/cards", json={"token": billing.token(VISA, 6, 2031)})

    # then
    assert "at most 2 cards" in problem(third, 409)["detail"]
    assert [(c["id"], c["is_default"]) for c in billing.cards(acme)] == [(first["id"], True), (second["id"], False)]
    assert len(billing.stored_cards()) == 2


def test_r17_make_default_switches_the_default_and_the_new_default_is_charged(billing, app):
    # given: 1 esp32 (110) and two cards, the first the default
    acme = billing.account()
    billing.devices(acme, 1)
    first, second = billing.add_card(acme, VISA), billing.add_card(acme, MASTERCARD)

    # when
    made = ok(billing.api.post(f"/v1/accounts/{acme}/cards/{second['id']}/default"))

    # then: the default is listed first
    assert (made["id"], made["is_default"]) == (second["id"], True)
    assert [(c["id"], c["is_default"]) for c in billing.cards(acme)] == [(second["id"], True), (first["id"], False)]
    problem(billing.api.post(f"/v1/accounts/{acme}/cards/no-such-card/default"), 404)
    billing.at(JAN_CLOSE)
    billing.run()
    assert [(c.amount, c.card_token) for c in app.gateway.charges] == [(110, second["token"])]


def test_r17_a_new_card_can_be_made_the_default_when_added(billing):
    # given
    acme = billing.account()
    first = billing.add_card(acme, VISA)

    # when
    second = billing.add_card(acme, MASTERCARD, default=True)

    # then
    assert [(c["id"], c["is_default"]) for c in billing.cards(acme)] == [(second["id"], True), (first["id"], False)]


def test_r17_removing_the_only_card_while_an_invoice_is_unpaid_is_a_409(billing, app):
    # given: January's invoice (110) unpaid after a declined try
    acme = billing.account()
    billing.devices(acme, 1)
    card = billing.add_card(acme, DECLINES)
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    assert invoice["status"] == "open"

    # when
    refused = billing.api.delete(f"/v1/accounts/{acme}/cards/{card['id']}")

    # then
    detail = problem(refused, 409)["detail"]
    assert f"invoice {invoice['number']} is unpaid" in detail and "add another card first" in detail
    assert [c["id"] for c in billing.cards(acme)] == [card["id"]]
    assert app.gateway.detached == ()


def test_r17_removing_the_only_card_on_a_paid_plan_is_a_409_even_with_nothing_unpaid(billing, app):
    # given: an account on "basic" (100 JPY a device) with no invoice yet
    acme = billing.account()
    card = billing.add_card(acme, VISA)

    # when
    refused = billing.api.delete(f"/v1/accounts/{acme}/cards/{card['id']}")

    # then
    assert "plan basic is a paid plan" in problem(refused, 409)["detail"]
    assert [c["id"] for c in billing.cards(acme)] == [card["id"]]


def test_r17_removing_the_only_card_on_a_free_plan_with_nothing_unpaid_is_allowed(billing, app):
    # given: the control for the two 409s above
    acme = billing.account(plan_id="free")
    card = billing.add_card(acme, VISA)

    # when
    assert billing.api.delete(f"/v1/accounts/{acme}/cards/{card['id']}").status_code == 204

    # then
    assert billing.cards(acme) == []
    assert app.gateway.detached == (card["token"],)  # forgotten at the gateway too


def test_r17_removing_one_of_two_cards_is_allowed_and_the_other_becomes_the_default(billing, app):
    # given: an unpaid invoice does not stop it, since another card can pay
    acme = billing.account()
    billing.devices(acme, 1)
    default = billing.add_card(acme, DECLINES)
    other = billing.add_card(acme, VISA)

    # when
    assert billing.api.delete(f"/v1/accounts/{acme}/cards/{default['id']}").status_code == 204

    # then
    assert [(c["id"], c["is_default"]) for c in billing.cards(acme)] == [(other["id"], True)]
    assert app.gateway.detached == (default["token"],)
    problem(billing.api.delete(f"/v1/accounts/{acme}/cards/{default['id']}"), 404)  # already removed
    billing.at(JAN_CLOSE)
    billing.run()
    assert [(c.amount, c.card_token) for c in app.gateway.charges] == [(110, other["token"])]


def test_r17_card_responses_carry_brand_last4_and_expiry_never_the_number(billing, app):
    # given / when
    acme = billing.account()
    added = billing.api.post(f"/v1/accounts/{acme}/cards", json={"token": billing.token(VISA, 7, 2029)})
    listed = billing.api.get(f"/v1/accounts/{acme}/cards")

    # then
    card = ok(added, 201)
    assert set(card) == CARD_FIELDS | {"retried_invoices"}
    assert (card["brand"], card["last4"], card["exp_month"], card["exp_year"]) == ("visa", "4242", 7, 2029)
    [item] = ok(listed)
    assert set(item) == CARD_FIELDS
    for text in (added.text, listed.text, repr(billing.stored_cards())):
        assert "4242424242424242" not in text and "42424242" not in text


def test_r17_a_card_number_sent_as_a_token_is_refused_before_the_gateway_and_never_kept(billing, app):
    # given
    acme = billing.account()

    # when: a card number where the gateway's token belongs
    refused = billing.api.post(f"/v1/accounts/{acme}/cards", json={"token": "4242424242424242"})

    # then: a 4xx that neither stores nor repeats the number, and the number went no further
    body = problem(refused, 422)
    assert "never the card number" in body["detail"]
    assert app.gateway.charges == ()
    assert "4242424242424242" not in refused.text
    assert billing.stored_cards() == [] and billing.cards(acme) == []


# --- R18: bank transfer ------------------------------------------------------------------------------


def test_r18_bank_transfer_on_a_plan_that_does_not_allow_it_is_a_409(billing):
    # given: an account on "basic", which is card only
    acme = billing.account(plan_id="basic")

    # when
    refused = billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"})

    # then: refused, and nothing was written
    assert "does not allow bank transfer" in problem(refused, 409)["detail"]
    with billing.app.db.read() as conn:
        assert conn.execute(select(p.billing_settings)).all() == []


def test_r18_bank_transfer_invoice_is_due_at_the_end_of_the_next_month_and_paid_by_transfers(billing, app):
    # given: 3 esp32 (300 + 30 = 330) on "invoiced", a card on file, and bank transfer enabled
    acme = billing.account(plan_id="invoiced")
    billing.devices(acme, 3)
    billing.add_card(acme, VISA)
    assert ok(billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"})) == {
        "method": "bank_transfer"
    }

    # when: January closes
    billing.at(JAN_CLOSE)
    done = billing.run()

    # then: due at the end of February in Tokyo, 2026-03-01T00:00+09:00 = 2026-02-28T15:00Z; no card charged
    invoice = billing.invoice(acme)
    assert (invoice["amount_due"], invoice["status"]) == (330, "open")
    collection = billing.payments(invoice["id"])["collection"]
    assert (collection["method"], collection["state"]) == ("bank_transfer", "collecting")
    assert collection["next_try_at"] is None
    assert utc(collection["due_at"]) == utc("2026-03-01T00:00:00+09:00") == utc("2026-02-28T15:00:00Z")
    assert done["collect"] == {"paid": [], "declined": [], "unknown": [], "suspended": []}
    assert app.gateway.charges == () and billing.attempts(invoice["id"]) == []

    # when: a partial transfer arrives (2026-02-10)
    billing.at(datetime(2026, 2, 10, tzinfo=UTC))
    url = f"/v1/invoices/{invoice['id']}/transfers"
    part = ok(billing.api.post(url, json={"amount": 100, "reference": "MIZUHO 0001"}), 201)

    # then: 330 - 100 = 230 left
    assert part == {"invoice_id": invoice["id"], "received": 100, "left_to_pay": 230, "status": "open"}

    # when: more than what is left is recorded: refused, nothing written
    over = billing.api.post(url, json={"amount": 231, "reference": "MIZUHO 0002"})
    assert "more than the 230 JPY left" in problem(over, 422)["detail"]
    assert billing.payments(invoice["id"])["received"] == 100

    # when: the rest arrives
    rest = ok(billing.api.post(url, json={"amount": 230, "reference": "MIZUHO 0002"}), 201)

    # then: paid, by two transfers; nothing charged to the card
    assert rest == {"invoice_id": invoice["id"], "received": 230, "left_to_pay": 0, "status": "paid"}
    paid = billing.payments(invoice["id"])
    assert (paid["status"], paid["received"], paid["collection"]["state"]) == ("paid", 330, "paid")
    assert [(x["method"], x["amount"], x["reference"]) for x in paid["payments"]] == [
        ("bank_transfer", 100, "MIZUHO 0001"),
        ("bank_transfer", 230, "MIZUHO 0002"),
    ]
    assert billing.invoice(acme)["status"] == "paid"
    problem(billing.api.post(url, json={"amount": 1, "reference": "late"}), 409)  # nothing left to pay
    # and no reminder once paid, even past the due date
    billing.at(datetime(2026, 3, 9, tzinfo=UTC))
    assert billing.run()["bank_transfer_reminders"] == 0
    assert app.gateway.charges == ()
    assert billing.kinds(acme) == ["payment_received", "payment_received"]


def test_r18_r19_overdue_transfer_reminded_at_1_and_7_days_suspended_after_14_then_reinstated(billing, app):
    # given: 1 esp32 (100 + 10 = 110) on "invoiced", paying by bank transfer
    acme = billing.account(plan_id="invoiced")
    billing.devices(acme, 1)
    ok(billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    due = utc("2026-02-28T15:00:00Z")  # the end of February in Tokyo
    assert utc(billing.payments(invoice["id"])["collection"]["due_at"]) == due

    def run_at(when: datetime) -> int:
        billing.at(when)
        return billing.run()["bank_transfer_reminders"]

    # when / then: nothing before 1 day overdue; a reminder at 1 day, another at 7
    assert run_at(due) == 0  # February closes now too (its own invoice, due at the end of March)
    assert run_at(due + DAY - SECOND) == 0
    assert run_at(due + DAY) == 1
    assert run_at(due + 7 * DAY - SECOND) == 0
    assert run_at(due + 7 * DAY) == 1
    assert run_at(due + 14 * DAY - SECOND) == 0
    assert billing.enabled(acme) == (False, ON)  # within the 14 days' grace

    # when: the grace period ends (2026-03-14T15:00Z)
    assert run_at(due + 14 * DAY) == 0

    # then: suspended, and told; no more reminders nor a second suspension later
    assert billing.enabled(acme) == (True, OFF)
    assert billing.payments(invoice["id"])["collection"]["state"] == "failed"
    assert run_at(due + 16 * DAY) == 0
    told = billing.notifications(acme)
    assert [(kind, at) for kind, _, at in told] == [
        ("bank_transfer_reminder", due + DAY),
        ("bank_transfer_reminder", due + 7 * DAY),
        ("suspended", due + 14 * DAY),
    ]
    february = billing.invoice(acme, "2026-02")
    assert february["amount_due"] == 110
    assert utc(billing.payments(february["id"])["collection"]["due_at"]) == utc("2026-03-31T15:00:00Z")

    # when: the transfer for January arrives
    paid = ok(
        billing.api.post(f"/v1/invoices/{invoice['id']}/transfers", json={"amount": 110, "reference": "MUFG 42"}), 201
    )

    # then: paid, and the features are back at once (February's invoice is not yet due)
    assert paid["status"] == "paid"
    assert billing.enabled(acme) == (False, ON)
    assert billing.kinds(acme)[3:] == ["payment_received", "reinstated"]
    assert app.gateway.charges == ()
