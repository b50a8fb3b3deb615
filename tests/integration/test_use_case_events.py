"""Every use case that changes billing state records its event with the change (R22), through the
API on the real database; and a change rolled back leaves no event behind.

Catalog (test_collection's `billing`): esp32 at 100 JPY a month on "basic" (card only) and
"invoiced" (bank transfer allowed); Japan's 10%. One esp32 for January: 100 + 10 = 110 JPY.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema_events as e
from fleetbill.adapters.db import schema_payments as p
from fleetbill.services import suspension
from fleetbill.services.events import publish_events
from tests.integration.test_collection import DAY, DECLINES, JAN_CLOSE, VISA, ok, problem


def stream(billing, account_id: str) -> list[tuple[str, dict]]:
    """(type, data) of the account's published events, in order (the worker publishes them)."""
    publish_events(billing.app.db, billing.app.clock.now())
    found = ok(billing.api.get("/v1/events", params={"account_id": account_id, "limit": 1000}))["data"]
    assert [x["sequence"] for x in found] == list(range(1, len(found) + 1))
    return [(x["type"], x["data"]) for x in found]


def types(billing, account_id: str) -> list[str]:
    return [kind for kind, _ in stream(billing, account_id)]


def test_r22_r1_r2_the_account_its_devices_and_a_bulk_switch_are_events(billing):
    # given: an account with three devices
    acme = billing.account()
    devices = billing.devices(acme, 3)

    # when: two are switched Inactive in one request, then the same again (nothing changes)
    ok(billing.api.post(f"/v1/accounts/{acme}/devices/status", json={"device_ids": devices[:2], "active": False}))
    ok(billing.api.post(f"/v1/accounts/{acme}/devices/status", json={"device_ids": devices[:2], "active": False}))

    # then: created, three registered, one switch of two devices; nothing for the request that changed nothing
    events = stream(billing, acme)
    assert [kind for kind, _ in events] == ["account.created", *["device.registered"] * 3, "devices.switched"]
    created, registered, switched = events[0][1], events[1][1], events[-1][1]
    assert (created["account"]["id"], created["account"]["plan_id"]) == (acme, "basic")
    # R1: the key is shown once, to whoever registered the device; the event has its last 4 only
    assert registered["device"]["id"] == devices[0] and "device_key" not in registered["device"]
    assert len(registered["device"]["key_last4"]) == 4
    assert (switched["active"], [d["id"] for d in switched["devices"]]) == (False, devices[:2])


def test_r22_r15_r17_a_card_payment_is_received_and_paid(billing, app):
    # given: January's 110 JPY with a good card
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA)

    # when: January closes and is collected
    billing.at(JAN_CLOSE)
    billing.run()

    # then: finalized, 110 received by card, and paid
    events = [(kind, data) for kind, data in stream(billing, acme) if kind.startswith(("invoice.", "payment."))]
    assert [kind for kind, _ in events] == ["invoice.finalized", "payment.received", "invoice.paid"]
    received, paid = events[1][1], events[2][1]
    assert (received["amount"], received["method"], received["left_to_pay"], received["paid"]) == (110, "card", 0, True)
    assert (paid["invoice"]["number"], paid["invoice"]["total"], paid["invoice"]["status"]) == (
        events[0][1]["invoice"]["number"],
        110,
        "paid",
    )


def test_r22_r19_declines_suspend_and_a_new_card_reinstates_each_with_the_entitlements(billing, app):
    # given: January's 110 JPY and a card that declines every try
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, DECLINES)

    # when: the four tries fail (days 0, 3, 7, 14), then a good card is added
    for day in (0, 3, 7, 14):
        billing.at(JAN_CLOSE + day * DAY)
        billing.run()
    billing.add_card(acme, VISA, default=True)

    # then: three failures with their next try, the suspension with the features off, then the
    # payment and the reinstatement with the features back on
    events = stream(billing, acme)
    kinds = [kind for kind, _ in events]
    failed = [data for kind, data in events if kind == "invoice.payment_failed"]
    assert [f["try_number"] for f in failed] == [1, 2, 3, 4]
    assert failed[0]["next_try_at"] == "2026-02-04T00:00:00Z" and failed[-1]["next_try_at"] is None
    start = kinds.index("account.suspended")
    assert kinds[start : start + 2] == ["account.suspended", "entitlements.changed"]
    off = events[start + 1][1]
    assert (off["suspended"], off["billing_state"]["state"], {f["enabled"] for f in off["features"]}) == (
        True,
        "suspended",
        {False},
    )
    assert kinds[-4:] == ["payment.received", "invoice.paid", "account.reinstated", "entitlements.changed"]
    on = events[-1][1]
    assert (on["suspended"], {f["enabled"] for f in on["features"]}, on["why"]) == (
        False,
        {True},
        "reinstated: every failed invoice is paid",
    )


