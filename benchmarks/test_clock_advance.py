"""Benchmark: how long advancing a test clock takes (issue 9, item 7).

An advance runs its accounts' due jobs at every local midnight and collection try on the way, so
its cost grows with the days it crosses, not with the accounts of other timelines. Measured on a
scratch SQLite database (or `--database-url`), `--repeat` times, interleaved:

* baseline: one run of the server's due jobs for the same accounts, with a month to close (what
  the worker does once an hour);
* a clock advanced by a month (about 31 stops, one month closed and collected);
* a clock advanced by a year (about 366 stops, twelve months closed and collected), the most one
  call allows.

Each clock has `--accounts` accounts in Tokyo with a card and three devices. It prints the
median, fastest and slowest, the ratio of the medians to the baseline, and the machine.

    .venv/bin/python benchmarks/test_clock_advance.py
    .venv/bin/python benchmarks/test_clock_advance.py --accounts 50 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from host import cpu_and_ram  # benchmarks/host.py, beside this script

START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def _client(database_url: str):
    from fastapi.testclient import TestClient

    from fleetbill.adapters.db.engine import Database
    from fleetbill.adapters.gateway.sandbox import SandboxGateway
    from fleetbill.bootstrap import App, ensure_reference_data, migrate
    from fleetbill.clock import TestClock
    from fleetbill.entrypoints.api import create_api
    from fleetbill.services.api_keys import create_api_key
    from fleetbill.settings import Settings

    settings = Settings(database_url=database_url, test_mode=True)
    db = Database(database_url)
    migrate(db)
    clock = TestClock(START)
    ensure_reference_data(db, settings, clock.now())
    app = App(settings, db, clock, SandboxGateway(settings.sandbox_webhook_secret))
    with db.transaction() as conn:
        _, key = create_api_key(conn, clock.now(), "bench")
    client = TestClient(create_api(app))
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def _ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def _accounts(api, n: int, clock_id: str | None) -> None:
    for i in range(n):
        body = {"name": f"A{i}", "country": "JP", "plan_id": "basic", "billing_email": "a@example.com"}
        if clock_id:
            body["test_clock"] = clock_id
        account = _ok(api.post("/v1/accounts", json=body), 201)["id"]
        token = _ok(
            api.post("/v1/sandbox/tokens", json={"number": "4242424242424242", "exp_month": 12, "exp_year": 2030})
        )
        _ok(api.post(f"/v1/accounts/{account}/cards", json={"token": token["token"]}), 201)
        for _ in range(3):
            _ok(api.post(f"/v1/accounts/{account}/devices", json={"device_type_id": "esp32"}), 201)


def _advance(api, accounts: int, days: int) -> float:
    clock = _ok(api.post("/v1/test-clocks", json={"frozen_time": START.isoformat()}), 201)["id"]
    _accounts(api, accounts, clock)
    began = time.perf_counter()
    _ok(api.post(f"/v1/test-clocks/{clock}/advance", json={"frozen_time": (START + timedelta(days=days)).isoformat()}))
    return time.perf_counter() - began


def _server_run(api, accounts: int, month: int) -> float:
    _accounts(api, accounts, None)
    _ok(api.post("/v1/test-clock", json={"now": f"2026-{month:02d}-01T00:00:00Z"}))
    began = time.perf_counter()
    _ok(api.post("/v1/test-clock/run-due-jobs"))
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        api = _client(url)
        _ok(api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}), 201)
        _ok(
            api.post(
                "/v1/plans",
                json={"id": "basic", "name": "Basic", "prices": {"esp32": [{"up_to": None, "unit_price": 100}]}},
            ),
            201,
        )
        baseline = "baseline: the server's due jobs, one month"
        times: dict[str, list[float]] = {baseline: [], "advance a month": [], "advance a year": []}
        server_clock = datetime(2026, 1, 1, tzinfo=UTC)
        _ok(api.post("/v1/test-clock", json={"now": server_clock.isoformat()}))
        for i in range(args.repeat):
            times[baseline].append(_server_run(api, args.accounts, 1 + i % 11 + 1))
            times["advance a month"].append(_advance(api, args.accounts, 31))
            times["advance a year"].append(_advance(api, args.accounts, 366))
    cpu, ram = cpu_and_ram()
    load = os.getloadavg()[0]
    print(f"machine: {cpu}, {os.cpu_count()} cores, {ram:.0f} GiB; {platform.python_version()}; load {load:.2f}")
    print(f"{args.accounts} accounts a clock, {args.repeat} runs each, database {url.split(':')[0]}")
    base = statistics.median(next(iter(times.values())))
    print(f"{'':46} {'median':>9} {'fastest':>9} {'slowest':>9} {'x base':>7}")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"{label:46} {median:8.2f}s {min(values):8.2f}s {max(values):8.2f}s {median / base:6.1f}x")


if __name__ == "__main__":
    main()
