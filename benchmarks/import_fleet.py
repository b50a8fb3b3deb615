"""Benchmark: importing an existing fleet on PostgreSQL (issue 9 item 8: 100,000 devices in under 30 s).

Writes a CSV file of N accounts x M devices (the README's format: one row per device, its
account's columns repeated), then `--repeat` times, each in a fresh scratch database
(`fleetbill_import_bench`, dropped at the end):

* times the import as `fleetbill import` does it: read the file, check every row, write the
  accounts, devices, opening history and events in one transaction;
* times importing the same file again (idempotent: every row found, nothing written);
* times the baseline in the same database: one COPY of the same file's rows into a scratch table
  of text columns, the least any import of this file into PostgreSQL must do.

Prints the medians, devices/s, the ratio import/baseline, the machine and the load average.

    .venv/bin/python benchmarks/import_fleet.py                  # 10,000 accounts x 10 devices
    .venv/bin/python benchmarks/import_fleet.py --accounts 1000  # a quick run
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import psycopg
from host import cpu_and_ram  # benchmarks/host.py, beside this script

from fleetbill.adapters.db.engine import Database
from fleetbill.bootstrap import ensure_reference_data, migrate
from fleetbill.domain.catalog import Plan
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.fleet_import import COLUMNS, read_rows
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.rating import Tier
from fleetbill.services import catalog
from fleetbill.services.import_fleet import import_fleet
from fleetbill.settings import Settings

BENCH_DB = "fleetbill_import_bench"
NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
TYPES = ("esp32", "lte-tracker")


def write_fleet(path: str, accounts: int, per_account: int) -> None:
    """The file: account i on plan starter, device j Active since before January (every 7th Inactive)."""
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for i in range(accounts):
            head = [f"crm-{i:06d}", f"Customer {i}", "JP", "", "Asia/Tokyo", "starter"]
            head += [f"billing{i}@example.jp", "taxable", "2026-01"]
            for j in range(per_account):
                since = (NOW - timedelta(days=30 + (i + j) % 300, seconds=j)).isoformat()
                status = "inactive" if (i + j) % 7 == 0 else "active"
                out.writerow([*head, TYPES[j % 2], f"dev-{j}", f"dk_{i:06d}_{j:03d}_existingkey", status, since])


def fresh_database(admin: str) -> str:
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{BENCH_DB}"')
    url = admin.rsplit("/", 1)[0] + "/" + BENCH_DB
    db = Database(url)
    migrate(db)
    ensure_reference_data(db, Settings(database_url=url), NOW)
    with db.transaction() as conn:
        for ty in TYPES:
            catalog.create_device_type(conn, NOW, ty, ty)
        plan = Plan("starter", "Starter", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ("api",))
        catalog.create_plan(conn, NOW, plan, 0, {ty: [Tier(3, 0), Tier(None, 300)] for ty in TYPES})
    db.dispose()
    return url


def timed_import(url: str, path: str) -> tuple[float, object]:
    db = Database(url)
    try:
        started = time.perf_counter()
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        with db.transaction() as conn:
            report = import_fleet(conn, NOW, read_rows(text, "csv"), "bench")
        return time.perf_counter() - started, report
    finally:
        db.dispose()


def timed_baseline(url: str, path: str) -> float:
    """One COPY of the file into a scratch table of text columns, in one transaction."""
    with psycopg.connect(url) as pg:
        columns = ", ".join(f'"{c}" text' for c in COLUMNS)
        pg.execute(f"CREATE TABLE import_baseline ({columns})")
        pg.commit()
        started = time.perf_counter()
        with open(path, "rb") as f, pg.cursor() as cur:
            with cur.copy("COPY import_baseline FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        pg.commit()
        took = time.perf_counter() - started
        pg.execute("DROP TABLE import_baseline")
        pg.commit()
    return took


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--devices-per-account", type=int, default=10)
    ap.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    admin = args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    devices = args.accounts * args.devices_per_account
    imports, again, baselines = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fleet.csv")
        write_fleet(path, args.accounts, args.devices_per_account)
        size = os.path.getsize(path) / 2**20
        try:
            for run in range(args.repeat):
                url = fresh_database(admin)
                took, report = timed_import(url, path)
                imports.append(took)
                assert report.devices_created == devices, report
                took, report = timed_import(url, path)
                again.append(took)
                assert report.devices_created == 0 and report.devices_unchanged == devices, report
                baselines.append(timed_baseline(url, path))
                print(f"run {run + 1}: import {imports[-1]:.2f} s, again {again[-1]:.2f} s, COPY {baselines[-1]:.2f} s")
        finally:
            with psycopg.connect(admin, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    _report(args, devices, size, imports, again, baselines, admin)
    return 0


def _report(args, devices, size, imports, again, baselines, admin) -> None:
    cpu, ram = cpu_and_ram()
    with psycopg.connect(admin) as pg:
        version = pg.execute("SHOW server_version").fetchone()[0]
    imp, rerun, base = (statistics.median(x) for x in (imports, again, baselines))
    print(f"{args.accounts:,} accounts x {args.devices_per_account} devices = {devices:,} devices ({size:.1f} MiB CSV)")
    print(f"import (median of {args.repeat}, fresh database each): {imp:.2f} s, {devices / imp:,.0f} devices/s")
    print(f"the same file again (nothing to write): {rerun:.2f} s")
    print(f"baseline, COPY of the same rows into a text table: {base:.2f} s; import / baseline = {imp / base:.1f}")
    print(f"machine: {os.cpu_count()} cores, {cpu}, {ram:.1f} GiB RAM, PostgreSQL {version}, ", end="")
    print(f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
