"""Benchmark: the bill before the switch (issue 12 item 2) for an account with 10,000 devices.

Target: p99 under 100 ms for POST /v1/accounts/{id}/what-if. It builds the database of
benchmarks/pages.py (one account with `--devices` devices and three months of status history,
about 31,000 rows, 20% of the devices switched 1 to 8 times a month; `--other-accounts` small
accounts; the months before March 2026 closed; each month's high-water marks made), in a scratch
PostgreSQL database `fleetbill_bench_what_if` (dropped at the end unless `--keep`), then, with the
clock at noon on 31 March (Tokyo), times interleaved in the same run, `--repeat` times each:

* GET /healthz through the same client: what any request costs;
* `preview` alone (services/what_if.py in a read-only transaction): the use case's own work;
* POST /v1/accounts/{id}/what-if with 40 devices Inactive now (the issue's example);
* the same with 2,000 devices Inactive now, 1,000 Active from 20 April, and a plan change;
* the same with every one of the 10,000 devices Inactive now (the largest plan the API takes);
* POST /billing/devices/preview with 40 devices (the device settings page's preview).

The server's heap is frozen at start as `fleetbill serve` does (`--gc default` not to).

It prints p50, p99 (nearest rank) and the slowest of each, the ratio of each p50 to /healthz's,
and whether the target is met, with the load average.

    .venv/bin/python benchmarks/what_if.py --repeat 300
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from datetime import UTC, datetime

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.engine import Database
from fleetbill.adapters.gateway.sandbox import SandboxGateway
from fleetbill.bootstrap import App
from fleetbill.clock import TestClock
from fleetbill.domain.what_if import PlannedSwitch
from fleetbill.entrypoints.api import create_api
from fleetbill.entrypoints.cli import settled
from fleetbill.services.api_keys import create_api_key
from fleetbill.services.what_if import preview
from fleetbill.settings import Settings
from pages import BIG_NAME, MONTH, NOW, build, facts, machine, open_billing_session, percentile

BENCH_DB = "fleetbill_bench_what_if"
TARGET_MS = 100.0
APRIL_20 = datetime(2026, 4, 19, 15, 0, tzinfo=UTC)  # 20 April, midnight in Tokyo


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devices", type=int, default=10_000, help="devices of the big account")
    ap.add_argument("--other-accounts", type=int, default=200, help="small accounts beside it")
    ap.add_argument("--repeat", type=int, default=300, help="requests of each case (100 or more for a p99)")
    ap.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    ap.add_argument("--reuse", action="store_true", help="reuse the scratch database a --keep run left")
    ap.add_argument(
        "--gc",
        choices=("frozen", "default"),
        default="frozen",
        help="the server's heap frozen at start as `fleetbill serve` does (cli.settled), or Python's default",
    )
    args = ap.parse_args(argv)
    admin = args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    url = admin.rsplit("/", 1)[0] + "/" + BENCH_DB
    if not args.reuse:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            pg.execute(f'CREATE DATABASE "{BENCH_DB}"')
    settings = Settings(database_url=url)
    db = Database(url)
    try:
        t0 = time.perf_counter()
        if not args.reuse:
            build(db, settings, url, args.devices, args.other_accounts, 3)
        data = facts(db)
        print(f"machine: {machine(db)}")
        print(
            f"{BIG_NAME}: {data['devices']:,} devices, {data['status_rows']:,} status rows "
            f"({data['status_rows_month']:,} in {MONTH}), {data['inactive']:,} Inactive; {data['accounts']:,} "
            f"accounts, {data['all_status_rows']:,} status rows in all; "
            f"{'reused' if args.reuse else 'built'} in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        return run(db, settings, data["account_id"], args.repeat, args.gc == "frozen")
    finally:
        db.dispose()
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def run(db: Database, settings: Settings, account_id: str, repeat: int, frozen: bool) -> int:
    clock = TestClock(NOW)
    app = App(settings, db, clock, SandboxGateway(settings.sandbox_webhook_secret))
    with db.transaction() as conn:
        _, key = create_api_key(conn, clock.now(), "benchmark")
    d = t.devices
    with db.read() as conn:
        active = list(
            conn.execute(select(d.c.id).where(d.c.account_id == account_id, d.c.active).order_by(d.c.id)).scalars()
        )
        inactive = list(
            conn.execute(select(d.c.id).where(d.c.account_id == account_id, ~d.c.active).order_by(d.c.id)).scalars()
        )
    everything = active + inactive
    forty = {"changes": [{"device_ids": active[:40], "active": False}]}
    mixed = {
        "changes": [
            {"device_ids": active[:2_000], "active": False},
            {"device_ids": inactive[:1_000], "active": True, "at": APRIL_20.isoformat()},
        ],
        "plan_id": "starter",
    }
    all_off = {"changes": [{"device_ids": everything, "active": False}]}
    auth = {"Authorization": f"Bearer {key}"}
    path = f"/v1/accounts/{account_id}/what-if"

    def post(body: dict):
        def call():
            answer = client.post(path, json=body, headers=auth)
            assert answer.status_code == 200, answer.text[:500]

        return call

    def alone():
        with db.read() as conn:
            preview(conn, NOW, settings, account_id, [PlannedSwitch(i, False, NOW) for i in active[:40]])

    api = create_api(app)
    # as `fleetbill serve` starts its server: the startup heap frozen (cli.settled)
    with TestClient(settled(api) if frozen else api) as client:
        open_billing_session(client, key, account_id)
        form = client.get("/billing/devices").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)

        def page_preview():
            answer = client.post(
                "/billing/devices/preview", data={"csrf": csrf, "device_ids": active[:40], "active": "false"}
            )
            assert answer.status_code == 200 and "what-if-summary" in answer.text, answer.text[:500]

        cases = {
            "GET /healthz": lambda: client.get("/healthz").raise_for_status(),
            "preview alone (40 Inactive now)": alone,
            "POST what-if: 40 Inactive now": post(forty),
            "POST what-if: 2,000 off now, 1,000 on 20 Apr, plan change": post(mixed),
            f"POST what-if: all {len(everything):,} Inactive now": post(all_off),
            "POST /billing/devices/preview: 40 Inactive": page_preview,
        }
        print(client.post(path, json=forty, headers=auth).json()["summary"])
        for run_case in cases.values():  # warm up
            for _ in range(5):
                run_case()
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(repeat):
            for name, run_case in cases.items():  # interleaved: the load falls on every case alike
                started = time.perf_counter()
                run_case()
                times[name].append((time.perf_counter() - started) * 1000)
    load = os.getloadavg()
    health = statistics.median(times["GET /healthz"])
    heap = "frozen" if frozen else "not frozen"
    print(f"\n{repeat} runs each, interleaved, heap {heap}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"{'case':58} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p50/healthz':>12}  p99 < {TARGET_MS:.0f} ms")
    for name, samples in times.items():
        p50, p99 = statistics.median(samples), percentile(samples, 0.99)
        met = ("met" if p99 < TARGET_MS else "NOT met") if name.startswith("POST what-if") else ""
        print(f"{name:58} {p50:8.1f} {p99:8.1f} {max(samples):8.1f} {p50 / health:11.1f}x  {met}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
