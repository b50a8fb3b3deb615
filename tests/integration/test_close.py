"""R15: the month-end close on a real database: one invoice per account and month, always."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import views
from fleetbill.services.close_month import CloseRunning, close_due_months
from tests import factories as f
from tests.conftest import on_postgres


def _invoices(db):
    with db.transaction() as conn:
        return views.invoices(conn, t.invoices.c.kind == "monthly", limit=1000)


def test_r15_close_twice_gives_the_same_invoices(app, clock):
    # given two accounts with devices in January (Asia/Tokyo)
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    a = f.account(app, name="A")
    b = f.account(app, name="B")
    f.devices(app, a, 5)
    f.devices(app, b, 2)
    # when January has ended in Tokyo and the close runs twice
    clock.set(datetime(2026, 1, 31, 15, 0, tzinfo=UTC))
    first = close_due_months(app.db, clock, app.settings)
    before = _invoices(app.db)
    second = close_due_months(app.db, clock, app.settings)
    # then the first run made one invoice each, the second nothing, and nothing changed
    assert (first.months, first.invoices, second.invoices) == (["2026-01"], 2, 0)
    assert _invoices(app.db) == before
    by_account = {i["account_id"]: i for i in before}
    assert by_account[a]["subtotal"] == 600 and by_account[a]["tax_total"] == 60 and by_account[a]["total"] == 660
    assert by_account[b]["total"] == 0 and by_account[b]["status"] == "paid"
    assert sorted(i["number"] for i in before) == ["FB-00000001", "FB-00000002"]


def test_r15_month_not_ended_in_the_accounts_time_zone_is_not_closed(app, clock):
    f.device_type(app)
    f.plan(app)
    tokyo = f.account(app, name="Tokyo")
    ny = f.account(app, name="New York", country="US", timezone="America/New_York", tax_status="exempt")
    f.devices(app, tokyo, 1)
    f.devices(app, ny, 1)
    # 2026-02-01 00:00 in Tokyo is 2026-01-31 15:00 UTC; New York's January ends at 05:00 UTC on Feb 1
    clock.set(datetime(2026, 1, 31, 16, 0, tzinfo=UTC))
    report = close_due_months(app.db, clock, app.settings)
    assert [i["account_id"] for i in _invoices(app.db)] == [tokyo] and report.invoices == 1
    clock.set(datetime(2026, 2, 1, 5, 0, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)
    assert {i["account_id"] for i in _invoices(app.db)} == {tokyo, ny}


def test_r15_catches_up_every_missed_month_in_order(app, clock):
    f.device_type(app)
    f.plan(app)
    a = f.account(app)
    f.devices(app, a, 2)
    clock.set(datetime(2026, 4, 10, tzinfo=UTC))
    report = close_due_months(app.db, clock, app.settings)
    assert report.months == ["2026-01", "2026-02", "2026-03"]
    invoices = sorted(_invoices(app.db), key=lambda i: i["billing_month"])
    assert [(i["billing_month"], i["number"], i["total"]) for i in invoices] == [
        ("2026-01", "FB-00000001", 220),
        ("2026-02", "FB-00000002", 220),
        ("2026-03", "FB-00000003", 220),
    ]


@pytest.mark.skipif(
    not on_postgres(), reason="concurrency of two closes is a PostgreSQL matter (SQLite has one writer)"
)
def test_r15_two_concurrent_closes_make_one_invoice_per_account(app, clock):
    f.device_type(app)
    f.plan(app)
    accounts = [f.account(app, name=f"A{i}") for i in range(30)]
    for a in accounts:
        f.devices(app, a, 2)
    clock.set(datetime(2026, 2, 2, tzinfo=UTC))
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        barrier.wait()
        try:
            reports.append(close_due_months(app.db, clock, app.settings).invoices)
        except CloseRunning:  # the other one holds the month-end lock: this one does not wait
            reports.append("running")
        except Exception as e:  # pragma: no cover - a failure shows in the assertion below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert 30 in reports and len(reports) == 2 and set(reports) - {30} <= {0, "running"}
    with app.db.transaction() as conn:
        n, distinct, top = conn.execute(
            select(func.count(), func.count(func.distinct(t.invoices.c.account_id)), func.max(t.invoices.c.sequence))
        ).one()
    assert (n, distinct, top) == (30, 30, 30)  # gapless numbers too (R14)