def test_r22_r18_a_transfer_overdue_then_received_in_two_parts(billing, app):
    # given: January's 110 JPY by bank transfer, due at the end of February in Tokyo
    acme = billing.account("invoiced")
    billing.devices(acme, 1)
    ok(billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)

    # when: a day past its due date, then 60 and 50 JPY arrive
    billing.at(datetime(2026, 3, 2, tzinfo=UTC))
    billing.run()
    for amount in (60, 50):
        transfer = {"amount": amount, "reference": "MUFG"}
        ok(billing.api.post(f"/v1/invoices/{invoice['id']}/transfers", json=transfer), 201)

    # then: the invoice finalized with its due date (R18: the end of February in Tokyo), the method
    # change, the reminder, two payments (60 left 50, then paid) and the invoice paid
    events = stream(billing, acme)
    january = [d["invoice"] for kind, d in events if kind == "invoice.finalized"][0]  # February closed too
    assert (january["billing_month"], january["due_at"], january["status"]) == (
        "2026-01",
        "2026-02-28T15:00:00Z",
        "open",
    )
    updated = [data for kind, data in events if kind == "account.updated"]
    assert updated[0]["changed"] == {"collection_method": "bank_transfer"}
    [overdue] = [data for kind, data in events if kind == "invoice.overdue"]
    assert (overdue["invoice"]["number"], overdue["reminder"]) == (invoice["number"], 1)
    received = [(d["amount"], d["left_to_pay"], d["paid"]) for kind, d in events if kind == "payment.received"]
    assert received == [(60, 50, False), (50, 0, True)]
    assert [kind for kind, _ in events][-1] == "invoice.paid"


def test_r22_r16_points_granted_then_expired(billing, app):
    # given: 500 points expiring on February 1st
    acme = billing.account()
    when = "2026-02-01T00:00:00Z"
    body = {"amount": 500, "reason": "welcome", "expires_at": when}
    ok(billing.api.post(f"/v1/accounts/{acme}/points", json=body), 201)
    # when: they expire unused
    billing.at(datetime(2026, 2, 2, tzinfo=UTC))
    billing.run()
    # then: granted, then the 500 left expired
    points = [(kind, data) for kind, data in stream(billing, acme) if kind.startswith("points.")]
    assert [(kind, d.get("grant", d).get("amount")) for kind, d in points] == [
        ("points.granted", 500),
        ("points.expired", 500),
    ]


def test_r22_r17_r19_the_account_updater_and_an_expiring_card(billing, app):
    # given: a card expiring at the end of February 2026
    acme = billing.account()
    card = billing.add_card(acme, VISA, exp_month=2, exp_year=2026)
    # when: the card expiry warning runs (within 30 days), then the network updates the card
    billing.at(datetime(2026, 2, 5, tzinfo=UTC))
    billing.run()
    body = {"card_id": card["id"], "last4": "4444", "exp_month": 2, "exp_year": 2030}
    ok(billing.api.post("/v1/sandbox/account-updater", json=body))
    # then: warned once with the card, then updated with its new expiry
    cards = [(kind, data["card"]) for kind, data in stream(billing, acme) if kind.startswith("card.")]
    assert [(kind, c["last4"], c["exp_year"]) for kind, c in cards] == [
        ("card.expiring", "4242", 2026),
        ("card.updated", "4444", 2030),
    ]


def test_r22_r9_a_price_change_is_announced_to_each_account_on_the_plan(billing, app):
    # given: two accounts on basic and one on invoiced
    on_basic = [billing.account(name=n) for n in ("A", "B")]
    other = billing.account("invoiced", name="C")
    # when: basic's price changes from April
    prices = {"effective_month": "2026-04", "prices": {"esp32": [{"up_to": None, "unit_price": 120}]}}
    ok(billing.api.post("/v1/plans/basic/price-versions", json=prices), 201)
    # then: each account on basic has the announcement, with the new price in words; the other none
    for account in on_basic:
        [announced] = [d for kind, d in stream(billing, account) if kind == "price_version.announced"]
        assert (announced["plan_id"], announced["effective_month"]) == ("basic", "2026-04")
        assert announced["prices"] == ["esp32: 120 JPY a device a month"]
    assert "price_version.announced" not in types(billing, other)


def test_r22_a_transfer_whose_transaction_fails_leaves_neither_the_payment_nor_its_events(billing, app, monkeypatch):
    # given: January's 110 JPY by bank transfer, with the account suspended for it
    acme = billing.account("invoiced")
    billing.devices(acme, 1)
    ok(billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    before = types(billing, acme)

    # when: recording the transfer fails after the payment and its events were written
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(suspension, "reinstate_if_settled", broken)
    body = {"amount": 110, "reference": "MUFG"}
    answer = billing.api.post(f"/v1/invoices/{invoice['id']}/transfers", json=body)

    # then: a 500, and no payment, no payment.received, no invoice.paid
    assert answer.status_code == 500
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(p.payments)).scalar_one() == 0
        recorded = conn.execute(select(e.events.c.type).where(e.events.c.account_id == acme)).scalars().all()
    assert "payment.received" not in recorded and "invoice.paid" not in recorded
    assert types(billing, acme) == before


@pytest.mark.parametrize("bad", [{"type": "invoices.paid"}, {"cursor": "-1"}])
def test_r22_the_events_api_refuses_what_it_cannot_answer(billing, bad):
    problem(billing.api.get("/v1/events", params=bad), 422)


def test_r22_r10_a_card_accounts_first_plan_has_its_features_when_its_purchase_is_paid(plans, app):
    # given: an account buying pro (purchase 2,873 JPY) with no card: its features wait for it
    acme = plans.account("pro")
    assert plans.entitlements(acme)["billing_state"]["state"] == "awaiting_payment"
    # when: a card is added, which pays the purchase at once
    plans.add_card(acme, VISA)
    # then: the purchase is paid and the platform is told the features are on
    events = stream(plans, acme)
    kinds = [kind for kind, _ in events]
    assert kinds[-3:] == ["payment.received", "invoice.paid", "entitlements.changed"]
    on = events[-1][1]
    assert (on["why"], on["billing_state"]["state"], {f["enabled"] for f in on["features"]}) == (
        "the plan's purchase is paid",
        "active",
        {True},
    )
    assert events[-2][1]["invoice"]["total"] == 2_873
