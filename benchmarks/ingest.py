"""Benchmark: ingesting device switches through a real `fleetbill serve` (issue 11 item 4).

In a scratch PostgreSQL database (`fleetbill_bench_ingest`, dropped at the end), it opens
`--accounts` accounts of `--devices-per-client` devices each (one account per client) and one big
account of `--bulk-size` devices, starts `fleetbill serve` on 127.0.0.1 (with `--workers` if
given; the command's default otherwise) and, from this process, drives it over HTTP with
`--clients` concurrent clients (aiohttp, one connection each):

* GET /healthz: what any request costs, the baseline;
* POST /v1/devices/{id}/status, one device per request, each with its own Idempotency-Key (as a
  retry-safe client sends it), each client toggling its own devices;

alternated `--rounds` times for `--seconds` each, so both see the same machine; once for each
server of `--workers` (default: one process, then one per core, the default of `serve` on
PostgreSQL with a real gateway). Then, on the last server,
POST /v1/accounts/{big}/devices/status with all `--bulk-size` devices, Active and Inactive in
turn, one request at a time, `--bulk-requests` times (changes per second).

It prints the requests per second of each round, their medians and the ratio switch / healthz,
the bulk changes per second (median), and what one switch costs in the database: statements,
pool checkouts and commits, counted in this process with SQLAlchemy's event listeners on the
same app (`--count` only counts).

    .venv/bin/python benchmarks/ingest.py                 # serve --workers 1, then one per core
    .venv/bin/python benchmarks/ingest.py --workers 2     # two processes only
    .venv/bin/python benchmarks/ingest.py --count         # only the statements of one switch
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import psycopg
from host import cpu_and_ram  # benchmarks/host.py, beside this script
from sqlalchemy import event, insert

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.engine import Database
from fleetbill.bootstrap import ensure_reference_data, migrate
from fleetbill.services.api_keys import create_api_key
from fleetbill.services.devices import key_hash
from fleetbill.settings import Settings

BENCH_DB = "fleetbill_bench_ingest"
FLEETBILL = str(Path(sys.executable).parent / "fleetbill")  # the venv's command, beside its python


def fresh_database(admin: str) -> str:
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return admin.rsplit("/", 1)[0] + "/" + BENCH_DB


def seed(url: str, accounts: int, per_account: int, bulk: int) -> tuple[str, list[list[str]], str, list[str]]:
    """(API key, each small account's device ids, the big account's id, its device ids)."""
    from fleetbill.domain.catalog import Plan
    from fleetbill.domain.contract import ContractTerm
    from fleetbill.domain.metering import CountingMode
    from fleetbill.domain.rating import Tier
    from fleetbill.domain.tax import TaxStatus
    from fleetbill.services import catalog
    from fleetbill.services.open_account import NewAccount, open_account

    settings = Settings(database_url=url)
    now = datetime.now(UTC)
    db = Database(url)
    migrate(db)
    ensure_reference_data(db, settings, now)
    with db.transaction() as conn:
        _, key = create_api_key(conn, now, "bench")
        catalog.create_device_type(conn, now, "esp32", "ESP32")
        plan = Plan("basic", "Basic", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ())
        catalog.create_plan(conn, now, plan, 0, {"esp32": [Tier(None, 100)]})
        ids = []
        for n in range(accounts + 1):
            new = NewAccount(f"bench {n}", "JP", "basic", "b@example.com", tax_status=TaxStatus.TAXABLE)
            ids.append(open_account(conn, now, settings, new)[0].id)
        devices, changes, fleets = [], [], []
        for n, account_id in enumerate(ids):
            fleet = [str(uuid.uuid4()) for _ in range(bulk if n == accounts else per_account)]
            fleets.append(fleet)
            for device_id in fleet:
                secret = secrets.token_hex(8)
                devices.append(
                    dict(
                        id=device_id,
                        account_id=account_id,
                        device_type_id="esp32",
                        name=device_id[:8],
                        key_hash=key_hash(secret),
                        key_last4=secret[-4:],
                        active=True,
                        registered_at=now,
                    )
                )
                changes.append(
                    dict(
                        device_id=device_id,
                        account_id=account_id,
                        device_type_id="esp32",
                        active=True,
                        delta=1,
                        effective_at=now,
                        actor="bench",
                        request_id=None,
                    )
                )
        conn.execute(insert(t.devices), devices)
        conn.execute(insert(t.status_changes), changes)
    db.dispose()
    return key, fleets[:accounts], ids[accounts], fleets[accounts]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    command = [FLEETBILL, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:  # 0: no --workers (a fleetbill from before issue 11 has none: one process)
        command += ["--workers", str(workers)]
    env = os.environ | {"FLEETBILL_DATABASE_URL": url}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(url) as _:
                pass
            import urllib.request

            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("fleetbill serve did not answer /healthz: " + server.stderr.read().decode()[-2000:])


def silence_access_log(server: subprocess.Popen) -> None:
    """Drain the server's log in a thread so that its pipe never fills."""
    import threading

    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()


