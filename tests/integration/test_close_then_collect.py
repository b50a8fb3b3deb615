"""The month-end close is one use case, whoever runs it (R10, R15, R19): the API, the CLI, the
console and the worker call `close_due_months`, which finalizes the invoices, applies the
downgrades renewing with each month and opens the collections in that month's transaction; then
`collect_due` charges what is due. An invoice never depends on which entrypoint closed it, or when.

Catalog and fees as in test_plan_changes (Asia/Tokyo, 10% rounded down):
  pro   3,000 a month, esp32 50;   team  1,200 a month, esp32 70.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from fleetbill.adapters.db import schema as t
from fleetbill.services.close_month import CloseRunning, close_due_months
from fleetbill.services.run_due_jobs import run_due_jobs
from tests.conftest import on_postgres
from tests.integration.test_collection import VISA, ok, problem
from tests.integration.test_plan_changes import (
    FEB_CLOSE,
    FEB_END,
    JAN_CLOSE,
    JAN_END,
    UPGRADE_DAY,
    fee_lines,
    totals,
    usage_line,
)

MAR_END = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)


def test_r15_r19_the_apis_close_then_its_collect_charges_the_invoices_just_closed(plans, app):
    # given: two accounts on pro with 3 esp32 each and a Visa (their sign-up purchases are paid
    # when the card is added)
    accounts = [plans.account("pro", name=f"Acme {n}") for n in (1, 2)]
    for acme in accounts:
        plans.devices(acme, 3)
        plans.add_card(acme, VISA)
    charged_before = len(app.gateway.charges)

    # when: January ends and the operator's platform closes, then collects, through the API
    plans.at(JAN_CLOSE)
    closed = ok(plans.api.post("/v1/close"))
    collected = ok(plans.api.post("/v1/collect"))

    # then: the close finalized both Januaries and opened both collections in the same request:
    # 3 x 50 = 150 + February's fee 3,000 = 3,150; tax 315; 3,465 each
    assert (closed["months"], closed["invoices"], closed["billed"]) == (["2026-01"], 2, 2 * 3_465)
    assert closed["collections_opened"] == 2
    januaries = [plans.invoice(acme) for acme in accounts]
    assert [totals(j) for j in januaries] == [(3_150, 315, 3_465, 3_465)] * 2
    # and the collect charged both, once, and says so
    assert sorted(collected["paid"]) == sorted(j["id"] for j in januaries)
    assert (collected["declined"], collected["unknown"], collected["suspended"]) == ([], [], [])
    assert [c.amount for c in app.gateway.charges[charged_before:]] == [3_465, 3_465]
    assert {plans.invoice(acme)["status"] for acme in accounts} == {"paid"}


def _downgraded_account(plans) -> str:
    """An account on pro since the 5th with 3 esp32 and a Visa, moving down to team on the 20th
    (effective at February's start in Tokyo, R10)."""
    acme = plans.account("pro")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)
    plans.at(UPGRADE_DAY)
    assert plans.change(acme, "team")["kind"] == "downgrade"
    return acme


def _close_month_by_month_with_the_worker(plans) -> None:
    plans.at(JAN_CLOSE)
    plans.run()
    plans.at(FEB_CLOSE)
    plans.run()


def _catch_up_with_one_api_close(plans) -> None:
    plans.at(FEB_CLOSE)  # the worker was down all of February: one close catches up two months
    closed = ok(plans.api.post("/v1/close"))
    assert (closed["months"], closed["downgrades_applied"], closed["months_remaining"]) == (
        ["2026-01", "2026-02"],
        1,
        0,
    )


def _catch_up_with_the_worker(plans) -> None:
    plans.at(FEB_CLOSE)
    plans.run()


@pytest.mark.parametrize(
    "close",
    [_close_month_by_month_with_the_worker, _catch_up_with_one_api_close, _catch_up_with_the_worker],
    ids=["worker-each-month", "api-catch-up", "worker-catch-up"],
)
def test_r10_r15_a_downgrade_bills_the_same_whoever_closes_and_however_late(plans, app, close):
    # given: an account moving down from pro to team at February's start
    acme = _downgraded_account(plans)

    # when: January and February are closed, month by month or in one catch-up, by the worker or the API
    close(plans)

    # then: January is used under pro (3 x 50 = 150) and carries team's February fee: 1,350 + 135
    january = plans.invoice(acme, "2026-01")
    assert usage_line(january) == ("esp32", 3, [(50, 150)])
    assert fee_lines(january) == [("Team fee, 2026-02", 1_200, JAN_END, FEB_END)]
    assert totals(january) == (1_350, 135, 1_485, 1_485)
    # and February is all team: 3 x 70 = 210 + team's March fee 1,200 = 1,410; tax 141; 1,551
    # (a catch-up that applied the downgrade only after both months billed 3,150 + 315 = 3,465)
    february = plans.invoice(acme, "2026-02")
    assert usage_line(february) == ("esp32", 3, [(70, 210)])
    assert fee_lines(february) == [("Team fee, 2026-03", 1_200, FEB_END, MAR_END)]
    assert totals(february) == (1_410, 141, 1_551, 1_551)
    assert plans.plan_of(acme) == "team"


