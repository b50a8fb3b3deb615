"""Issue 11 item 1 (R4, R5): on PostgreSQL the status history is partitioned by month; a change at
an instant no month partition covers yet lands in the default partition and moves into its
month's partition when the worker makes it, and nothing is lost or counted twice on the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.partitions import DEFAULT, ensure_month_partitions, existing, partitioned
from fleetbill.adapters.db.usage import peak_quantities
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.services.run_due_jobs import run_due_jobs
from tests import factories as f
from tests.conftest import on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="partitions are PostgreSQL's (SQLite keeps one table)")

FAR = datetime(2041, 3, 10, tzinfo=UTC)  # years past the partitions the migration made
FARTHER = datetime(2042, 5, 10, tzinfo=UTC)  # another such month (the partitions outlive each test)


def _rows(conn, table: str) -> int:
    return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_r4_r5_a_change_beyond_the_partitions_waits_in_the_default_and_moves_to_its_month(app, clock):
    # given a partitioned history, and an account whose devices change in March 2041
    with app.db.read() as conn:
        assert partitioned(conn)
        assert "status_changes_2041_03" not in existing(conn)
    f.device_type(app)
    f.plan(app, prices={"esp32": [Tier(None, 100)]})
    acme = f.account(app, name="Acme")
    clock.set(FAR)
    devices = f.devices(app, acme, 3)
    clock.set(FAR + timedelta(days=1))
    f.switch(app, acme, devices[:1], False)
    with app.db.read() as conn:
        assert _rows(conn, DEFAULT) == 4  # three registrations, one switch
    # when the worker's housekeeping makes the partitions around that time
    with app.db.transaction() as conn:
        made = ensure_month_partitions(conn, FAR)
    # then March 2041's partition exists and holds the four changes; the default holds none
    assert "status_changes_2041_03" in made
    with app.db.read() as conn:
        assert (_rows(conn, DEFAULT), _rows(conn, "status_changes_2041_03")) == (0, 4)
        assert conn.execute(select(func.count()).select_from(t.status_changes)).scalar_one() == 4
        # and the month is counted from it as before: a peak of 3
        march = BillingMonth.containing(FAR, "Asia/Tokyo")
        assert peak_quantities(conn, {"Asia/Tokyo": march.bounds("Asia/Tokyo")}, t.accounts.c.id == acme) == {
            (acme, "esp32"): 3
        }
    # and a second run makes nothing more
    with app.db.transaction() as conn:
        assert ensure_month_partitions(conn, FAR) == []


def test_r4_a_long_reader_of_the_history_makes_the_worker_leave_the_partition_for_its_next_run(app, clock):
    # given a change waiting in the default partition, and a long reader holding it
    f.device_type(app)
    f.plan(app, prices={"esp32": [Tier(None, 100)]})
    acme = f.account(app, name="Acme")
    clock.set(FARTHER)
    f.devices(app, acme, 1)
    reader = app.db.engine.connect()
    try:
        reader.execute(text(f"SELECT count(*) FROM {DEFAULT}"))  # its transaction stays open
        # when the worker runs its due jobs: it waits 2 s for the partition's lock, then goes on
        run_due_jobs(app.db, clock, app.settings, app.gateway)
        with app.db.read() as conn:
            assert "status_changes_2042_05" not in existing(conn)
    finally:
        reader.close()
    # then its next run, the reader gone, makes the month and moves the change into it
    run_due_jobs(app.db, clock, app.settings, app.gateway)
    with app.db.read() as conn:
        assert "status_changes_2042_05" in existing(conn)
        assert (_rows(conn, DEFAULT), _rows(conn, "status_changes_2042_05")) == (0, 1)