async def load(base: str, key: str, clients: int, seconds: float, what: str, fleets: list[list[str]]) -> float:
    """Requests per second that `clients` concurrent clients get, over `seconds` (after 1 s of warm-up)."""
    done = [0]
    counting = [False]
    stop = [False]
    errors: list[str] = []

    async def client(n: int, session: aiohttp.ClientSession) -> None:
        fleet, turn = fleets[n % len(fleets)], 0
        while not stop[0]:
            if what == "healthz":
                async with session.get(base + "/healthz") as r:
                    await r.read()
                    ok = r.status == 200
            else:
                device = fleet[turn % len(fleet)]
                active = (turn // len(fleet)) % 2 == 1  # every device goes Inactive, then Active, ...
                headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())}
                async with session.post(
                    f"{base}/v1/devices/{device}/status", json={"active": active}, headers=headers
                ) as r:
                    body = await r.read()
                    ok = r.status == 200
                    if not ok and len(errors) < 3:
                        errors.append(f"{r.status} {body[:300]!r}")
                turn += 1
            if counting[0] and ok:
                done[0] += 1

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [asyncio.create_task(client(n, session)) for n in range(clients)]
        await asyncio.sleep(1.0)
        counting[0], started = True, time.perf_counter()
        await asyncio.sleep(seconds)
        counting[0], took = False, time.perf_counter() - started
        stop[0] = True
        await asyncio.gather(*tasks)
    if errors:
        print(f"  {what}: errors, e.g. {errors}")
    return done[0] / took


async def bulk_switches(base: str, key: str, account_id: str, devices: list[str], n: int) -> list[float]:
    """Seconds per request switching all `devices` at once, Inactive then Active in turn."""
    took = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
        for i in range(n):
            headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())}
            body = {"device_ids": devices, "active": i % 2 == 1}
            started = time.perf_counter()
            async with session.post(f"{base}/v1/accounts/{account_id}/devices/status", json=body, headers=headers) as r:
                answer = await r.json()
                assert r.status == 200, answer
            took.append(time.perf_counter() - started)
            assert len(answer["changed"]) == len(devices), "every device changes status on each bulk request"
    return took