def test_r15_the_close_opens_its_collections_so_a_bare_collect_charges_them(plans, app):
    # given: January closed by the service alone, as any entrypoint calls it
    acme = plans.account("pro")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)
    plans.at(JAN_CLOSE)
    report = close_due_months(app.db, app.clock, app.settings)
    assert (report.invoices, report.collections_opened) == (1, 1)

    # when: the collection runs, by itself
    collected = ok(plans.api.post("/v1/collect"))

    # then: January (3,465) is paid
    january = plans.invoice(acme)
    assert collected["paid"] == [january["id"]] and january["status"] == "paid"
    assert plans.charged(january["id"])[0][0] == 3_465


def test_r15_one_request_closes_at_most_24_months_and_says_how_many_remain(plans, app):
    # given: an account whose months were never closed for 26 months (the test clock moved in
    # two steps of a year and more)
    acme = plans.account("starter")
    plans.devices(acme, 1)
    plans.at(datetime(2027, 1, 20, tzinfo=UTC))
    plans.at(datetime(2028, 3, 2, tzinfo=UTC))  # February 2028 has ended in Tokyo

    # when: the close is asked for
    first = ok(plans.api.post("/v1/close"))

    # then: 24 months are closed, oldest first, and the rest wait for the next request
    assert (first["months"][0], first["months"][-1], len(first["months"])) == ("2026-01", "2027-12", 24)
    assert first["months_remaining"] == 2
    second = ok(plans.api.post("/v1/close"))
    assert (second["months"], second["months_remaining"]) == (["2028-01", "2028-02"], 0)
    # 1 esp32 on starter: 100 + 10 tax every month
    assert plans.invoice(acme, "2028-02")["total"] == 110


def test_r15_the_test_clock_moves_at_most_two_years_a_step(plans, app):
    # when: the test clock is asked to move by centuries, by either endpoint
    far = plans.api.post("/v1/test-clock/advance", json={"days": 365 * 300})
    to = plans.api.post("/v1/test-clock", json={"now": "2500-01-01T00:00:00Z"})

    # then: refused with the bound and what to do, and the clock has not moved
    for answer in (far, to):
        assert problem(answer, 422)["detail"].startswith("one step moves the test clock at most 731 days")
    assert ok(plans.api.get("/v1/test-clock"))["now"].startswith(app.clock.now().strftime("%Y-%m-%dT%H:%M"))


@pytest.mark.skipif(not on_postgres(), reason="the month-end lock is PostgreSQL's (SQLite has one writer)")
def test_r15_a_close_while_another_runs_answers_at_once_and_holds_no_connection(plans, app):
    # given: a close running (it holds the month-end lock)
    acme = plans.account("pro")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)
    plans.at(JAN_CLOSE)
    with app.db.engine.connect() as running, running.begin():
        running.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6662636C6F7365})

        # when: the API, the service and the worker's due jobs ask for a close meanwhile
        started = time.monotonic()
        refused = plans.api.post("/v1/close")
        with pytest.raises(CloseRunning):
            close_due_months(app.db, app.clock, app.settings)
        jobs = run_due_jobs(app.db, app.clock, app.settings, app.gateway)
        waited = time.monotonic() - started

    # then: a 409 that says a close is running, at once; the worker leaves the close to it
    assert problem(refused, 409)["detail"].startswith("another close is running now")
    assert waited < 10
    assert jobs.close.running_elsewhere and jobs.close.invoices == 0
    with app.db.read() as conn:
        monthly = select(func.count()).select_from(t.invoices).where(t.invoices.c.kind == "monthly")
        assert conn.execute(monthly).scalar() == 0
    # and once the running close is done, the next request closes January
    assert ok(plans.api.post("/v1/close"))["invoices"] == 1


@pytest.mark.skipif(not on_postgres(), reason="ten closes at once: PostgreSQL (SQLite has one writer)")
def test_r15_ten_closes_at_once_make_one_invoice_each_and_no_error(plans, app):
    # given: 20 accounts with January ended
    for n in range(20):
        plans.devices(plans.account("starter", name=f"A{n}"), 1)
    plans.at(JAN_CLOSE)

    # when: ten closes are requested at the same instant, more than the connection pool holds
    # with the close's two readers each
    start, outcomes = threading.Barrier(10), []

    def close():
        start.wait()
        try:
            outcomes.append(close_due_months(app.db, app.clock, app.settings).invoices)
        except CloseRunning:
            outcomes.append("running")

    threads = [threading.Thread(target=close) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    # then: 20 invoices made once, by one of them; the others found nothing or a close running
    assert len(outcomes) == 10 and outcomes.count(20) == 1
    assert set(outcomes) - {20} <= {0, "running"}
    with app.db.read() as conn:
        monthly = select(func.count(), func.count(func.distinct(t.invoices.c.account_id))).where(
            t.invoices.c.kind == "monthly"
        )
        assert conn.execute(monthly).one() == (20, 20)


def test_r15_the_closes_report_is_the_same_sentence_everywhere(plans, app):
    # given: January ended for an account with a card
    acme = plans.account("pro")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)
    plans.at(JAN_CLOSE)
    # when: the close runs
    report = close_due_months(app.db, app.clock, app.settings)
    # then: the CLI and the worker's log print this one sentence
    assert report.summary() == (
        "closed 2026-01: 1 invoices, 3,465 JPY billed, 1 collections opened, 0 downgrades applied"
    )
