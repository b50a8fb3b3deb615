"""Benchmark: card collection (issue 11 item 3) on PostgreSQL with a gateway that answers in 100 ms.

Builds N open card invoices whose first try is due (accounts, customers, cards, invoices and
collections, set-based with generate_series) in a template database, then, in the same run, each
on a fresh copy of it (CREATE DATABASE ... TEMPLATE), `--repeat` times:

* the old sequential path as the baseline: the due invoices listed, then try_invoice one at a
  time (what collect_due did before issue 11), on the first `--baseline` invoices only (at 100 ms
  a call, 100 invoices take about 15 s);
* for each `--concurrency` C: `collect_due` in one worker process at C charges in flight, then in
  two worker processes at once, each at C (C / latency is a worker's ceiling: Little's law).

Every run checks that each invoice was paid once, by one attempt and one payment of its amount
(no charge made twice), and prints the medians, invoices/s and the ratios: one worker against the
baseline, two workers against one.

    .venv/bin/python benchmarks/collect.py                  # 10,000 invoices, 100 ms, C = 128 and 32
    .venv/bin/python benchmarks/collect.py --invoices 2000 --repeat 1 --concurrency 64
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg
from host import cpu_and_ram  # benchmarks/host.py, beside this script

from fleetbill.adapters.db import schema_payments as p
from fleetbill.adapters.db.engine import Database
from fleetbill.adapters.gateway.sandbox import SandboxGateway
from fleetbill.bootstrap import ensure_reference_data, migrate
from fleetbill.clock import SystemClock
from fleetbill.domain.catalog import Plan
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.dunning import RetryPolicy
from fleetbill.domain.lifecycle import CollectionState
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.rating import Tier
from fleetbill.services import catalog
from fleetbill.services.collect_invoice import CollectReport, collect_due, try_invoice
from fleetbill.settings import Settings

TEMPLATE = "fleetbill_bench_collect"
RUN_DB = "fleetbill_bench_collect_run"
PLAN = Plan("starter", "Starter", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ("api",))
TOKEN = "pm_sb_{:012x}_visa_4242_12_2035_ok"  # a sandbox card that pays (any process reads it)


_BUILD = [
    """
    INSERT INTO accounts (id, name, country, subdivision, timezone, currency, plan_id, tax_status,
                          billing_email, first_month, contract_started_at, created_at)
    SELECT 'acct-' || i, 'Customer ' || i, 'JP', 'JP-13', 'Asia/Tokyo', 'JPY', 'starter', 'taxable',
           'billing' || i || '@example.com', 0, %(then)s, %(then)s
    FROM generate_series(1, %(n)s) i
    """,
    """
    INSERT INTO billing_settings (account_id, collection_method, gateway_customer, changed_by, changed_at)
    SELECT 'acct-' || i, 'card', 'cus_sb_' || i, 'bench', %(then)s FROM generate_series(1, %(n)s) i
    """,
    """
    INSERT INTO invoices (id, number, issuer_id, sequence, account_id, kind, billing_month, currency,
                          subtotal, tax_total, total, points_applied, amount_due, status,
                          recipient_name, issuer_name, issuer_registration_number,
                          period_start, period_end, issued_at)
    SELECT 'inv-' || i, 'FB-' || i, 'default', i, 'acct-' || i, 'monthly', 1, 'JPY',
           100 + i %% 900, (100 + i %% 900) / 10, 100 + i %% 900 + (100 + i %% 900) / 10, 0,
           100 + i %% 900 + (100 + i %% 900) / 10, 'open', 'Customer ' || i, 'fleetbill', 'T7123456789012',
           %(then)s, %(then)s + interval '30 days', %(then)s + interval '31 days'
    FROM generate_series(1, %(n)s) i
    """,
    """
    INSERT INTO collections (invoice_id, account_id, method, state, tries_made, next_try_at, reminders_sent)
    SELECT 'inv-' || i, 'acct-' || i, 'card', 'collecting', 0, %(then)s + interval '31 days', 0
    FROM generate_series(1, %(n)s) i
    """,
]


def _url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def _admin(base: str):
    return psycopg.connect(base, autocommit=True)


def build(base: str, invoices: int) -> None:
    """The template: N accounts, each with a customer, a good card and one open invoice due now."""
    with _admin(base) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{TEMPLATE}"')
    url = _url(base, TEMPLATE)
    db = Database(url)
    migrate(db)
    then = datetime.now(UTC) - timedelta(days=40)
    ensure_reference_data(db, Settings(database_url=url), then)
    with db.transaction() as conn:
        catalog.create_device_type(conn, then, "esp32", "ESP32 sensor")
        catalog.create_plan(conn, then, PLAN, 0, {"esp32": [Tier(None, 110)]})
    db.dispose()
    with psycopg.connect(url, autocommit=False) as pg:
        for statement in _BUILD:
            pg.execute(statement, dict(n=invoices, then=then))
        with pg.cursor() as cur:
            cur.executemany(
                "INSERT INTO cards (id, account_id, gateway, token, brand, last4, exp_month, exp_year, "
                "is_default, added_at) VALUES (%s, %s, 'sandbox', %s, 'visa', '4242', 12, 2035, true, %s)",
                [(f"card-{i}", f"acct-{i}", TOKEN.format(i), then) for i in range(1, invoices + 1)],
            )
        pg.commit()
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("VACUUM (ANALYZE)")


def fresh(base: str) -> str:
    """A copy of the template to collect."""
    with _admin(base) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{TEMPLATE}"')
    return _url(base, RUN_DB)


def check_paid_once(url: str, expected: int) -> None:
    """Each invoice collected is paid by one attempt and one payment of exactly its amount."""
    with psycopg.connect(url) as pg:
        paid, payments, attempts, wrong, doubled = pg.execute(
            """
            SELECT (SELECT count(*) FROM invoices WHERE status = 'paid'),
                   (SELECT count(*) FROM payments),
                   (SELECT count(*) FROM payment_attempts),
                   (SELECT count(*) FROM payments pm JOIN invoices i ON i.id = pm.invoice_id
                     WHERE pm.amount <> i.amount_due),
                   (SELECT count(*) FROM (SELECT invoice_id FROM payment_attempts GROUP BY invoice_id
                     HAVING count(*) > 1) d)
            """
        ).fetchone()
    if not paid == payments == attempts == expected or wrong or doubled:
        raise SystemExit(f"NOT paid once: {paid=} {payments=} {attempts=} {wrong=} {doubled=}, {expected=}")


def _settings(url: str, latency_ms: int, concurrency: int) -> Settings:
    return Settings(database_url=url, sandbox_latency_ms=latency_ms, collect_concurrency=concurrency)


def run_baseline(url: str, latency_ms: int, invoices: int) -> float:
    """What collect_due did before issue 11: list the due invoices, then try_invoice each in turn."""
    db, clock = Database(url), SystemClock()
    gateway = SandboxGateway(latency_ms=latency_ms)
    c = p.collections
    from sqlalchemy import select

    with db.read() as conn:
        due = conn.execute(
            select(c.c.invoice_id)
            .where(c.c.state == CollectionState.COLLECTING, c.c.next_try_at <= clock.now())
            .order_by(c.c.invoice_id)
            .limit(invoices)
        ).scalars()
        todo = list(due)
    report = CollectReport()
    started = time.perf_counter()
    for invoice_id in todo:
        try_invoice(db, gateway, clock, RetryPolicy(), invoice_id, report)
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed


def _worker(url: str, latency_ms: int, concurrency: int, start, out) -> None:
    settings = _settings(url, latency_ms, concurrency)
    db = Database(url)
    gateway = SandboxGateway(latency_ms=latency_ms)
    with db.read():
        pass  # connected before the start
    start.wait()
    began = time.time()
    report = collect_due(db, gateway, SystemClock(), RetryPolicy(), settings=settings)
    out.put((began, time.time(), len(report.paid)))
    db.dispose()


def run_workers(url: str, latency_ms: int, concurrency: int, workers: int) -> tuple[float, list[int]]:
    """Seconds from the first worker's start to the last one's end, and what each paid."""
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, latency_ms, concurrency, start, out)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    return max(r[1] for r in results) - min(r[0] for r in results), [r[2] for r in results]


def machine(url: str) -> str:
    cpu, ram = cpu_and_ram()
    with psycopg.connect(url) as pg:
        version = pg.execute("SHOW server_version").fetchone()[0]
    return f"{os.cpu_count()} cores ({cpu}), {ram:.1f} GiB, PostgreSQL {version}, Python {sys.version.split()[0]}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url", default=os.environ.get("FLEETBILL_BENCH_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--concurrency", default="128,32", help="charges in flight per worker, comma-separated")
    parser.add_argument("--baseline", type=int, default=100, help="invoices the sequential baseline collects")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(machine(args.url))
    started = time.perf_counter()
    build(args.url, args.invoices)
    print(f"built {args.invoices:,} due card invoices in {time.perf_counter() - started:.1f} s")
    n = args.invoices
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    rates: dict[tuple, list[float]] = {("baseline", 1): []}
    for r in range(args.repeat):
        url = fresh(args.url)
        seconds = run_baseline(url, args.latency_ms, args.baseline)
        check_paid_once(url, args.baseline)
        rates["baseline", 1].append(args.baseline / seconds)
        print(f"run {r + 1}: baseline (sequential try_invoice): {rates['baseline', 1][-1]:.1f} invoices/s")
        for c in concurrencies:
            for workers in (1, 2):
                url = fresh(args.url)
                seconds, paid = run_workers(url, args.latency_ms, c, workers)
                check_paid_once(url, n)
                rates.setdefault((c, workers), []).append(n / seconds)
                print(
                    f"run {r + 1}: {workers} worker(s) x {c} in flight: {n:,} in {seconds:.2f} s"
                    f" = {n / seconds:,.0f}/s, paid by each: {paid}"
                )
    med = {k: statistics.median(v) for k, v in rates.items()}
    base = med["baseline", 1]
    print(
        f"\nmedians of {args.repeat} runs, gateway {args.latency_ms} ms, {n:,} invoices, each paid once in every run:"
    )
    print(f"  baseline, sequential try_invoice ({args.baseline} invoices): {base:8.1f} invoices/s")
    for c in concurrencies:
        one, two = med[c, 1], med[c, 2]
        ceiling = c * 1000 / args.latency_ms
        print(
            f"  {c:4d} in flight: one worker {one:7.1f}/s ({one / base:5.1f}x the baseline; ceiling {ceiling:,.0f}/s), "
            f"two workers {two:7.1f}/s ({two / one:.2f}x one)"
        )
    with _admin(args.url) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)')
        pg.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
