"""Collection in parallel (issue 11 items 3 and 5; R15, R17, R19): collecting processes claim
disjoint invoices, an attempt another process has in flight is never asked about as unknown, a
dead process's claim lapses and another takes its invoices over, and runs killed with SIGKILL at
random points, then run again, pay every invoice once: never a charge made twice.

The catalog is test_collection's: one esp32 all January is 100 JPY + 10% = 110 JPY."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from fleetbill.adapters.db.engine import Database
from fleetbill.adapters.gateway.sandbox import SandboxGateway
from fleetbill.domain.dunning import RetryPolicy
from fleetbill.services import collect_batch
from fleetbill.services.close_month import close_due_months
from fleetbill.services.collect_invoice import CollectReport, collect_due, try_invoice
from fleetbill.settings import Settings
from tests.conftest import on_postgres
from tests.integration.test_collection import DECLINES, JAN_CLOSE, VISA

ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from fleetbill.entrypoints.cli import app; sys.exit(app(prog_name='fleetbill'))"
LEASE = timedelta(seconds=Settings.collect_lease_seconds)


def _due_invoices(billing, app, cards: list[str]) -> list[str]:
    """One account per card, one esp32 each, January closed: their invoices' first try is due."""
    for n, number in enumerate(cards):
        acme = billing.account(name=f"Acme {n}")
        billing.devices(acme, 1)
        billing.add_card(acme, number)
    billing.at(JAN_CLOSE)
    close_due_months(app.db, app.clock, app.settings)
    with app.db.read() as conn:
        return list(conn.execute(select(p.collections.c.invoice_id).order_by(p.collections.c.invoice_id)).scalars())


def _count(app, table, *where) -> int:
    with app.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _statuses(app) -> Counter:
    with app.db.read() as conn:
        return Counter(conn.execute(select(t.invoices.c.status)).scalars())


class _Counting:
    """The sandbox as one worker sees it: counts what this worker asks, can hold its charges in flight."""

    name = "sandbox"

    def __init__(self, sandbox: SandboxGateway, hold: threading.Event | None = None) -> None:
        self.sandbox, self.hold, self.asked, self.in_flight = sandbox, hold, [], threading.Event()

    def charge(self, request):
        self.asked.append(request.idempotency_key)
        if self.hold is not None:
            self.in_flight.set()
            assert self.hold.wait(30)
        return self.sandbox.charge(request)

    def __getattr__(self, name):
        return getattr(self.sandbox, name)


@pytest.mark.skipif(not on_postgres(), reason="two workers at once: PostgreSQL (SQLite has one writer)")
def test_issue11_r17_two_workers_at_once_take_disjoint_invoices_and_charge_each_once(billing, app):
    # given: 24 invoices of 110 JPY due, a gateway answering in 20 ms, two workers of 1 charge in flight
    # (so batches of 4, two at a time: a worker takes 8 invoices at once and needs 80 ms a batch)
    invoices = _due_invoices(billing, app, [VISA] * 24)
    app.gateway.set_latency(0.02)
    settings = Settings(database_url=app.settings.database_url, collect_concurrency=1)
    reports, errors, start = [CollectReport(), CollectReport()], [], threading.Barrier(2)

    def worker(n: int) -> None:
        db = Database(settings.database_url)  # a process of its own: its own connections
        try:
            start.wait()
            reports[n] = collect_due(db, app.gateway, app.clock, RetryPolicy(), settings=settings)
        except BaseException as e:  # handed to the test
            errors.append(e)
        finally:
            db.dispose()

    # when: both collect at once
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then: each invoice paid by one of them, never both; the sandbox charged each once, 110 JPY
    assert errors == []
    one, other = (set(r.paid) for r in reports)
    assert not one & other and one | other == set(invoices)
    assert one and other  # both took a share
    charged = Counter(c.metadata["invoice_id"] for c in app.gateway.charges)
    assert charged == dict.fromkeys(invoices, 1)
    assert {c.amount for c in app.gateway.charges} == {110}
    assert _count(app, p.payments) == _count(app, p.payment_attempts) == 24
    assert _statuses(app) == {"paid": 24}
    # and no claim is left behind
    assert _count(app, p.collections, p.collections.c.claimed_by.is_not(None)) == 0


def test_issue11_an_attempt_in_flight_in_another_live_claim_is_not_asked_as_unknown(billing, app):
    # given: January's 110 JPY due; worker A has written its attempt and its charge is in flight
    [invoice] = _due_invoices(billing, app, [VISA])
    release = threading.Event()
    a_gateway = _Counting(app.gateway, hold=release)
    a_report: list[CollectReport] = []
    a = threading.Thread(target=lambda: a_report.append(collect_due(app.db, a_gateway, app.clock, RetryPolicy())))
    a.start()
    assert a_gateway.in_flight.wait(10)
    assert _count(app, p.payment_attempts, p.payment_attempts.c.outcome == "pending") == 1

    # when: worker B collects, and the console's "retry now" tries the invoice, meanwhile
    b_gateway = _Counting(app.gateway)
    b_report = collect_due(app.db, b_gateway, app.clock, RetryPolicy())
    retry = CollectReport()
    try_invoice(app.db, b_gateway, app.clock, RetryPolicy(), invoice, retry, extra=True)

    # then: neither asks the gateway about A's attempt, nor calls it unknown, nor charges anew
    assert b_gateway.asked == [] and b_report.counts() == retry.counts() == CollectReport().counts()
    # when: A's answer comes back
    release.set()
    a.join(30)
    # then: A paid it: one attempt, one charge of 110 JPY
    assert a_report[0].paid == [invoice] and a_report[0].unknown == []
    assert [c.amount for c in app.gateway.charges] == [110]
    assert _count(app, p.payment_attempts) == _count(app, p.payments) == 1


