"""Webhook deliveries per second (R22) to a local receiver that answers after 50 ms.

    .venv/bin/python benchmarks/webhooks.py                       # 3,000 events, concurrency 16 and 64, 3 runs
    .venv/bin/python benchmarks/webhooks.py --events 500 --repeat 1

For each concurrency, `--repeat` times: N events are recorded and published to one endpoint (not
timed), then `deliver_webhooks` delivers them all (timed: claiming in batches, signing with
standardwebhooks, sending with aiohttp, recording every attempt). The baseline, measured in the
same run, is N plain unsigned POSTs of the same bodies with the same client (the sender's
session) and concurrency and no database. The receiver is an aiohttp server in its own process on 127.0.0.1;
it checks the first request's signature with `standardwebhooks` and counts what it got.
Prints each run, the medians, deliveries/s, the ratio to the baseline, the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from host import cpu_and_ram  # benchmarks/host.py, beside this script
from sqlalchemy import delete, select

from fleetbill.adapters.db import schema_events as e
from fleetbill.adapters.db.engine import Database, sqlite_url
from fleetbill.adapters.notify import WebhookRequest, WebhookSender
from fleetbill.bootstrap import migrate
from fleetbill.clock import TestClock
from fleetbill.domain.events import EventType, NewEvent
from fleetbill.services.deliver_webhooks import deliver_webhooks, event_body
from fleetbill.services.events import publish_events, record
from fleetbill.services.webhook_endpoints import UrlPolicy, create_endpoint
from fleetbill.settings import Settings

LATENCY = 0.05
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def receiver(port: int, secret: str, ready, counts) -> None:
    """An operator's receiver: answers 200 after LATENCY seconds; verifies the first request."""
    from aiohttp import web
    from standardwebhooks import Webhook

    async def hook(request):
        body = await request.read()
        if counts[0] == 0 and request.headers.get("webhook-signature"):
            Webhook(secret).verify(body, dict(request.headers))
            counts[1] = 1  # a signature verified
        counts[0] += 1
        await asyncio.sleep(LATENCY)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hooks", hook)
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db: Database, n: int) -> None:
    """N published events, each waiting for one delivery (not timed)."""
    with db.transaction() as conn:
        conn.execute(delete(e.webhook_attempts))
        conn.execute(delete(e.webhook_deliveries))
        conn.execute(delete(e.events))
    with db.transaction() as conn:
        invoice = {"number": "FB-00001", "total": 3_465, "lines": [{"kind": "usage", "amount": 150}] * 5}
        events = [NewEvent(EventType.INVOICE_PAID, f"acct-{i % 500}", {"invoice": invoice}) for i in range(n)]
        record(conn, NOW, *events)
    publish_events(db, NOW)


def bodies(db: Database) -> list[str]:
    with db.read() as conn:
        return [event_body(r) for r in conn.execute(select(e.events).order_by(e.events.c.id))]


async def plain_posts(url: str, payloads: list[str], concurrency: int) -> None:
    """The baseline: the same bodies POSTed unsigned with the same client (the sender's own
    session: its pools, timeout and concurrency), and no database."""
    sender = WebhookSender(allow_private=True, concurrency=concurrency)
    async with sender.session() as send:
        results = await send([WebhookRequest(i, url, f"plain_{i}", body, ()) for i, body in enumerate(payloads)])
    assert all(r.status_code == 200 for r in results)


def run(args) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks"
    folder = tempfile.mkdtemp(prefix="fleetbill-webhooks-bench-")
    db = Database(args.database_url or sqlite_url(Path(folder) / "bench.db"))
    migrate(db)
    clock = TestClock(NOW)
    with db.transaction() as conn:
        conn.execute(delete(e.webhook_attempts))
        conn.execute(delete(e.webhook_deliveries))
        conn.execute(delete(e.webhook_endpoints))
        policy = UrlPolicy(https_only=False, allow_private=True)
        secret = create_endpoint(conn, NOW, policy, url, [], "benchmark", "benchmark")["secret"]
    counts = multiprocessing.Array("i", [0, 0])
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=receiver, args=(port, secret, ready, counts), daemon=True)
    server.start()
    ready.wait(10)
    time.sleep(0.5)
    try:
        results = measure(args, db, clock, url, counts)
    finally:
        server.terminate()
        server.join(5)
        db.dispose()
    report(args, db, results, counts)


def measure(args, db, clock, url, counts) -> dict[int, tuple[list[float], list[float]]]:
    results = {}
    load_before = os.getloadavg()
    for concurrency in args.concurrency:
        settings = Settings(webhooks_allow_private=True, test_mode=True, webhook_concurrency=concurrency)
        timed, base = [], []
        for n in range(args.repeat):
            prepare(db, args.events)
            started = time.perf_counter()
            done = deliver_webhooks(db, clock, settings)
            timed.append(time.perf_counter() - started)
            assert done.succeeded == args.events, done.summary()
            payloads = bodies(db)
            started = time.perf_counter()
            asyncio.run(plain_posts(url, payloads, concurrency))
            base.append(time.perf_counter() - started)
            print(
                f"concurrency {concurrency:>3} run {n + 1}: deliveries {timed[-1]:.2f} s "
                f"({args.events / timed[-1]:,.0f}/s), plain POSTs {base[-1]:.2f} s ({args.events / base[-1]:,.0f}/s)",
                flush=True,
            )
        results[concurrency] = (timed, base)
    results["load"] = (load_before, os.getloadavg())
    return results


def report(args, db, results, counts) -> None:
    cpu, ram = cpu_and_ram()
    load_before, load_after = results.pop("load")
    print()
    print(f"machine: nproc {os.cpu_count()}, {cpu}, {ram:.1f} GiB RAM, Python {platform.python_version()}")
    print(f"database: {db.dialect}; {args.events:,} events a run; receiver answers after {LATENCY * 1000:.0f} ms")
    print(f"receiver got {counts[0]:,} requests; first signature verified: {bool(counts[1])}")
    for concurrency, (timed, base) in results.items():
        t, b = statistics.median(timed), statistics.median(base)
        print(
            f"concurrency {concurrency:>3}: deliveries {args.events / t:>7,.0f}/s (median {t:.2f} s), "
            f"plain POSTs {args.events / b:>7,.0f}/s (median {b:.2f} s), ratio delivery/plain time {t / b:.2f} x, "
            f"ceiling {concurrency / LATENCY:,.0f}/s"
        )
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[16, 64])
    parser.add_argument("--database-url", default="", help="default: a scratch SQLite file")
    run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
