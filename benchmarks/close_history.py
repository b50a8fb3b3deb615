"""Benchmark (issue 11): the close of a month after 12 months of history, against the same close
with one month of history and against the one-statement floor, in the same run.

Builds one fleet (benchmarks/close.py's accounts, plans, device types and COPY loading) twice,
in two scratch PostgreSQL databases:

* `fleetbill_bench_hist12` (`--history-months`): the accounts' first billed month is 12 months
  before the timed one (March 2026); 80% of the devices are registered before it and 20% spread
  over the 13 months; every month, 20% of the devices registered by then switch 1 to 8 times
  (the timed month's switches are the same in both databases: one random stream per month).
  Months 1..12 are closed first, one `close_due_months` run each (timed: each stores the next
  month's opening levels), so the timed month starts from stored levels;
* `fleetbill_bench_hist1`: the same accounts, devices and registrations, the timed month as their
  first billed month, and no switches before it: one month of history.

Then, alternating between the two databases, `--repeat` times each (medians):

* the close of the timed month (`close_due_months`, everything it does), the month's invoices,
  lines, taxes, point uses, collections, events and closing levels deleted in between (untimed);
* the floor: one SQL statement computing every account's peaks (`usage.peak_query`, the close's
  own query and session settings), checked equal to the invoices' quantities;

and once: `EXPLAIN (ANALYZE, BUFFERS)` of the peak query in each database; a second
`close_due_months` after the close, finding nothing to do; and a second worker's close that
listed the month as pending before the first committed and took the lock after it (issue 11's
403 s), with the plans of the queries that find what is due.

    .venv/bin/python benchmarks/close_history.py                  # 100,000 accounts, 1,000,000 devices
    .venv/bin/python benchmarks/close_history.py --accounts 2000  # a quick run
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import psycopg
from close import (  # benchmarks/close.py, beside this script: the same catalog, plans and loading
    DEVICE_TYPES,
    GRANT_SHARE,
    MONTH,
    PLANS,
    TIMEZONES,
    TOGGLED_SHARE,
    _device_counts,
    _ts,
    _uuid,
    build_marks,
    create_catalog,
    load,
    machine,
    run_baseline,
)
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.engine import Database
from fleetbill.adapters.db.usage import peak_query
from fleetbill.clock import TestClock
from fleetbill.services import close_month as close_module
from fleetbill.services.close_month import POSTGRES_SETTINGS, close_due_months, pending_months
from fleetbill.settings import Settings

LATER_SHARE = 0.20  # devices registered during the history's months (the rest before its first)


def _end(month) -> datetime:
    """Just after `month` ended in every time zone: the clock of its close."""
    return max(month.end(tz) for tz in TIMEZONES) + timedelta(minutes=5)


# --- the data --------------------------------------------------------------------------------


def _secs(at: datetime) -> int:
    return int(at.timestamp())


def _fleet(accounts: int, per_account: int, history: int, seed: int):
    """The accounts, devices and registrations, and each month's switching instants (the same
    random stream for a month whatever the history's length)."""
    rng = random.Random(seed)
    first = MONTH.next(-history)  # the first month of the long history
    months = [first.next(i) for i in range(history + 1)]  # ..., the timed month last
    types = list(DEVICE_TYPES)
    weights = [v[1] for v in DEVICE_TYPES.values()]
    plan_ids = [plan.id for plan, _, _, _ in PLANS]
    plan_weights = [share for _, _, _, share in PLANS]
    accts, devices = [], []  # (id, n, tz, plan, opened, grant); (id, account index, type, registered s)
    for a, n_devices in enumerate(_device_counts(rng, accounts, per_account)):
        tz = TIMEZONES[1] if a % 10 < 3 else TIMEZONES[0]
        p_start, m_start = first.next(-1).start(tz), first.start(tz)
        opened = p_start + timedelta(seconds=rng.randrange(int((m_start - p_start).total_seconds()) // 2))
        grant = None
        if rng.random() < GRANT_SHARE:  # granted in the timed month: open at its close in both databases
            t_start, t_end = MONTH.start(tz), MONTH.end(tz)
            r = rng.random()
            expires = None if r < 0.6 else t_end + timedelta(days=90) if r < 0.9 else t_start + timedelta(days=10)
            grant = (_uuid(rng), rng.randrange(500, 5_001, 100), t_start + timedelta(hours=1), expires)
        accts.append((_uuid(rng), a, tz, rng.choices(plan_ids, plan_weights)[0], opened, grant))
        span = (_secs(m_start), _secs(MONTH.end(tz)))
        for device_type in rng.choices(types, weights, k=n_devices):
            if rng.random() < LATER_SHARE:
                registered = rng.randrange(*span)
            else:
                registered = rng.randrange(_secs(opened), span[0])
            devices.append((_uuid(rng), a, device_type, registered))
    by_account: list[list[int]] = [[] for _ in accts]
    for d, (_, a, _, _) in enumerate(devices):
        by_account[a].append(d)
    switches = {}  # month index -> [(device, [instants in s])]
    for month in months:
        mrng = random.Random(seed * 10_000 + month.index)
        bounds = {tz: (_secs(month.start(tz)), _secs(month.end(tz))) for tz in TIMEZONES}
        out = []
        for a, (_, _, tz, _, _, _) in enumerate(accts):
            m_start, m_end = bounds[tz]
            bulk = [m_start + mrng.randrange(1, m_end - m_start) for _ in range(4)]
            for d in by_account[a]:
                if mrng.random() >= TOGGLED_SHARE:
                    continue
                begin = max(devices[d][3], m_start)
                left = m_end - begin
                if left <= 2:
                    continue
                k = mrng.randint(1, 4) * 2 - mrng.randint(0, 1)  # 1..8 switches, ending either way
                moments = {b for b in bulk if b > begin} | {begin + mrng.randrange(1, left) for _ in range(k)}
                moments = sorted(moments)
                out.append((d, sorted(mrng.sample(moments, min(k, len(moments))))))
        switches[month.index] = out
    return accts, devices, switches, months


def _rows(accts, devices, switches, months, first_month: int):
    """The COPY lines of one database: its accounts (first billed month `first_month`), the
    grants, the devices with their last status, and the status changes from the registrations
    and the switches of the months from `first_month` on, in time order."""
    active = [True] * len(devices)
    history = [(reg, d, True) for d, (_, _, _, reg) in enumerate(devices)]
    for month in months:
        if month.index < first_month:
            continue
        for d, instants in switches[month.index]:
            for at in instants:
                active[d] = not active[d]
                history.append((at, d, active[d]))
    history.sort(key=lambda r: r[0])
    account_lines, grant_lines, entry_lines = [], [], []
    for account_id, a, tz, plan_id, opened, grant in accts:
        country, subdivision, tax = ("US", "US-NY", "exempt") if tz == TIMEZONES[1] else ("JP", "JP-13", "taxable")
        account_lines.append(
            f"{account_id}\tCustomer {a}\t{country}\t{subdivision}\t{tz}\tJPY\t{plan_id}\t{tax}\t"
            f"billing{a}@example.com\t{first_month}\t{_ts(opened)}\t{_ts(opened)}\n"
        )
        if grant:
            grant_id, amount, granted, expires = grant
            until = _ts(expires) if expires else "\\N"
            grant_lines.append(
                f"{grant_id}\t{account_id}\t{amount}\tbenchmark credit\t{_ts(granted)}\t{until}\tbench\n"
            )
            entry_lines.append(f"{account_id}\t{grant_id}\tgrant\t{amount}\t\\N\t{_ts(granted)}\n")
    ids = [a[0] for a in accts]
    device_lines = [
        f"{device_id}\t{ids[a]}\t{dt}\tdevice {d}\t{d:064x}\t{d % 10_000:04d}\t{'t' if active[d] else 'f'}\t"
        f"{_ts(datetime.fromtimestamp(reg, UTC))}\n"
        for d, (device_id, a, dt, reg) in enumerate(devices)
    ]

    def status_lines():
        stamp, text = None, ""
        for at, d, on in history:
            if at != stamp:
                stamp, text = at, _ts(datetime.fromtimestamp(at, UTC))
            device_id, a, dt, _ = devices[d]
            yield f"{device_id}\t{ids[a]}\t{dt}\t{'t' if on else 'f'}\t{1 if on else -1}\t{text}\tbench\n"

    return account_lines, grant_lines, entry_lines, device_lines, status_lines(), len(history)


def build(urls: dict[int, str], accounts: int, per_account: int, history: int, seed: int = 7) -> dict:
    """Both databases from one fleet, {months of history: url}: the long history's accounts are
    billed from `history` months before the timed one, the short one's from the timed month."""
    catalog_at = MONTH.next(-history - 1).start(TIMEZONES[0]) - timedelta(days=30)
    t0 = time.perf_counter()
    fleet = _fleet(accounts, per_account, history, seed)
    made = {"generated_s": time.perf_counter() - t0}
    for months, url in urls.items():
        t0 = time.perf_counter()
        create_catalog(url, catalog_at)
        accts, grants, entries, devices, status, n = _rows(
            *fleet, MONTH.next(-history if months == history else 0).index
        )
        load(url, accts, grants, entries, devices, status)
        first = MONTH.next(-history if months == history else 0)
        build_marks(url, [first.next(i) for i in range(MONTH.index - first.index + 1)])
        made[months] = dict(
            accounts=len(accts),
            devices=len(devices),
            status_rows=n,
            grants=len(grants),
            load_s=time.perf_counter() - t0,
        )
    return made


def _build_in_child(urls, accounts, per_account, history, out) -> None:
    out.send(build(urls, accounts, per_account, history))


def counts(url: str) -> dict:
    with psycopg.connect(url) as pg:
        q = lambda sql: pg.execute(sql).fetchone()[0]  # noqa: E731
        return dict(
            accounts=q("SELECT count(*) FROM accounts"),
            devices=q("SELECT count(*) FROM devices"),
            status_rows=q("SELECT count(*) FROM status_changes"),
            grants=q("SELECT count(*) FROM point_grants"),
        )


# --- the closes ------------------------------------------------------------------------------


def close_history(db: Database, url: str, settings: Settings, history: int, accounts: int) -> list[float]:
    """Close months 1..history, one run each (each stores the next month's opening levels)."""
    took = []
    for i in range(history, 0, -1):
        month = MONTH.next(-i)
        t0 = time.perf_counter()
        report = close_due_months(db, TestClock(_end(month)), settings)
        took.append(time.perf_counter() - t0)
        if report.months != [str(month)] or report.invoices != accounts:
            raise SystemExit(f"closing {month}: {report.months}, {report.invoices} invoices")
        # What autovacuum does after a close, here at once: the next month's close plans on the
        # invoices' statistics (issue 11's 403 s was a plan made on stale ones; measured apart).
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("VACUUM (ANALYZE) invoices, invoice_lines, invoice_taxes, collections, point_entries, events")
        print(f"  closed {month}: {took[-1]:.2f} s, {report.invoices:,} invoices", flush=True)
    return took


def forget_events(url: str) -> int:
    """The history months' events, as if published and purged: the timed close's event
    recording then meets the same empty table in both databases (the status history is what is
    measured); their invoices, lines, collections and point uses stay."""
    with psycopg.connect(url, autocommit=True) as pg:
        n = pg.execute("DELETE FROM events").rowcount
        pg.execute("DELETE FROM webhook_deliveries")
        pg.execute("DELETE FROM notifications")
        pg.execute("VACUUM (ANALYZE) events, webhook_deliveries, notifications")
    return n


def store_openings(url: str) -> int:
    """The short history's opening levels at the timed month's start, stored as the close of a
    month before would have (summed from the registrations): its close then reads the stored
    levels and the month's range, as the long history's does, instead of summing the history."""
    starts = [(tz, MONTH.start(tz)) for tz in TIMEZONES]
    with psycopg.connect(url, autocommit=True) as pg:
        n = pg.execute(
            "INSERT INTO opening_levels (at, account_id, device_type_id, level) "
            "SELECT b.start, s.account_id, s.device_type_id, sum(s.delta) FROM status_changes s "
            "JOIN accounts a ON a.id = s.account_id "
            "JOIN (SELECT * FROM unnest(%s::text[], %s::timestamptz[]) AS b(tz, start)) b ON b.tz = a.timezone "
            "WHERE s.effective_at < b.start GROUP BY 1, 2, 3 ON CONFLICT DO NOTHING",
            ([tz for tz, _ in starts], [at for _, at in starts]),
        ).rowcount
        pg.execute("VACUUM (ANALYZE) opening_levels")
    return n


def reset_month(url: str) -> None:
    """Undo the timed month's close (only it): its invoices and everything they made, the closing
    levels it stored, the invoice numbers it took; then VACUUM (ANALYZE) as autovacuum would."""
    ends = [MONTH.end(tz) for tz in TIMEZONES]
    with psycopg.connect(url, autocommit=True) as pg:
        with pg.transaction():
            pg.execute("SET LOCAL session_replication_role = replica")  # no per-row foreign key checks
            pg.execute(
                "CREATE TEMP TABLE undone ON COMMIT DROP AS SELECT id FROM invoices WHERE billing_month = %s",
                (MONTH.index,),
            )
            for table, column in (
                ("collections", "invoice_id"),
                ("point_entries", "invoice_id"),
                ("invoice_lines", "invoice_id"),
                ("invoice_taxes", "invoice_id"),
                ("invoices", "id"),
            ):
                pg.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM undone)")
            pg.execute("DELETE FROM webhook_deliveries")
            pg.execute("DELETE FROM events")
            pg.execute("DELETE FROM notifications")
            pg.execute("DELETE FROM opening_levels WHERE at = ANY(%s)", (ends,))
            pg.execute(  # the month is due again (b395a6c: what is due is read from the accounts)
                "UPDATE accounts SET closed_through = CASE WHEN first_month = %(m)s THEN NULL ELSE %(m)s - 1 END "
                "WHERE closed_through >= %(m)s",
                {"m": MONTH.index},
            )
            pg.execute(
                "UPDATE issuers SET last_sequence = "
                "(SELECT coalesce(max(sequence), 0) FROM invoices WHERE issuer_id = issuers.id)"
            )
        pg.execute(
            "VACUUM (ANALYZE) accounts, point_entries, invoice_lines, invoice_taxes, invoices, issuers, "
            "collections, events, webhook_deliveries, notifications, opening_levels"
        )


def timed_close(db: Database, url: str, settings: Settings, accounts: int) -> float:
    reset_month(url)
    t0 = time.perf_counter()
    report = close_due_months(db, TestClock(_end(MONTH)), settings)
    elapsed = time.perf_counter() - t0
    if report.months != [str(MONTH)] or report.invoices != accounts or report.skipped:
        raise SystemExit(f"the close did not invoice every account once: {report.months} {report.invoices}")
    return elapsed


def invoiced_quantities(url: str) -> dict:
    with psycopg.connect(url) as pg:
        rows = pg.execute(
            "SELECT i.account_id, l.device_type_id, l.quantity FROM invoice_lines l "
            "JOIN invoices i ON i.id = l.invoice_id WHERE l.kind = 'usage' AND i.billing_month = %s",
            (MONTH.index,),
        ).fetchall()
    return {(a, dt): n for a, dt, n in rows}


# --- the plans -------------------------------------------------------------------------------


def explain(db: Database, query, analyze: bool = True) -> tuple[float, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of a SQLAlchemy query with the close's session settings."""
    with db.transaction() as conn:
        for statement in POSTGRES_SETTINGS:
            conn.exec_driver_sql(statement)
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        options = "ANALYZE, BUFFERS" if analyze else "COSTS"
        t0 = time.perf_counter()
        plan = conn.exec_driver_sql(f"EXPLAIN ({options}) {compiled}", compiled.construct_params()).all()
        elapsed = time.perf_counter() - t0
    return elapsed, "\n".join(r[0] for r in plan)


def check_peak_plan(plan: str) -> list[str]:
    """What the plan of the peak query reads besides the month's range and its opening levels."""
    lines = [line.strip() for line in plan.splitlines()]
    found = []
    for i, text in enumerate(lines):
        if ("status_changes" in text or "opening_levels" in text) and "Scan" in text:
            found.append(text)
            # the scan's condition and what it read, on the lines under it
            found += [x for x in lines[i + 1 : i + 8] if x.startswith(("Index Cond", "Filter", "Rows Removed", "Heap"))]
    return found


def due_count_query(month, bounds):
    """The close's first read: how many accounts are due (`_due` of services/close_month.py)."""
    a = t.accounts
    return select(func.count()).select_from(a).where(close_module._due(month, bounds, close_module.SERVER))


def pending_query():
    """pending_months' query, as it reads (services/close_month.py): for the plan only."""
    captured = []

    class _Conn:
        def execute(self, q):
            captured.append(q)
            return []

    pending_months(_Conn(), _end(MONTH))
    return captured[0]


def second_worker(db_url: str, settings: Settings, timeout_s: int) -> tuple[float, float, object]:
    """Issue 11's second worker, right after the close committed (the invoices' statistics as
    the close left them: it wrote 100,000 invoices, fewer than autovacuum's analyze threshold
    here): a run that finds nothing pending, then a run that had listed the month as pending
    before the first close committed and took the lock after it."""
    os.environ["PGOPTIONS"] = f"-c statement_timeout={timeout_s * 1000}"
    db = Database(db_url)
    try:
        t0 = time.perf_counter()
        report = close_due_months(db, TestClock(_end(MONTH)), settings)
        idle = time.perf_counter() - t0
        if report.invoices:
            raise SystemExit(f"a second close found {report.invoices} invoices to make")
        bounds = {tz: MONTH.bounds(tz) for tz in TIMEZONES}
        t0 = time.perf_counter()
        try:
            with mock.patch.object(close_module, "pending_months", return_value=[(MONTH, bounds)]):
                raced = close_due_months(db, TestClock(_end(MONTH)), settings)
        except Exception as e:  # the statement timeout
            raced = e
        racing = time.perf_counter() - t0
    finally:
        db.dispose()
        del os.environ["PGOPTIONS"]
    return idle, racing, raced


# --- main ------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--devices-per-account", type=int, default=10)
    ap.add_argument("--history-months", type=int, default=12, help="months closed before the timed one")
    ap.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--repeat", type=int, default=3, help="closes of the timed month in each database, and floors")
    ap.add_argument("--second-worker-timeout", type=int, default=900, help="seconds, the racing close's guard")
    ap.add_argument(
        "--store-short-openings",
        action="store_true",
        help="store the 1-month database's opening levels first, so its close reads them as the long one's does",
    )
    ap.add_argument("--keep", action="store_true", help="keep both scratch databases afterwards")
    ap.add_argument("--reuse", action="store_true", help="reuse the databases a --keep run left (months closed)")
    args = ap.parse_args(argv)
    if args.history_months < 2 or args.repeat < 1:
        ap.error("--history-months must be 2 or more, --repeat 1 or more")

    admin = args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    server = admin.rsplit("/", 1)[0]
    long, short = args.history_months, 1
    names = {long: f"fleetbill_bench_hist{long}", short: "fleetbill_bench_hist1"}
    urls = {k: f"{server}/{name}" for k, name in names.items()}
    if not args.reuse:
        with psycopg.connect(admin, autocommit=True) as pg:
            for name in names.values():
                pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                pg.execute(f'CREATE DATABASE "{name}"')
    try:
        info = machine(urls[long])
        print(
            f"machine: nproc {info['nproc']}, {info['cpu']}, {info['ram_gib']} GiB RAM, "
            f"PostgreSQL {info['postgresql']}, Python {info['python']}; load {os.getloadavg()}"
        )
        print("postgresql: " + ", ".join(f"{k}={v}" for k, v in sorted(info["pg_settings"].items())))
        t0 = time.perf_counter()
        if args.reuse:
            data = {k: counts(url) for k, url in urls.items()}
        else:
            ctx = multiprocessing.get_context("fork")
            receive, send = ctx.Pipe(duplex=False)
            child = ctx.Process(
                target=_build_in_child, args=(urls, args.accounts, args.devices_per_account, long, send)
            )
            child.start()
            data = receive.recv()
            child.join()
            if child.exitcode:
                raise SystemExit(f"building the data failed (exit {child.exitcode})")
            print(f"generated the fleet in {data.pop('generated_s'):.1f} s")
        for k in (long, short):
            d = data[k]
            print(
                f"{names[k]}: {d['accounts']:,} accounts, {d['devices']:,} devices, {d['status_rows']:,} status rows, "
                f"{d['grants']:,} grants" + (f", loaded in {d['load_s']:.1f} s" if "load_s" in d else "")
            )
        print(f"built in {time.perf_counter() - t0:.1f} s", flush=True)
        accounts = data[long]["accounts"]

        dbs = {k: Database(url) for k, url in urls.items()}
        settings = {k: Settings(database_url=url) for k, url in urls.items()}
        if not args.reuse:
            print(f"closing months 1..{long} of {names[long]} (one run each, VACUUM ANALYZE after each):")
            history_closes = close_history(dbs[long], urls[long], settings[long], long, accounts)
            print(
                f"  the {long} history closes: median {statistics.median(history_closes):.2f} s, "
                f"first {history_closes[0]:.2f} s, last {history_closes[-1]:.2f} s"
            )
            print(f"  {forget_events(urls[long]):,} events of the history months deleted (as if published, purged)")

        if args.store_short_openings:
            n = store_openings(urls[short])
            print(
                f"{names[short]}: {n:,} opening levels stored at {MONTH}'s start (as a close of the month before would)"
            )
        loads = [os.getloadavg()]
        closes = {long: [], short: []}
        for run in range(args.repeat):
            for k in (long, short) if run % 2 == 0 else (short, long):  # the machine's drift falls on both
                closes[k].append(timed_close(dbs[k], urls[k], settings[k], accounts))
                print(f"close {run + 1}, {k:>2} months of history: {closes[k][-1]:.2f} s", flush=True)
            loads.append(os.getloadavg())
        floors = {long: [], short: []}
        for run in range(args.repeat):
            for k in (long, short) if run % 2 == 0 else (short, long):
                elapsed, peaks = run_baseline(dbs[k])
                floors[k].append(elapsed)
                print(f"floor {run + 1}, {k:>2} months of history: {elapsed:.2f} s, {len(peaks):,} peaks", flush=True)
                if run == 0 and peaks != invoiced_quantities(urls[k]):
                    raise SystemExit(f"{names[k]}: the floor's peaks differ from the invoices' quantities")
        loads.append(os.getloadavg())

        bounds = {tz: MONTH.bounds(tz) for tz in TIMEZONES}
        plans = {}
        for k in (long, short):
            took, plan = explain(dbs[k], peak_query(bounds, explained=False))
            plans[k] = plan
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the peak query, {names[k]} ({took:.2f} s):\n{plan}")
            print("  scans of status_changes / opening_levels:")
            for line in check_peak_plan(plan):
                print(f"    {line}")

        # The second worker, right after a close of the long history's month (so on the
        # statistics that close left: the reset analyzed the tables before it).
        closes[long].append(timed_close(dbs[long], urls[long], settings[long], accounts))
        print(
            f"\nclose {len(closes[long])}, {long} months of history (extra, before the second worker): "
            f"{closes[long][-1]:.2f} s (not in the median)"
        )
        _, due_plan = explain(dbs[long], due_count_query(MONTH, bounds), analyze=False)
        _, pending_plan = explain(dbs[long], pending_query(), analyze=False)
        print(f"plan of the due accounts' count (_due), on the statistics the close left:\n{due_plan}")
        idle, racing, raced = second_worker(urls[long], settings[long], args.second_worker_timeout)
        print(f"second close_due_months, nothing pending: {idle:.3f} s")
        print(f"second worker's close that listed {MONTH} before the first committed: {racing:.2f} s ({raced!r})")
        took, pending_analyzed = explain(dbs[long], pending_query())
        print(f"EXPLAIN (ANALYZE, BUFFERS) of pending_months' query ({took:.2f} s):\n{pending_analyzed}")
        if racing < 120:
            took, due_analyzed = explain(dbs[long], due_count_query(MONTH, bounds))
            print(f"EXPLAIN (ANALYZE, BUFFERS) of the due accounts' count ({took:.2f} s):\n{due_analyzed}")
        for db in dbs.values():
            db.dispose()
        loads.append(os.getloadavg())

        med = {k: statistics.median(v[: args.repeat]) for k, v in closes.items()}
        floor = {k: statistics.median(v) for k, v in floors.items()}
        print()
        print(f"close, {long} months of history   {med[long]:>8.2f} s   median of {closes[long][: args.repeat]}")
        print(f"close,  1 month of history    {med[short]:>8.2f} s   median of {closes[short]}")
        print(f"  {long} months / 1 month         {med[long] / med[short]:>8.3f} x   issue 11: within 1.2x")
        pairs = [a / b for a, b in zip(closes[long], closes[short], strict=False)]
        print(
            f"  each run's ratio             {statistics.median(pairs):>8.3f} x   "
            f"({', '.join(f'{x:.3f}' for x in pairs)})"
        )
        print(f"floor, {long} months of history   {floor[long]:>8.2f} s   median of {floors[long]}")
        print(f"floor,  1 month of history    {floor[short]:>8.2f} s   median of {floors[short]}")
        for k in (long, short):
            print(f"  close / floor, {k:>2} months     {med[k] / floor[k]:>8.3f} x   issue 11: within 2x")
        print(
            f"load averages (1, 5, 15 min) before, during, after: {[tuple(round(x, 2) for x in avg) for avg in loads]}"
        )
    finally:
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as pg:
                for name in names.values():
                    pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
