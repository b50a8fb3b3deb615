"""R4, R5 (issue 11 review): a change written into a month while that month's close runs is either
billed by it or refused as closed, never lost. The close holds the lock of (zone, month)
exclusive and the writers (switch, registration, import) hold it shared before their R4 check
(adapters/db/month_lock.py); on SQLite, BEGIN IMMEDIATE serializes the two transactions whole.
Two real connections in two threads, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Connection, select, text

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.month_lock import hold_months_for_close, month_key, share_months
from fleetbill.clock import TestClock
from fleetbill.domain.errors import Conflict
from fleetbill.domain.fleet_import import ImportRefused, read_rows
from fleetbill.domain.metering import StatusChange, peak_active
from fleetbill.domain.periods import BillingMonth
from fleetbill.services import close_month as closing
from fleetbill.services.close_month import close_due_months
from fleetbill.services.import_fleet import import_fleet
from fleetbill.services.register_device import register_device
from fleetbill.services.switch_devices import switch_device
from tests import factories as f
from tests.conftest import on_postgres
from tests.integration.test_import_fleet import _csv, _row

TOKYO = "Asia/Tokyo"
JANUARY = BillingMonth.parse("2026-01")
LATE = JANUARY.end(TOKYO) - timedelta(seconds=1)  # a request's instant, the last second of January
AFTER = JANUARY.end(TOKYO) + timedelta(minutes=5)  # the close's clock


class _Thread(threading.Thread):
    """`work()` in a thread of its own; its result or its error kept for the test."""

    def __init__(self, work: Callable[[], object]):
        super().__init__(daemon=True)
        self.work, self.result, self.error = work, None, None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as e:  # the test reads it
            self.error = e

    def outcome(self):
        self.join(60)
        assert not self.is_alive(), "the thread did not finish"
        return self.error or self.result


class _Held(_Thread):
    """`write(conn)` in a transaction of its own thread, kept open until `release`: a writer that
    has checked and written but not committed yet."""

    def __init__(self, app, write: Callable[[Connection], object]):
        self.ready, self.release = threading.Event(), threading.Event()

        def work():
            with app.db.transaction() as conn:
                try:
                    return write(conn)
                finally:
                    self.ready.set()
                    assert self.release.wait(60)

        super().__init__(work)


def _waits(app, thread: threading.Thread, lock: str = "advisory") -> bool:
    """Whether `thread` is blocked: on PostgreSQL, once a lock of that kind is waited for in this
    database; on SQLite (no view of its locks), still running a second later."""
    if not on_postgres():
        thread.join(1.0)
        return thread.is_alive()
    waiting = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE NOT l.granted AND l.locktype = :lock AND a.datname = current_database()"
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and thread.is_alive():
        with app.db.engine.connect() as conn:
            if conn.execute(waiting, dict(lock=lock)).scalar():
                return thread.is_alive()
        time.sleep(0.05)
    return False


def _paused_close(app, monkeypatch) -> tuple[_Thread, threading.Event, threading.Event]:
    """January's close in a thread, paused once it has read and written the month, before it
    commits: (the thread, set when it is paused there, to set to let it commit)."""
    paused, release = threading.Event(), threading.Event()
    real = closing.close_month

    def close_then_wait(*args, **kwargs):
        numbered = real(*args, **kwargs)
        paused.set()
        assert release.wait(60)
        return numbered

    monkeypatch.setattr(closing, "close_month", close_then_wait)
    close = _Thread(lambda: close_due_months(app.db, TestClock(AFTER), app.settings))
    close.start()
    assert paused.wait(30), close.outcome()
    return close, paused, release


def _acme(app) -> tuple[str, str]:
    """Acme (Tokyo, 100 JPY a device): one device Active since 5 January, one switched Inactive
    at the instant it was added (never Active, R5); (the account, the Inactive device)."""
    f.device_type(app)
    f.plan(app)
    acme = f.account(app)
    f.devices(app, acme, 1)
    [off] = f.devices(app, acme, 1)
    f.switch(app, acme, [off], False)
    return acme, off


def _imported(app) -> tuple[str, str]:
    """Acme imported with January its first month: one device Active since December; (the
    account, '')."""
    f.device_type(app)
    f.plan(app)
    row = _row("crm-1", "Acme", "esp32", "gate-1", "dk_acme_key_000001", "active", "2025-12-01T00:00:00+09:00")
    with app.db.transaction() as conn:
        import_fleet(conn, app.clock.now(), read_rows(_csv([row]), "csv"), "test")
    with app.db.read() as conn:
        return conn.execute(select(t.accounts.c.id)).scalar_one(), ""


_LATE_DEVICE = _row("crm-1", "Acme", "esp32", "gate-2", "dk_acme_key_000002", "active", LATE.isoformat())
# Each writer: how its account is made, and its write at LATE, which would bring January's peak to 2.
WRITERS = {
    "switch": (_acme, lambda conn, acme, off: switch_device(conn, LATE, off, True, "test")),
    "register": (_acme, lambda conn, acme, _: register_device(conn, LATE, acme, "esp32", "late", "test")),
    "import": (
        _imported,
        lambda conn, *_: import_fleet(
            conn,
            LATE,
            read_rows(
                _csv([_row("crm-1", "Acme", "esp32", "gate-2", "dk_acme_key_000002", "active", LATE.isoformat())]),
                "csv",
            ),
            "test",
        ),
    ),
}


def _january(app, acme: str) -> tuple[int, dict[str, int]]:
    """January's invoice total for Acme, and the reference sweep's peak over its whole history."""
    sc, inv = t.status_changes, t.invoices
    with app.db.read() as conn:
        total = conn.execute(
            select(inv.c.total).where(inv.c.account_id == acme, inv.c.billing_month == JANUARY.index)
        ).scalar_one()
        rows = conn.execute(
            select(sc.c.device_id, sc.c.device_type_id, sc.c.effective_at, sc.c.active, sc.c.id).where(
                sc.c.account_id == acme
            )
        ).all()
    return total, peak_active([StatusChange(*r) for r in rows], JANUARY.start(TOKYO), JANUARY.end(TOKYO))


@pytest.mark.parametrize("writer", WRITERS)
def test_r4_a_write_that_meets_the_running_close_waits_for_it_and_is_refused(app, monkeypatch, writer):
    # given January's close running for Acme, paused after it read the month, before its commit
    make, write = WRITERS[writer]
    acme, off = make(app)
    close, _, release = _paused_close(app, monkeypatch)

    # when a request whose instant is January's last second writes into it
    late = _Thread(lambda: app.db.run(lambda conn: write(conn, acme, off)))
    late.start()

    # then it waits for the close (the month's lock, or SQLite's writer lock) ...
    assert _waits(app, late)
    release.set()
    assert close.outcome().months == ["2026-01"]
    # ... and is refused as written into a closed month (R4: the API's 409, an import's 422)
    refused = late.outcome()
    assert isinstance(refused, Conflict | ImportRefused), refused
    assert "closed" in str(refused.detail if isinstance(refused, Conflict) else refused.errors)
    # and January's invoice is what its history says: 1 device, 100 JPY + 10 tax (R5)
    total, sweep = _january(app, acme)
    assert (total, sweep) == (110, {"esp32": 1})


@pytest.mark.parametrize("writer", WRITERS)
def test_r4_r5_the_close_waits_for_a_write_in_flight_and_bills_it(app, writer):
    # given a request at January's last second that has written, not yet committed
    make, write = WRITERS[writer]
    acme, off = make(app)
    late = _Held(app, lambda conn: write(conn, acme, off))
    late.start()
    assert late.ready.wait(30) and late.error is None, late.error

    # when January's close starts, it waits for it
    close = _Thread(lambda: close_due_months(app.db, TestClock(AFTER), app.settings))
    close.start()
    assert _waits(app, close)
    late.release.set()
    assert not isinstance(late.outcome(), BaseException)

    # then the close bills the change: a peak of 2, 200 JPY + 20 tax, the sweep's (R5)
    assert close.outcome().months == ["2026-01"]
    total, sweep = _january(app, acme)
    assert (total, sweep) == (220, {"esp32": 2})


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's advisory locks")
def test_r4_writers_of_a_month_never_wait_for_each_other_nor_for_another_months_close(app):
    """Shared among writers; a close of January in Tokyo does not hold February's, nor New York's."""
    a, b = _Held(app, lambda conn: _share(conn, TOKYO, JANUARY)), _Held(app, lambda conn: _share(conn, TOKYO, JANUARY))
    for held in (a, b):
        held.start()
        assert held.ready.wait(10) and held.error is None, held.error
    closing_ = _Held(app, lambda conn: _close(conn, JANUARY, [TOKYO]))
    closing_.start()
    assert _waits(app, closing_)  # the close waits for both writers
    others = [
        _Thread(lambda: _run(app, _share, TOKYO, JANUARY.next())),
        _Thread(lambda: _run(app, _share, "America/New_York", JANUARY)),
    ]
    for other in others:
        other.start()
        assert other.outcome() is None  # neither waited for January in Tokyo
    a.release.set()
    b.release.set()
    assert closing_.ready.wait(10)
    closing_.release.set()
    assert [x.outcome() for x in (a, b, closing_)] == [None] * 3
    assert month_key(TOKYO, JANUARY.index) != month_key("America/New_York", JANUARY.index)


def _share(conn, zone: str, month: BillingMonth) -> None:
    share_months(conn, [(zone, month.index)])


def _close(conn, month: BillingMonth, zones) -> None:
    hold_months_for_close(conn, month, zones)


def _run(app, work, *args):
    with app.db.transaction() as conn:
        return work(conn, *args)