class _Died(BaseException):
    """The process died here (SIGKILL): nothing after it runs, not even `finally` in the real one."""


def test_issue11_r17_a_dead_workers_claim_lapses_and_another_asks_its_attempt_with_the_same_key(
    billing, app, monkeypatch
):
    # given: January's 110 JPY due; a worker writes its attempt and dies as it sends the charge,
    # leaving its claim (its `finally` never ran)
    [invoice] = _due_invoices(billing, app, [VISA])
    dead = _Counting(app.gateway)
    dead.charge = lambda request: (_ for _ in ()).throw(_Died())
    monkeypatch.setattr(collect_batch.claims, "release", lambda db, me, ids=None: None)
    with pytest.raises(_Died):
        collect_due(app.db, dead, app.clock, RetryPolicy())
    monkeypatch.undo()
    [pending] = _attempts(app)
    assert pending.outcome == "pending" and app.gateway.charges == ()

    # when: another worker runs while the claim is live
    second = _Counting(app.gateway)
    report = collect_due(app.db, second, app.clock, RetryPolicy())
    # then: it leaves the invoice alone
    assert second.asked == [] and report.unknown == [] and report.paid == []

    # when: it runs again once the lease has passed
    app.clock.set(app.clock.now() + LEASE + timedelta(seconds=1))
    report = collect_due(app.db, second, app.clock, RetryPolicy())

    # then: it asked about the dead worker's attempt with its key, and that paid the invoice once
    assert second.asked == [pending.idempotency_key]
    assert report.paid == [invoice]
    [attempt] = _attempts(app)
    assert (attempt.id, attempt.outcome) == (pending.id, "succeeded")
    assert [c.amount for c in app.gateway.charges] == [110]


def _attempts(app):
    a = p.payment_attempts
    with app.db.read() as conn:
        return conn.execute(select(a).order_by(a.c.attempted_at)).all()


# --- the crash test: real processes, SIGKILL, PostgreSQL, the sandbox with a latency ------------------------


def _env(database_url: str, journal: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETBILL_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        FLEETBILL_DATABASE_URL=database_url,
        FLEETBILL_SANDBOX_LATENCY_MS="100",
        FLEETBILL_SANDBOX_JOURNAL=str(journal),  # the charges of every process, killed or not
        FLEETBILL_COLLECT_CONCURRENCY="2",
        FLEETBILL_COLLECT_LEASE_SECONDS="2",
    )
    return env


def _collect(env: dict[str, str]) -> subprocess.Popen:
    """`fleetbill collect` in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "collect"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@pytest.mark.skipif(not on_postgres(), reason="collecting processes at once: PostgreSQL (SQLite has one writer)")
def test_issue11_r15_r17_r19_parallel_collections_killed_at_random_points_then_rerun_charge_each_invoice_once(
    billing, app, tmp_path
):
    # given: 40 invoices of 110 JPY on good cards and 4 on cards that decline, their first try due;
    # a gateway answering in 100 ms, kept in a journal every process shares
    invoices = _due_invoices(billing, app, [VISA] * 40 + [DECLINES] * 4)
    journal = tmp_path / "sandbox.jsonl"
    env = _env(app.settings.database_url, journal)
    rng = random.Random(11)

    # when: three times, two `fleetbill collect` run at once and are killed (SIGKILL) at random points
    for _ in range(3):
        runs = [_collect(env) for _ in range(2)]
        for run in runs:
            time.sleep(rng.uniform(0.5, 2.0))
            run.send_signal(signal.SIGKILL)
        for run in runs:
            run.wait(30)
    paid_before_rerun = _statuses(app)["paid"]
    # (how far the killed runs got, for a failure's message: with these timings, typically about
    # half paid and a dozen attempts left pending by a kill, their claims still held)
    pending = _count(app, p.payment_attempts, p.payment_attempts.c.outcome == "pending")
    paid_before_rerun = (paid_before_rerun, pending)
    # and then, once the dead runs' claims have lapsed, two run to the end
    time.sleep(2.5)
    runs = [_collect(env) for _ in range(2)]
    for run in runs:
        assert run.wait(120) == 0, run.stderr.read().decode()[-2000:]

    # then: every good card's invoice is paid, by one attempt and one payment of 110 JPY
    assert _statuses(app) == {"paid": 40, "open": 4}, paid_before_rerun
    a, pm = p.payment_attempts, p.payments
    with app.db.read() as conn:
        attempts = Counter(conn.execute(select(a.c.invoice_id, a.c.outcome)).all())
        payments = conn.execute(select(pm.c.invoice_id, pm.c.amount)).all()
    assert sorted(payments) == sorted((i, 110) for i, outcome in attempts if outcome == "succeeded")
    assert len(payments) == 40 and set(attempts.values()) == {1}
    # and the gateway charged each of them once, whatever was killed when (no key charged twice)
    decided = [json.loads(line) for line in journal.read_text().splitlines()]
    charged = Counter(d["metadata"]["invoice_id"] for d in decided if d["outcome"] == "succeeded")
    assert sorted(charged) == sorted(i for i, o in attempts if o == "succeeded") and set(charged.values()) == {1}
    # and each declining card's first try is counted once, its card charged once in it (R19)
    c = p.collections
    with app.db.read() as conn:
        failed = conn.execute(select(c.c.tries_made, c.c.state).where(c.c.invoice_id.in_(invoices))).all()
    assert Counter(failed) == {(0, "paid"): 40, (1, "collecting"): 4}
    assert sum(1 for i, o in attempts if o == "declined") == 4
