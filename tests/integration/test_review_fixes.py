"""Defects an outside review of the close, collection and events found (each test failed before
its fix), named by the rule each breaks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from fleetbill.domain.dunning import RetryPolicy
from fleetbill.services import close_month as cm
from fleetbill.services import collect_invoice
from fleetbill.services import run_due_jobs as rdj
from fleetbill.services.bank_transfer import chase_bank_transfers
from tests.conftest import on_postgres
from tests.integration.test_collection import DAY, DECLINES, JAN_CLOSE, VISA, ok
from tests.integration.test_use_case_events import stream

APRIL = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # 09:00 on Apr 1 in Tokyo: January to March have ended
POINTS = {"amount": 1000, "reason": "welcome", "expires_at": "2026-03-15T00:00:00+09:00"}


def test_r16_points_valid_at_februarys_end_pay_february_while_another_worker_is_closing(billing, app, monkeypatch):
    # given: 1 esp32 (110 JPY a month) and 1,000 points expiring on March 15 in Tokyo; the worker
    # was down until April, and worker A has closed January (paid by points)
    acme = billing.account()
    billing.devices(acme, 1)
    ok(billing.api.post(f"/v1/accounts/{acme}/points", json=POINTS), 201)
    billing.at(APRIL)
    cm.close_due_months(app.db, app.clock, app.settings, max_months=1)

    # when: worker B finds A's close running (what the advisory lock answers) and runs the rest
    def running(*args, **kwargs):
        raise cm.CloseRunning()

    monkeypatch.setattr(rdj, "close_due_months", running)
    rdj.run_due_jobs(app.db, app.clock, app.settings, app.gateway)
    monkeypatch.undo()
    cm.close_due_months(app.db, app.clock, app.settings)  # A goes on with February and March

    # then: the points valid at February's end paid February's 110 JPY; they expired after it
    february = billing.invoice(acme, "2026-02")
    assert (february["points_applied"], february["amount_due"]) == (110, 0)


def test_r16_points_are_not_expired_by_a_run_that_left_months_open_by_its_bound(billing, app):
    # given: the same points, and a run that may close only one month
    acme = billing.account()
    billing.devices(acme, 1)
    ok(billing.api.post(f"/v1/accounts/{acme}/points", json=POINTS), 201)
    billing.at(APRIL)
    real = cm.close_due_months

    def one_month(*args, **kwargs):
        return real(*args, **kwargs | {"max_months": 1})

    # when: two runs of the due jobs each close one month, then a last one the rest
    rdj.close_due_months = one_month
    try:
        rdj.run_due_jobs(app.db, app.clock, app.settings, app.gateway)
        rdj.run_due_jobs(app.db, app.clock, app.settings, app.gateway)
    finally:
        rdj.close_due_months = real
    rdj.run_due_jobs(app.db, app.clock, app.settings, app.gateway)

    # then: February was paid by the points; March (after their expiry) by nobody's points
    assert billing.invoice(acme, "2026-02")["amount_due"] == 0
    assert billing.invoice(acme, "2026-03")["points_applied"] == 0


def _opened_on_pro(plans) -> tuple[str, str]:
    """An account opened on pro (a fee: a purchase invoice of 2,873 JPY), then (id, purchase id)."""
    body = {"name": "Acme", "country": "JP", "plan_id": "pro", "billing_email": "billing@example.com"}
    created = ok(plans.api.post("/v1/accounts", json=body), 201)
    return created["id"], created["purchase_invoice_id"]


def test_r18_r19_an_account_moved_to_transfer_before_its_purchase_was_tried_is_not_charged_by_card(plans):
    # given: an account opened on pro, then switched to bank transfer by the operator ("talk to us")
    acme, purchase = _opened_on_pro(plans)
    ok(plans.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))

    # when: the worker runs on the days the card tries would have been due
    for day in (0, 3, 7, 14):
        plans.at(datetime(2026, 1, 5, 4, tzinfo=UTC) + day * DAY)
        plans.run()

    # then: the purchase waits for its transfer, due at the end of February in Tokyo; no card was
    # tried, nobody is suspended
    collection = plans.payments(purchase)["collection"]
    assert (collection["method"], collection["tries_made"]) == ("bank_transfer", 0)
    assert plans.entitlements(acme)["suspended"] is False


def test_r10_r22_switching_how_an_account_pays_tells_the_platform_its_features_changed(plans):
    # given: a card account whose purchase is not paid: its features wait for it (R10)
    acme, _ = _opened_on_pro(plans)
    assert plans.entitlements(acme)["billing_state"]["features_on"] is False

    # when: the operator moves it to bank transfer (a transfer invoice is accepted at once), then back
    for method in ("bank_transfer", "card"):
        ok(plans.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": method}))

    # then: two entitlements.changed, on then off, each saying why
    changes = [d for kind, d in stream(plans, acme) if kind == "entitlements.changed"]
    assert [(c["billing_state"]["features_on"], c["why"]) for c in changes] == [
        (True, "the account pays by bank transfer"),
        (False, "the account pays by card"),
    ]


def test_r19_a_crash_between_a_decline_and_counting_the_try_still_retries_and_suspends(billing, monkeypatch):
    # given: January's 110 JPY and a card that declines; the first run dies after recording the
    # decline and before counting the try (kill -9, a lost connection)
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, DECLINES)
    billing.at(JAN_CLOSE)
    cm.close_due_months(billing.app.db, billing.app.clock, billing.app.settings)
    real = collect_invoice._after_failed_try

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(collect_invoice, "_after_failed_try", crash)
    with pytest.raises(RuntimeError):
        collect_invoice.collect_due(billing.app.db, billing.app.gateway, billing.app.clock, RetryPolicy())
    monkeypatch.setattr(collect_invoice, "_after_failed_try", real)

    # when: the worker runs again on the schedule's days (0, 3, 7, 14)
    for day in (0, 3, 7, 14):
        billing.at(JAN_CLOSE + day * DAY)
        billing.run()

    # then: four tries counted, each card charge once a try (the first not repeated), and suspended
    invoice = billing.invoice(acme)
    assert billing.payments(invoice["id"])["collection"]["tries_made"] == 4
    assert [a[0] for a in billing.attempts(invoice["id"])] == [1, 2, 3, 4]
    assert billing.entitlements(acme)["suspended"] is True


def test_r15_r22_invoice_finalized_says_the_invoice_as_finalized_whenever_it_is_published(billing):
    # given: January's 110 JPY with a good card, closed, collected and only then published (the
    # worker's order)
    acme = billing.account()
    billing.devices(acme, 1)
    billing.add_card(acme, VISA)
    billing.at(JAN_CLOSE)
    billing.run()
    # then: invoice.finalized says it as it was finalized: open, 110 due; the payment has its own events
    [finalized] = [d["invoice"] for kind, d in stream(billing, acme) if kind == "invoice.finalized"]
    assert (finalized["status"], finalized["amount_due"], finalized["total"]) == ("open", 110, 110)
    assert not {"amount_paid", "amount_left", "collection", "attempts"} & set(finalized)


def test_r16_r22_an_invoice_that_points_paid_at_the_close_is_an_invoice_paid(billing):
    # given: 500 points and one esp32 (110 JPY): the points pay January whole
    acme = billing.account()
    billing.devices(acme, 1)
    ok(billing.api.post(f"/v1/accounts/{acme}/points", json={"amount": 500, "reason": "welcome"}), 201)
    # when: January closes
    billing.at(JAN_CLOSE)
    billing.run()
    # then: finalized, then paid by points, nothing left to collect
    events = [(kind, d) for kind, d in stream(billing, acme) if kind.startswith("invoice.")]
    assert [kind for kind, _ in events] == ["invoice.finalized", "invoice.paid"]
    paid = events[1][1]
    assert (paid["method"], paid["invoice"]["status"], paid["invoice"]["points_applied"]) == ("points", "paid", 110)


def test_r10_r22_a_pending_downgrade_replaced_by_another_is_said_cancelled(plans):
    # given: an account on pro asking for team, then for starter, before its renewal
    acme = plans.account("pro")
    plans.change(acme, "team")
    plans.change(acme, "starter")
    # then: the platform hears team requested, team cancelled, then starter requested
    changes = [(d["status"], d["change"]["to_plan_id"]) for kind, d in stream(plans, acme) if kind == "plan.changed"]
    assert changes == [("requested", "team"), ("cancelled", "team"), ("requested", "starter")]


@pytest.mark.skipif(not on_postgres(), reason="two workers at once: PostgreSQL (SQLite has one writer)")
def test_r18_r22_two_workers_chasing_transfers_at_once_send_one_reminder(billing, app):
    # given: January's 110 JPY by bank transfer, a day past its due date: reminder 1 is due
    acme = billing.account("invoiced")
    billing.devices(acme, 1)
    ok(billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))
    billing.at(JAN_CLOSE)
    billing.run()
    now = datetime(2026, 3, 2, tzinfo=UTC)
    a_has_reminded, done = threading.Event(), []

    def worker_b():
        a_has_reminded.wait()
        with app.db.transaction() as conn:  # reads the row A is updating, then waits for A's lock
            done.append(chase_bank_transfers(conn, now, 30))

    # when: worker A reminds, and worker B reads the same overdue invoice before A commits
    b = threading.Thread(target=worker_b)
    b.start()
    with app.db.transaction() as conn:
        done.append(chase_bank_transfers(conn, now, 30))
        a_has_reminded.set()
        b.join(timeout=2)
    b.join()

    # then: one reminder, one event (so one email)
    assert sorted(reminded for reminded, _ in done) == [0, 1]
    assert [d["reminder"] for kind, d in stream(billing, acme) if kind == "invoice.overdue"] == [1]
