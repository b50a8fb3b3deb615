"""Two writers at the same instant on PostgreSQL (SQLite has one writer at a time): a transfer
being recorded while a card charge starts (R16, R18), and two plan changes at once (R10).
Money is collected once, and only one purchase invoice is issued.

Catalogs of tests/integration/test_collection.py (esp32 at 100 JPY: 1 device is 110 JPY with
10% tax) and test_plan_changes.py.
"""

# ruff: noqa: F811  (the fixtures `billing` and `plans` are imported from their modules)

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from fleetbill.adapters.db import payments_repo as pay
from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_console as c
from fleetbill.adapters.db import schema_events as ev
from fleetbill.adapters.db import schema_payments as p
from fleetbill.domain.dunning import RetryPolicy
from fleetbill.domain.errors import Conflict
from fleetbill.services.bank_transfer import record_transfer
from fleetbill.services.change_plan import change_plan
from fleetbill.services.close_month import close_due_months
from fleetbill.services.collect_invoice import collect_due
from tests.conftest import on_postgres
from tests.integration.test_collection import DECLINES, JAN_CLOSE, VISA, billing  # noqa: F401
from tests.integration.test_plan_changes import UPGRADE_DAY, plans  # noqa: F401

pytestmark = pytest.mark.skipif(not on_postgres(), reason="two writers at once: PostgreSQL (SQLite has one writer)")


def _closed_january(billing, app, acme) -> dict:
    billing.at(JAN_CLOSE)
    close_due_months(app.db, app.clock, app.settings)
    return billing.invoice(acme)


def test_r18_r16_a_transfer_being_recorded_and_a_card_charge_starting_collect_once(billing, app):
    # given 110 JPY due on a good card, not yet charged
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA)
    invoice = _closed_january(billing, app, acme)
    # when a transfer of 100 is being recorded (its transaction open) as the collection starts
    recording = app.db.transaction()
    conn = recording.__enter__()
    record_transfer(conn, app.clock.now(), invoice["id"], 100, "MUFG part", "staff:hana@example.jp")
    collector = threading.Thread(target=collect_due, args=(app.db, app.gateway, app.clock, RetryPolicy()))
    collector.start()
    time.sleep(0.5)  # the charge now waits for the invoice the transfer holds
    recording.__exit__(None, None, None)
    collector.join(10)
    # then the card is charged only the 10 left, and 110 is received in all
    assert [ch.amount for ch in app.gateway.charges] == [10]
    paid = billing.payments(invoice["id"])
    assert (paid["status"], paid["received"]) == ("paid", 110)


def test_r18_a_card_success_on_an_invoice_paid_meanwhile_is_kept_and_flagged_for_a_refund(billing, app):
    # given 110 due and a charge of 110 sent to the gateway, its answer not back yet
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA)
    invoice = _closed_january(billing, app, acme)
    from fleetbill.services import collect_invoice

    asked, release = threading.Event(), threading.Event()
    real_ask = collect_invoice._ask

    def slow_ask(gateway, conn, attempt):
        asked.set()
        release.wait(10)
        return real_ask(gateway, conn, attempt)

    collect_invoice._ask = slow_ask
    try:
        collector = threading.Thread(target=collect_due, args=(app.db, app.gateway, app.clock, RetryPolicy()))
        collector.start()
        assert asked.wait(10)
        # when the invoice gets paid meanwhile by some other way (here: written directly)
        with app.db.transaction() as conn:
            row = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice["id"])).one()
            pay.record_payment(conn, row, "bank_transfer", 110, "MUFG all", "staff:hana@example.jp", app.clock.now())
        release.set()
        collector.join(10)
    finally:
        collect_invoice._ask = real_ask
    # then the card's 110 is on the record too, and finance sees a refund of 110 due
    paid = billing.payments(invoice["id"])
    assert (paid["status"], paid["received"]) == ("paid", 220)
    with app.db.read() as conn:
        refunds = conn.execute(select(c.audit_log).where(c.audit_log.c.action == "refund.due")).all()
    assert [(r.amount, r.subject, r.account_id) for r in refunds] == [(-110, invoice["number"], acme)]
    assert "overpaid" in billing.kinds(acme)
    # and the platform hears of the payment, overpaid, but not of an invoice paid a second time (R22)
    with app.db.read() as conn:
        kinds = conn.execute(select(ev.events.c.type).where(ev.events.c.account_id == acme)).scalars().all()
    assert kinds.count("payment.received") == 1 and "invoice.paid" not in kinds


def test_r10_two_plan_changes_at_once_issue_one_purchase_invoice(plans, app):
    # given an account on starter whose card declines, so an upgrade stays unpaid
    acme = plans.account("starter")
    plans.devices(acme, 2)
    plans.add_card(acme, DECLINES)
    plans.at(UPGRADE_DAY)
    barrier = threading.Barrier(2)
    outcomes = []

    def upgrade():
        barrier.wait()
        try:
            with app.db.transaction() as conn:
                change_plan(conn, app.clock.now(), app.settings, acme, "pro", "staff:hana@example.jp")
            outcomes.append("changed")
        except Conflict as refused:
            outcomes.append(refused.detail)

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    # then one change is made and the other is told the upgrade waits for its payment
    assert sorted(outcomes, key=len) == ["changed", outcomes[1] if outcomes[0] == "changed" else outcomes[0]]
    assert any("waits for the payment" in o for o in outcomes)
    with app.db.read() as conn:
        purchases = conn.execute(
            select(t.invoices.c.id).where(t.invoices.c.account_id == acme, t.invoices.c.kind == "purchase")
        ).all()
        pending = conn.execute(
            select(p.plan_changes.c.id).where(
                p.plan_changes.c.account_id == acme, p.plan_changes.c.cancelled_at.is_(None)
            )
        ).all()
    assert (len(purchases), len(pending)) == (1, 1)


def test_r18_r19_a_transfer_recorded_while_the_chase_runs_is_not_followed_by_a_suspension(billing, app, monkeypatch):
    from datetime import UTC, datetime

    from fleetbill.services import bank_transfer

    # given January's 110 JPY by bank transfer, past its due date and the grace period
    acme = billing.account("invoiced")
    billing.devices(acme, 1)
    assert (
        billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}).status_code == 200
    )
    invoice = _closed_january(billing, app, acme)
    billing.at(datetime(2026, 3, 20, tzinfo=UTC))
    # when the transfer is recorded (and committed) after the chase has read the overdue list
    real_day = bank_transfer.last_day_before
    transferred = []

    def read_then_transfer(due_at, zone):  # the chase's first step for each overdue invoice it read
        if not transferred:
            with app.db.transaction() as other:
                late = record_transfer(other, now, invoice["id"], 110, "MUFG late", "staff:hana@example.jp")
                transferred.append(late)
        return real_day(due_at, zone)

    now = app.clock.now()
    monkeypatch.setattr(bank_transfer, "last_day_before", read_then_transfer)
    with app.db.transaction() as conn:
        reminded, suspended = bank_transfer.chase_bank_transfers(conn, app.clock.now(), 14)
    # then the account is not suspended for an invoice that is paid
    assert suspended == 0 and billing.entitlements(acme)["suspended"] is False
    assert billing.payments(invoice["id"])["status"] == "paid"
