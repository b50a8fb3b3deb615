"""Benchmark: a price change's impact (R9, issue 12 item 3) on PostgreSQL, against a plain sum.

Builds N accounts on one plan, each with up to four closed months of monthly invoices and their
usage lines (priced by the plan's tiers with `rating.rate_graduated`, as the close prices them),
in a scratch PostgreSQL database (`fleetbill_bench_impact`, dropped at the end), by COPY. Then, in
the same run, `--repeat` times each, alternating:

* `price_impact` (services/price_impact.py): every figure the console and the API show, for a
  proposed version re-rating each account's last three closed months, in one read transaction;
* the baseline: `SELECT sum(amount) FROM invoice_lines`, a plain pass over every line;
* the window's sum: the same join of accounts, invoices and lines over the last three closed
  months as the impact, summing the billed amounts (what the impact reads, without re-rating).

It checks the impact's "before" against the window's sum and its "after" against the same lines
re-rated in Python with `rate_graduated`, then prints the medians and the ratios.

    .venv/bin/python benchmarks/price_impact.py                    # 100,000 accounts
    .venv/bin/python benchmarks/price_impact.py --accounts 1000    # a quick run
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from host import cpu_and_ram  # benchmarks/host.py, beside this script

from fleetbill.adapters.db.engine import Database
from fleetbill.bootstrap import ensure_reference_data, migrate
from fleetbill.domain.catalog import Plan
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier, rate_graduated
from fleetbill.services import catalog
from fleetbill.services.price_impact import price_impact
from fleetbill.settings import Settings

BENCH_DB = "fleetbill_bench_impact"
TZ = "Asia/Tokyo"
MONTHS = [BillingMonth.of(2026, m) for m in (1, 2, 3, 4)]  # closed; the window is Feb-Apr
NOW = datetime(2026, 5, 2, tzinfo=UTC)
PROPOSED_MONTH = BillingMonth.of(2026, 7)
DEVICE_TYPES = {"esp32": ("ESP32 sensor", 0.9), "lte-tracker": ("LTE tracker", 0.5), "gateway": ("Gateway", 0.15)}
PLAN = Plan("starter", "Starter", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ("api",))
CURRENT = {
    "esp32": [Tier(3, 0), Tier(50, 300), Tier(None, 200)],
    "lte-tracker": [Tier(1, 0), Tier(None, 500)],
    "gateway": [Tier(None, 1_000)],
}
PROPOSED = {
    "esp32": [Tier(5, 0), Tier(20, 320), Tier(100, 260), Tier(None, 180)],
    "lte-tracker": [Tier(None, 450)],
    "gateway": [Tier(2, 900), Tier(None, 1_100)],
}
COPY_CHUNK = 1 << 20


def _copy(cur, table: str, columns: tuple[str, ...], lines) -> int:
    n, buf = 0, io.StringIO()
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for line in lines:
            buf.write(line)
            n += 1
            if buf.tell() >= COPY_CHUNK:
                copy.write(buf.getvalue())
                buf = io.StringIO()
        copy.write(buf.getvalue())
    return n


def build(url: str, accounts: int, seed: int = 11) -> dict:
    """The catalog through the services; accounts, invoices and lines by COPY. Returns the counts
    and the window's amounts billed and re-rated in Python (the check)."""
    settings = Settings(database_url=url)
    db = Database(url)
    migrate(db)
    ensure_reference_data(db, settings, NOW - timedelta(days=200))
    with db.transaction() as conn:
        for dt, (name, _) in DEVICE_TYPES.items():
            catalog.create_device_type(conn, NOW, dt, name)
        catalog.create_plan(conn, NOW - timedelta(days=200), PLAN, 0, CURRENT)
    db.dispose()
    rng = random.Random(seed)
    with psycopg.connect(url) as pg:
        issuer = pg.execute("SELECT id, name, registration_number FROM issuers").fetchone()
    account_lines, invoice_lines, line_lines = [], [], []
    before = after = sequence = 0
    window = {m.index for m in MONTHS[-3:]}
    for a in range(accounts):
        account_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        # 90% have all four months; the rest opened later and have one to three
        months = MONTHS if rng.random() < 0.9 else MONTHS[-rng.randint(1, 3) :]
        opened = months[0].start(TZ)
        account_lines.append(
            f"{account_id}\tCustomer {a}\tJP\tJP-13\t{TZ}\tJPY\tstarter\ttaxable\tbilling{a}@example.com\t"
            f"{months[0].index}\t{MONTHS[-1].index}\t{opened.isoformat()}\t{opened.isoformat()}\n"
        )
        size = max(1, int(rng.lognormvariate(2.0, 1.0)))  # mostly a handful, a few hundreds
        types = [dt for dt, (_, share) in DEVICE_TYPES.items() if rng.random() < share] or ["esp32"]
        for month in months:
            sequence += 1
            invoice_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            position, subtotal = 0, 0
            for dt in types:
                quantity = max(1, size + rng.randint(-2, 2))
                amount = rate_graduated(CURRENT[dt], quantity)[0]
                position += 1
                subtotal += amount
                line_lines.append(
                    f"{invoice_id}\t{position}\tusage\t{dt} devices\t{dt}\t{quantity}\t{amount}\t100000\t[]\n"
                )
                if month.index in window:
                    before += amount
                    after += rate_graduated(PROPOSED[dt], quantity)[0]
            tax = subtotal // 10
            start, end = month.start(TZ).isoformat(), month.end(TZ).isoformat()
            invoice_lines.append(
                f"{invoice_id}\tB-{sequence}\t{issuer[0]}\t{sequence}\t{account_id}\tmonthly\t{month.index}\tJPY\t"
                f"{subtotal}\t{tax}\t{subtotal + tax}\t0\t{subtotal + tax}\topen\tCustomer {a}\t{issuer[1]}\t"
                f"{issuer[2]}\t{start}\t{end}\t{end}\n"
            )
    with psycopg.connect(url, autocommit=False) as pg, pg.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # consistent by construction
        _copy(
            cur,
            "accounts",
            (
                "id",
                "name",
                "country",
                "subdivision",
                "timezone",
                "currency",
                "plan_id",
                "tax_status",
                "billing_email",
                "first_month",
                "closed_through",
                "contract_started_at",
                "created_at",
            ),
            account_lines,
        )
        invoice_columns = (
            "id",
            "number",
            "issuer_id",
            "sequence",
            "account_id",
            "kind",
            "billing_month",
            "currency",
            "subtotal",
            "tax_total",
            "total",
            "points_applied",
            "amount_due",
            "status",
            "recipient_name",
            "issuer_name",
            "issuer_registration_number",
            "period_start",
            "period_end",
            "issued_at",
        )
        _copy(cur, "invoices", invoice_columns, invoice_lines)
        line_columns = (
            "invoice_id",
            "position",
            "kind",
            "description",
            "device_type_id",
            "quantity",
            "amount",
            "tax_rate_ppm",
            "tiers",
        )
        _copy(cur, "invoice_lines", line_columns, line_lines)
        cur.execute("UPDATE issuers SET last_sequence = %s", (sequence,))
        pg.commit()
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("VACUUM (ANALYZE)")
    return dict(
        accounts=len(account_lines), invoices=len(invoice_lines), lines=len(line_lines), before=before, after=after
    )


