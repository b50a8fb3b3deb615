"""Card and bank transfer on one invoice, and upgrades that are never paid: still collected once."""

# ruff: noqa: F811  (the fixtures `billing` and `plans` are imported from their modules)

from __future__ import annotations

from datetime import timedelta

from fleetbill.adapters.gateway import ChargeOutcome
from tests.integration.test_collection import DECLINES, JAN_CLOSE, VISA, billing, problem  # noqa: F401
from tests.integration.test_plan_changes import UPGRADE_DAY, plans  # noqa: F401


def test_r18_r17_no_transfer_is_recorded_while_a_card_charge_awaits_the_gateway(billing, app):
    # given one device (100 + 10% tax = 110) and a card whose charge went through but whose answer was lost
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA)
    app.gateway.fail_next(ChargeOutcome.UNKNOWN, after_charging=True)
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    # when the operator tries to record a transfer of 110 meanwhile
    refused = billing.api.post(f"/v1/invoices/{invoice['id']}/transfers", json={"amount": 110, "reference": "ref"})
    # then it is refused until the next run resolves the charge, which pays the 110 once
    assert "awaiting the gateway" in problem(refused, 409)["detail"]
    billing.at(JAN_CLOSE + timedelta(hours=1))
    billing.run()
    paid = billing.payments(invoice["id"])
    assert (paid["received"], len(paid["payments"]), len(app.gateway.charges)) == (110, 1, 1)


def test_r18_r16_after_a_partial_transfer_the_card_is_charged_only_what_is_left(billing, app):
    # given 110 due, a declining card, and a transfer of 100 recorded
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, DECLINES)
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    transfer = {"amount": 100, "reference": "part"}
    assert billing.api.post(f"/v1/invoices/{invoice['id']}/transfers", json=transfer).status_code == 201
    # when a good card is added: it is charged at once
    billing.add_card(acme, VISA)
    # then it is charged the 10 left (110 - 100), and the invoice is paid with 110 received
    assert [c.amount for c in app.gateway.charges] == [10]
    paid = billing.payments(invoice["id"])
    assert (paid["status"], paid["received"]) == ("paid", 110)


def test_r10_an_upgrade_never_paid_is_cancelled_and_the_plan_held_stays_on(plans, app):
    # given an account on starter with a card that declines, asking for pro on Jan 20
    acme = plans.account("starter")
    plans.devices(acme, 2)
    plans.add_card(acme, DECLINES)
    plans.at(UPGRADE_DAY)
    change = plans.change(acme, "pro")
    # when every try of its purchase invoice fails (days 0, 3, 7, 14)
    for day in range(1, 16):
        plans.at(UPGRADE_DAY + timedelta(days=day))
        plans.run()
    # then the upgrade is cancelled and its invoice void; the account keeps starter, not suspended
    entitled = plans.api.get(f"/v1/accounts/{acme}/entitlements").json()
    assert entitled["suspended"] is False and entitled["plan_id"] == "starter"
    assert all(f["enabled"] for f in entitled["features"])
    assert plans.by_id(change["purchase_invoice_id"])["status"] == "void"
    # and it may ask again
    assert plans.api.post(f"/v1/accounts/{acme}/plan", json={"plan_id": "pro"}).status_code == 200


def test_r21_a_page_cursor_made_up_is_a_4xx_not_a_500(billing, app):
    """The device list pages by signed cursor (issue 11 item 5), no longer by page number: a
    made-up cursor (once a page number past any page) is refused in words, never a 500."""
    from fleetbill.services.portal_links import make_link_token

    acme = billing.account()
    token = make_link_token(billing.api.app.state.secret_key, acme, app.clock.now())
    billing.api.post("/billing/open", data={"token": token}, follow_redirects=False)
    assert billing.api.get("/billing/devices", params={"cursor": "99999999999999999999"}).status_code == 422


def test_r19_a_failed_last_try_on_an_invoice_paid_meanwhile_suspends_nobody(billing, app):
    from sqlalchemy import select

    from fleetbill.adapters.db import payments_repo as pay
    from fleetbill.adapters.db import schema as t
    from fleetbill.adapters.db import schema_payments as p
    from fleetbill.domain.dunning import RetryPolicy
    from fleetbill.services import collect_invoice
    from fleetbill.services.close_month import close_due_months
    
    # given 110 JPY due on a declining card, one try only, and the collection as a worker read it
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, DECLINES)
    billing.at(JAN_CLOSE)
    close_due_months(app.db, app.clock, app.settings)
    with app.db.transaction() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == acme)).one()
        stale = conn.execute(select(p.collections).where(p.collections.c.invoice_id == invoice.id)).one()
    # when the invoice is paid by a transfer before the worker records its failed last try
    with app.db.transaction() as conn:
        pay.record_payment(conn, invoice, "bank_transfer", 110, "MUFG all", "staff:hana@example.jp", app.clock.now())
    report = collect_invoice.CollectReport()
    collect_invoice._after_failed_try(app.db, app.clock, RetryPolicy.parse("0"), invoice, stale, [], report, False)
    # then nothing is suspended and the collection stays paid
    assert billing.entitlements(acme)["suspended"] is False and report.suspended == []
    with app.db.read() as conn:
        assert conn.execute(select(p.collections.c.state).where(p.collections.c.invoice_id == invoice.id)).scalar() == (
            "paid"
        )
