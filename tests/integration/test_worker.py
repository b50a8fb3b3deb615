"""The worker runs what is due (R15 close, then collection) and says what it did."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.entrypoints.worker import run_worker
from tests import factories as f


def test_r15_worker_once_closes_the_ended_month_and_a_second_run_does_nothing(app, clock, caplog):
    # given an account with 4 devices in January (first 3 free, then 300)
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    f.devices(app, f.account(app), 4)
    clock.set(datetime(2026, 2, 1, 0, 5, tzinfo=UTC))
    # when the worker runs twice
    with caplog.at_level(logging.INFO, logger="fleetbill.worker"):
        run_worker(app, once=True)
        run_worker(app, once=True)
    # then one invoice of 300 + 30 tax, and the log says what each run did
    with app.db.read() as conn:
        totals = conn.execute(select(func.count(), func.sum(t.invoices.c.total))).one()
    assert tuple(totals) == (1, 330)
    runs = [r.getMessage() for r in caplog.records if r.getMessage().startswith("due jobs")]
    assert runs[0].startswith(
        "due jobs: closed 2026-01: 1 invoices, 330 JPY billed, 1 collections opened, 0 downgrades applied "
        "(0 skipped); paid 0, declined 1"
    )
    assert runs[1].startswith(
        "due jobs: closed nothing (no ended month is open): 0 invoices, 0 JPY billed, 0 collections opened, "
        "0 downgrades applied (0 skipped); paid 0, declined 0"
    )