def count_one_switch(url: str, device_id: str, key: str) -> dict[str, int]:
    """Statements, checkouts and commits of one switch, counted in this process on the same app."""
    from fastapi.testclient import TestClient

    from fleetbill.bootstrap import build
    from fleetbill.entrypoints.api import create_api

    built = build(Settings(database_url=url))
    seen = {"statements": 0, "checkouts": 0, "commits": 0}

    def add(what):
        def count(*_args, **_kw):
            seen[what] += 1

        return count

    event.listen(built.db.engine, "before_cursor_execute", add("statements"))
    event.listen(built.db.engine.pool, "checkout", add("checkouts"))
    event.listen(built.db.engine, "commit", add("commits"))
    result = {}
    with TestClient(create_api(built)) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        for name, headers in (("without a key", {}), ("with an Idempotency-Key", {"Idempotency-Key": "count-1"})):
            for active in (False, True):
                for k in seen:
                    seen[k] = 0
                hdr = {k: v + str(active) for k, v in headers.items()}
                r = client.post(f"/v1/devices/{device_id}/status", json={"active": active}, headers=hdr)
                assert r.status_code == 200, r.text
            result[name] = dict(seen)
    built.db.dispose()
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    cores = len(os.sched_getaffinity(0))
    ap.add_argument(
        "--workers",
        default=f"1,{cores}",
        help="`fleetbill serve --workers` of each server, one after another (default: 1, then one per core; "
        "0: no --workers, for a fleetbill from before it)",
    )
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--devices-per-client", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bulk-size", type=int, default=10_000)
    ap.add_argument("--bulk-requests", type=int, default=6)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--count", action="store_true", help="only count the statements of one switch")
    args = ap.parse_args(argv)
    admin = args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    url = fresh_database(admin)
    results = []
    try:
        key, fleets, big, big_fleet = seed(url, args.clients, args.devices_per_client, args.bulk_size)
        counted = count_one_switch(url, fleets[0][0], key)
        for name, seen in counted.items():
            print(
                f"one switch {name}: {seen['statements']} statements, {seen['checkouts']} checkouts, "
                f"{seen['commits']} commits"
            )
        if args.count:
            return 0
        workers = [int(w) for w in args.workers.split(",")]
        for n, processes in enumerate(workers):
            last = n == len(workers) - 1
            results.append(_one_server(args, url, key, fleets, processes, (big, big_fleet) if last else None))
        _report(args, counted, results)
    finally:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    return 0


def _one_server(args, url: str, key: str, fleets, workers: int, bulk_fleet) -> dict:
    """healthz and the switch alternated on one `fleetbill serve --workers N`; then the bulk switches."""
    server = start_server(url, args.port, workers)
    silence_access_log(server)
    base = f"http://127.0.0.1:{args.port}"
    healthz, switch, bulk = [], [], []
    try:
        for n in range(args.rounds):
            healthz.append(asyncio.run(load(base, key, args.clients, args.seconds, "healthz", fleets)))
            switch.append(asyncio.run(load(base, key, args.clients, args.seconds, "switch", fleets)))
            print(
                f"--workers {workers}, round {n + 1}: healthz {healthz[-1]:.0f} requests/s, "
                f"switch {switch[-1]:.0f} requests/s (load average {os.getloadavg()[0]:.1f})"
            )
        if bulk_fleet is not None:
            big, devices = bulk_fleet
            bulk = asyncio.run(bulk_switches(base, key, big, devices, args.bulk_requests))
            print(f"--workers {workers}, bulk: " + ", ".join(f"{args.bulk_size / s:,.0f}" for s in bulk) + " changes/s")
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    return dict(workers=workers, healthz=healthz, switch=switch, bulk=bulk)


def _report(args, counted: dict, results: list[dict]) -> None:
    cpu, ram = cpu_and_ram()
    with psycopg.connect(args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)) as pg:
        version = pg.execute("SHOW server_version").fetchone()[0]
    print()
    print(
        f"machine: {cpu}, {os.cpu_count()} cores, {ram:.1f} GiB; PostgreSQL {version}; "
        f"Python {platform.python_version()}; load average now {os.getloadavg()[0]:.1f}"
    )
    print(f"{args.clients} clients; {args.rounds} rounds of {args.seconds:.0f} s each, healthz and switch alternated")
    for name, seen in counted.items():
        print(
            f"one switch {name}: {seen['statements']} statements, {seen['checkouts']} checkouts, "
            f"{seen['commits']} commits"
        )
    first = statistics.median(results[0]["switch"])
    for r in results:
        h, s = statistics.median(r["healthz"]), statistics.median(r["switch"])
        print(
            f"--workers {r['workers']}: GET /healthz median {h:,.0f} requests/s; one switch per request median "
            f"{s:,.0f} requests/s; switch / healthz {s / h:.2f} (target >= 0.5); "
            f"switch / first server's {s / first:.2f}"
        )
        if r["bulk"]:
            b = args.bulk_size / statistics.median(r["bulk"])
            print(
                f"--workers {r['workers']}: bulk, {args.bulk_size:,} devices a request: median {b:,.0f} changes/s "
                f"({statistics.median(r['bulk']):.2f} s a request; target >= 20,000)"
            )


if __name__ == "__main__":
    sys.exit(main())