WINDOW_SUM = (
    "SELECT sum(l.amount) FROM accounts a JOIN invoices i ON i.account_id = a.id "
    "AND i.billing_month > a.closed_through - 3 AND i.billing_month <= a.closed_through "
    "JOIN invoice_lines l ON l.invoice_id = i.id AND l.kind = 'usage' WHERE a.plan_id = 'starter'"
)


def timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = ap.parse_args(argv)
    admin = args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    url = admin.rsplit("/", 1)[0] + "/" + BENCH_DB
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        cpu, ram = cpu_and_ram()
        with psycopg.connect(url) as pg:
            version = pg.execute("SHOW server_version").fetchone()[0]
        print(f"machine: nproc {os.cpu_count()}, {cpu}, {ram:.1f} GiB RAM, PostgreSQL {version}")
        t0 = time.perf_counter()
        data = build(url, args.accounts)
        print(
            f"built {data['accounts']:,} accounts, {data['invoices']:,} invoices, {data['lines']:,} lines "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        db = Database(url)

        def impact():
            with db.read() as conn:
                return price_impact(conn, NOW, "starter", PROPOSED_MONTH, 0, PROPOSED)

        pg = psycopg.connect(url, autocommit=True)  # one connection, as the impact's pool keeps one

        def plain_sum():
            return pg.execute("SELECT sum(amount) FROM invoice_lines").fetchone()[0]

        def window_sum():
            return pg.execute(WINDOW_SUM).fetchone()[0]

        runs = {"impact": [], "plain sum": [], "window sum": []}
        fns = {"impact": impact, "plain sum": plain_sum, "window sum": window_sum}
        load_before = os.getloadavg()
        for run in range(args.repeat):
            order = list(fns) if run % 2 == 0 else list(reversed(fns))
            for name in order:
                elapsed, value = timed(fns[name])
                runs[name].append(elapsed)
                if name == "impact":
                    result = value
                elif name == "window sum":
                    windowed = int(value)
                print(f"run {run + 1} {name + ':':<12} {elapsed:.2f} s", flush=True)
        load_after = os.getloadavg()
        db.dispose()
        pg.close()
        if (result.before, result.after) != (data["before"], data["after"]) or result.before != windowed:
            raise SystemExit(
                f"the impact's figures differ: before {result.before} (window {windowed}, built {data['before']}), "
                f"after {result.after} (re-rated in Python {data['after']})"
            )
        med = {k: statistics.median(v) for k, v in runs.items()}
        print()
        print(f"accounts compared    {result.accounts_compared:>12,}  (of {result.accounts_on_plan:,} on the plan)")
        print(f"invoice lines        {data['lines']:>12,}")
        print(f"before / after       {result.before:>12,} / {result.after:,} JPY before tax (checked)")
        print(f"more / less / same   {result.more:>12,} / {result.less:,} / {result.same:,}")
        print(f"impact               {med['impact']:>12.2f} s   median of {args.repeat}")
        for name in ("plain sum", "window sum"):
            print(f"{name:<21}{med[name]:>12.2f} s   median; the impact {med['impact'] / med[name]:.1f}x it")
        print(f"target < 10 s        {'met' if med['impact'] < 10 else 'NOT met'}")
        print(f"load average         {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    finally:
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
