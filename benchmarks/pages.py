"""Benchmark: the customer's pages and the operator console for an account with 10,000 devices.

Issue 4 asks for a device settings page that works for an account with 10,000 devices (paging,
filtering), and a billing page that draws the Active devices over the month from the account's
status history. This builds, in a scratch database (PostgreSQL `fleetbill_bench_pages`, dropped
at the end, or a new SQLite file given with `--database-url sqlite:///...`, deleted at the end):

* the catalog and the big account through the services (`catalog`, `open_account`,
  `grant_points`), on a plan with a fixed fee, signed up on 5 January 2026 in Tokyo (or
  `--history-months` before the end of March);
* its 10,000 devices (`--devices`), 90% registered before March 2026 and 10% during it, and
  their status history since sign-up: every month, 20% of the devices switched 1 to 8 times,
  many of them at a few instants where the account switches devices in bulk (about 31,000 rows
  over three months);
* `--other-accounts` small accounts (1 to 19 devices each) for the console's lists;
* the months before March closed by `close_due_months`, so that there are invoices to list;

loaded with COPY on PostgreSQL and executemany on SQLite. Then, with the test clock at noon on
31 March (Tokyo), it opens a billing session the way the tests do (an operator API key, POST
/v1/accounts/{id}/billing-links, then the single-use link as a browser opens it: GET its page,
POST the token after its '#'), logs a staff member in to the console, and times, `--repeat`
times each and interleaved, the real pages through the ASGI app
(FastAPI's TestClient), against baselines measured in the same run:

* GET /healthz through the same client: what any request costs;
* `usage_now` alone (the running peaks, priced): the billing page's own query;
* the device list's two queries alone (`count` and `views.devices`, page 1).

It prints the median, p95 and fastest of each, the size of each page, the ratios of the medians
to the baselines and the load average. `--profile` then runs the billing page's work
(`billing_page.billing_context`) once under cProfile: the TestClient runs the app in other
threads, which cProfile does not see. `--keep` keeps the scratch database, `--reuse` runs on it.

    .venv/bin/python benchmarks/pages.py                                         # PostgreSQL
    .venv/bin/python benchmarks/pages.py --database-url sqlite:////tmp/pages.db  # SQLite
    .venv/bin/python benchmarks/pages.py --compare-history 1,12 --repeat 300     # issue 11's usage target

`--compare-history 1,12` (PostgreSQL) is issue 11's target "usage query and billing page at
10,000 devices: p99 under 50 ms and 150 ms, whatever the history's length": it builds one scratch
database per length (`fleetbill_bench_pages_h1`, `..._h12`: the same account, devices and March,
with 1 or 12 months of history kept, every month before March closed), opens a billing session
in each, and times, interleaved in the same run, GET /healthz, GET /v1/accounts/{id}/usage (the
operator's API, R20), GET /billing and `usage_now` alone in each database: p50, p95, p99 (nearest
rank: give `--repeat` 100 or more) and the slowest, the ratio of 12 months to 1, and whether the
target is met.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import html
import math
import os
import platform
import pstats
import random
import re
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from host import cpu_and_ram  # benchmarks/host.py, beside this script
from sqlalchemy import and_, func, insert, select, text

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_console as c
from fleetbill.adapters.db import views
from fleetbill.adapters.db.engine import Database
from fleetbill.adapters.db.keyset import Seek
from fleetbill.adapters.gateway.sandbox import SandboxGateway
from fleetbill.bootstrap import App, ensure_reference_data, migrate
from fleetbill.clock import TestClock
from fleetbill.domain.catalog import Plan
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.domain.tax import TaxStatus
from fleetbill.entrypoints.api import create_api
from fleetbill.entrypoints.cli import settled
from fleetbill.entrypoints.web.billing_page import billing_context
from fleetbill.services import catalog, staff
from fleetbill.services.api_keys import create_api_key
from fleetbill.services.close_month import close_due_months
from fleetbill.services.month_marks import rebuild_month_marks
from fleetbill.services.open_account import NewAccount, open_account
from fleetbill.services.points import grant_points
from fleetbill.services.usage_now import usage_now
from fleetbill.settings import Settings

BENCH_DB = "fleetbill_bench_pages"
TZ = "Asia/Tokyo"
MONTH = BillingMonth.of(2026, 3)  # the month the billing page shows
CLOSED_AT = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # February has ended in Tokyo and New York
NOW = datetime(2026, 3, 31, 3, 0, tzinfo=UTC)  # noon in Tokyo on the month's last day
DEVICE_TYPES = {"esp32": ("ESP32 sensor", 0.70), "lte-tracker": ("LTE tracker", 0.25), "gateway": ("Gateway", 0.05)}
PLANS = [  # (plan, fixed fee, tiers per device type), like the demo's and benchmarks/close.py's
    (
        Plan("starter", "Starter", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ("api",)),
        0,
        {
            "esp32": [Tier(3, 0), Tier(50, 300), Tier(None, 200)],
            "lte-tracker": [Tier(1, 0), Tier(None, 500)],
            "gateway": [Tier(None, 1_000)],
        },
    ),
    (
        Plan("business", "Business", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ("api", "sla")),
        5_000,
        {
            "esp32": [Tier(10, 250), Tier(None, 200)],
            "lte-tracker": [Tier(10, 450), Tier(None, 380)],
            "gateway": [Tier(None, 900)],
        },
    ),
]
BIG_NAME = "Sakura Robotics Fleet"
TOGGLED_SHARE = 0.20  # devices switched Inactive/Active 1 to 8 times in a month, every month
MID_MONTH_SHARE = 0.10  # devices registered during March (the rest between sign-up and March)
STAFF_EMAIL, STAFF_PASSWORD = "bench@example.jp", "benchmark pages passphrase"
FILTER_TYPE = "lte-tracker"  # the filtered device list: the Inactive LTE trackers


# --- the data --------------------------------------------------------------------------------


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def signup(history_months: int) -> datetime:
    """When the big account signed up: noon in Tokyo on the 5th, `history_months` months before
    the end of MONTH (3: on 5 January 2026; 12: on 5 April 2025). With 1, noon on the month's
    eve (28 February 2026): the devices registered before March are registered in its last 12
    hours, so March is the only month of history, and February's close still stores March's
    opening levels, as it would for any account."""
    if history_months == 1:
        return MONTH.start(TZ) - timedelta(hours=12)
    return MONTH.next(1 - history_months).start(TZ) + timedelta(days=4, hours=12)


def _months(since: datetime) -> list[tuple[datetime, datetime]]:
    """The [start, end) of each month of history, in UTC: from the sign-up to NOW."""
    out, month = [], BillingMonth.containing(since, TZ)
    while month <= MONTH:
        start, end = month.bounds(TZ)
        out.append((max(start, since), min(end, NOW)))
        month = month.next()
    return out


def _device(device_id: str, account_id: str, device_type: str, name: str, key_no: int, active: bool, at: datetime):
    """A row of DEVICE_COLS; the key's hash is unique by its number (the key itself is never needed)."""
    return (device_id, account_id, device_type, name, f"{key_no:064x}", f"{key_no % 10_000:04d}", active, at)


def big_account_rows(rng: random.Random, account_id: str, n_devices: int, key_no: int, since: datetime):
    """The big account's devices and their history since sign-up."""
    types, weights = list(DEVICE_TYPES), [v[1] for v in DEVICE_TYPES.values()]
    m_start = MONTH.start(TZ)
    registered = []
    for _ in range(n_devices):
        if rng.random() < MID_MONTH_SHARE:
            at = m_start + timedelta(seconds=rng.randrange(int((NOW - m_start).total_seconds()) - 86_400))
        else:
            at = since + timedelta(seconds=rng.randrange(1, int((m_start - since).total_seconds())))
        registered.append(at)
    registered.sort()  # registered in this order: the names follow it, as a customer's would
    devices = []
    for i, (at, device_type) in enumerate(zip(registered, rng.choices(types, weights, k=n_devices), strict=True)):
        devices.append(dict(id=_uuid(rng), type=device_type, name=f"sensor-{i + 1:05d}", at=at, changes=[(at, True)]))
    for w_start, w_end in _months(since):
        bulk = [w_start + timedelta(seconds=rng.randrange(1, int((w_end - w_start).total_seconds()))) for _ in range(4)]
        for d in devices:
            first = max(d["at"], w_start)
            left = int((w_end - first).total_seconds())
            if left <= 2 or rng.random() >= TOGGLED_SHARE:
                continue
            k = rng.randint(1, 8)
            moments = {b for b in bulk if b > first} | {
                first + timedelta(seconds=rng.randrange(1, left)) for _ in range(k)
            }
            active = d["changes"][-1][1]
            for moment in sorted(rng.sample(sorted(moments), min(k, len(moments)))):
                active = not active
                d["changes"].append((moment, active))
    device_rows, status_rows = [], []
    for d in devices:
        key_no += 1
        device_rows.append(_device(d["id"], account_id, d["type"], d["name"], key_no, d["changes"][-1][1], d["at"]))
        # every change flips its device (the first registers it Active): +1 or -1 to the count
        status_rows += [(d["id"], account_id, d["type"], on, at, "bench", 1 if on else -1) for at, on in d["changes"]]
    return device_rows, status_rows, key_no


def other_account_rows(rng: random.Random, n_accounts: int, key_no: int, since: datetime):
    """Small accounts on the starter plan, signed up in the big one's first month, for the console's lists."""
    types, weights = list(DEVICE_TYPES), [v[1] for v in DEVICE_TYPES.values()]
    first_start = BillingMonth.containing(since, TZ).start(TZ)
    accounts, devices, history = [], [], []
    for a in range(n_accounts):
        account_id = _uuid(rng)
        us = a % 10 < 3
        tz, country, subdivision, tax = (
            ("America/New_York", "US", "US-NY", "exempt") if us else (TZ, "JP", "JP-13", "taxable")
        )
        opened = first_start + timedelta(days=1, seconds=rng.randrange(20 * 86_400))
        accounts.append(
            (account_id, f"Customer {a:05d}", country, subdivision, tz, "JPY", "starter", tax,
             f"billing{a}@example.com", BillingMonth.containing(opened, tz).index, opened, opened)
        )  # fmt: skip
        for device_type in rng.choices(types, weights, k=rng.randint(1, 19)):
            key_no += 1
            at = opened + timedelta(seconds=rng.randrange(1, 86_400))
            device_id = _uuid(rng)
            devices.append(_device(device_id, account_id, device_type, f"device {key_no}", key_no, True, at))
            history.append((device_id, account_id, device_type, True, at, "bench", 1))
    return accounts, devices, history, key_no


ACCOUNT_COLS = ("id", "name", "country", "subdivision", "timezone", "currency", "plan_id", "tax_status",
                "billing_email", "first_month", "contract_started_at", "created_at")  # fmt: skip
DEVICE_COLS = ("id", "account_id", "device_type_id", "name", "key_hash", "key_last4", "active", "registered_at")
STATUS_COLS = ("device_id", "account_id", "device_type_id", "active", "effective_at", "actor", "delta")


def load(db: Database, pg_url: str, tables: list[tuple[str, tuple[str, ...], list[tuple]]]) -> None:
    """Bulk rows in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    if db.dialect == "postgresql":
        with psycopg.connect(pg_url) as pg, pg.cursor() as cur:
            for table, columns, rows in tables:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        with psycopg.connect(pg_url, autocommit=True) as pg:
            pg.execute("VACUUM (ANALYZE)")
    else:
        with db.transaction() as conn:
            for table, columns, rows in tables:
                conn.execute(insert(t.metadata.tables[table]), [dict(zip(columns, r, strict=True)) for r in rows])
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")


def build(
    db: Database, settings: Settings, pg_url: str, n_devices: int, n_others: int, history_months: int, seed: int = 11
) -> dict:
    """The catalog, the big account and its points through the services; the devices, their history
    and the other accounts in bulk; the months before March closed by the close."""
    since = signup(history_months)
    catalog_at = since - timedelta(days=35)
    migrate(db)
    ensure_reference_data(db, settings, catalog_at)
    with db.transaction() as conn:
        for dt, (name, _) in DEVICE_TYPES.items():
            catalog.create_device_type(conn, catalog_at, dt, name)
        for plan, fee, tiers in PLANS:
            catalog.create_plan(conn, catalog_at, plan, fee, tiers)
        new = NewAccount(BIG_NAME, "JP", "business", "fleet@example.com", "JP-13", TZ, "JPY", TaxStatus.TAXABLE)
        big, _ = open_account(conn, since, settings, new)
        grant_points(conn, since + timedelta(hours=1), big.id, 3_000, "welcome credit", "bench")
        staff.create_staff(conn, catalog_at, STAFF_EMAIL, "Benchmark", STAFF_PASSWORD)
    rng = random.Random(seed)
    devices, history, key_no = big_account_rows(rng, big.id, n_devices, 0, since)
    accounts, other_devices, other_history, _ = other_account_rows(rng, n_others, key_no, since)
    history = sorted(history + other_history, key=lambda r: r[4])  # appended as it happens: in time order
    load(
        db,
        pg_url,
        [
            ("accounts", ACCOUNT_COLS, accounts),
            ("devices", DEVICE_COLS, devices + other_devices),
            ("status_changes", STATUS_COLS, history),
        ],
    )
    # The history went in by COPY, past the services that fold each change into its month's
    # high-water mark (R5, issue 11): make every month's marks from it, as `fleetbill marks` does.
    first = BillingMonth.containing(since, "Pacific/Kiritimati").index
    for index in range(first, MONTH.index + 1):
        rebuild_month_marks(db, BillingMonth(index))
    report = close_due_months(db, TestClock(CLOSED_AT), settings)
    if db.dialect == "postgresql":
        with psycopg.connect(pg_url, autocommit=True) as pg:
            pg.execute("VACUUM (ANALYZE)")
    return dict(closed=report.months, invoices=report.invoices)


def facts(db: Database) -> dict:
    """What is in the database: the big account is the one with the most devices."""
    d, sc = t.devices, t.status_changes
    with db.read() as conn:
        big = conn.execute(
            select(d.c.account_id).group_by(d.c.account_id).order_by(func.count().desc()).limit(1)
        ).scalar_one()
        count = lambda q: conn.execute(q).scalar()  # noqa: E731
        return dict(
            account_id=big,
            devices=count(select(func.count()).where(d.c.account_id == big)),
            status_rows=count(select(func.count()).where(sc.c.account_id == big)),
            status_rows_month=count(
                select(func.count()).where(sc.c.account_id == big, sc.c.effective_at >= MONTH.start(TZ))
            ),
            inactive=count(select(func.count()).where(d.c.account_id == big, d.c.active.is_(False))),
            filtered=count(
                select(func.count()).where(
                    d.c.account_id == big, d.c.active.is_(False), d.c.device_type_id == FILTER_TYPE
                )
            ),
            accounts=count(select(func.count()).select_from(t.accounts)),
            all_devices=count(select(func.count()).select_from(d)),
            all_status_rows=count(select(func.count()).select_from(sc)),
            invoices=count(select(func.count()).select_from(t.invoices)),
            staff=count(select(func.count()).select_from(c.staff_users)),
        )


# --- the timed parts -------------------------------------------------------------------------


def open_billing_session(client: TestClient, key: str, account_id: str) -> None:
    """As tests/pages.py does: a link from the operator's API, opened as a browser opens it: the
    link is single-use with its token after '#' (never sent to the server), so GET the page, then
    POST the token, as its script does: a session for the account."""
    made = client.post(f"/v1/accounts/{account_id}/billing-links", headers={"Authorization": f"Bearer {key}"})
    assert made.status_code in (200, 201), made.text
    path, _, token = made.json()["url"].replace("http://testserver", "").partition("#")
    assert path == "/billing/open" and token, made.json()["url"]
    assert client.get(path).status_code == 200
    opened = client.post(path, data={"token": token}, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/billing", opened.text


def log_in(client: TestClient) -> None:
    """As tests/integration/test_console.py does: the form's login_csrf, then the password."""
    form = client.get("/console/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    done = client.post(
        "/console/login",
        data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "login_csrf": token, "next": "/console/accounts"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


SIZES: dict[str, int] = {}  # path: bytes of its last answer


def page(client: TestClient, path: str, rows: int | None = None):
    """A GET that must answer 200 (and list `rows` devices, if given)."""

    def run():
        answer = client.get(path)
        SIZES[path] = len(answer.content)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
        if rows is not None:
            listed = answer.text.count('name="device_ids"')
            assert listed == rows, f"{path}: {listed} devices listed, {rows} expected"
        return answer

    return run


def p95(samples: list[float]) -> float:
    return percentile(samples, 0.95)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(q * len(ordered)) - 1]  # nearest rank


def device_list_query(db: Database, account_id: str) -> int:
    """The device page's own queries, alone: how many, and the first page."""
    d = t.devices
    where = d.c.account_id == account_id
    with db.read() as conn:
        conn.execute(select(func.count()).select_from(d).where(where)).scalar()
        return len(views.device_page(conn, and_(where), 50, None).rows)


def device_page_by(db: Database, account_id: str, number: int, keyset: bool) -> int:
    """Page `number` of the device list alone, by its cursor (keyset, issue 11 item 5) or by OFFSET
    as the page read it before: the same rows, for the same-run ratio."""
    d = t.devices
    where = and_(d.c.account_id == account_id)
    with db.read() as conn:
        if not keyset:
            return len(views.devices(conn, where, 50, (number - 1) * 50))
        # the key of the row just before the page: what its "next" link carries
        order = select(*views.DEVICE_ORDER).where(where).order_by(*views.DEVICE_ORDER)
        before = conn.execute(order.offset((number - 1) * 50 - 1).limit(1)).one()
        DEEP_SEEK.setdefault(number, Seek(tuple(before)))
        return len(views.device_page(conn, where, 50, DEEP_SEEK[number]).rows)


DEEP_SEEK: dict[int, Seek] = {}


def deep_link(client: TestClient, path: str, number: int) -> str:
    """The address of page `number` of a list, reached as a person does: by its "next" links."""
    for _ in range(number - 1):
        found = re.search(r'<a href="([^"]+)" rel="next">', client.get(path).text)
        assert found, f"{path}: no page {number}"
        path = html.unescape(found.group(1))
    return path


# --- the machine -----------------------------------------------------------------------------


def machine(db: Database) -> str:
    cpu, ram = cpu_and_ram()
    with db.read() as conn:
        if db.dialect == "postgresql":
            version = "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar()
            settings = conn.execute(
                text(
                    "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                    "('shared_buffers', 'work_mem', 'random_page_cost', 'jit') ORDER BY name"
                )
            ).all()
            version += " (" + ", ".join(f"{k}={v}" for k, v in settings) + ")"
        else:
            version = f"SQLite {sqlite3.sqlite_version}"
    return f"nproc {os.cpu_count()}, {cpu}, {ram:.1f} GiB RAM, {version}, Python {platform.python_version()}"


# --- issue 11: the usage query and the billing page, whatever the history's length -------------

TARGETS_MS = {"GET /v1/accounts/{id}/usage": 50.0, "GET /billing": 150.0}  # issue 11: p99 under


def compare_history(args, admin: str) -> int:
    """Build a database per history length, then time /healthz, the usage API, the billing page and
    `usage_now` alone in each, interleaved in one run: the p99 target and the ratio of the longest
    history to the shortest."""
    lengths = sorted({int(n) for n in args.compare_history.split(",")})
    if lengths[0] < 1:
        raise SystemExit("--compare-history: months of 1 or more")
    base = admin.rsplit("/", 1)[0]
    names = {n: f"{BENCH_DB}_h{n}" for n in lengths}
    dbs: dict[int, tuple[Database, Settings, str]] = {}
    try:
        for n in lengths:
            url = f"{base}/{names[n]}"
            if not args.reuse:
                with psycopg.connect(admin, autocommit=True) as pg:
                    pg.execute(f'DROP DATABASE IF EXISTS "{names[n]}" WITH (FORCE)')
                    pg.execute(f'CREATE DATABASE "{names[n]}"')
            settings = Settings(database_url=url)
            db = Database(url)
            dbs[n] = (db, settings, url)
            t0 = time.perf_counter()
            built = None if args.reuse else build(db, settings, url, args.devices, args.other_accounts, n)
            data = facts(db)
            dbs[n] += (data,)
            print(
                f"{n} month(s) kept ({names[n]}): one account with {data['devices']:,} devices and "
                f"{data['status_rows']:,} status rows ({data['status_rows_month']:,} in {MONTH}); "
                f"{data['accounts']:,} accounts, {data['all_status_rows']:,} status rows, {data['invoices']:,} invoices"
                + ("" if built is None else f" (closed {len(built['closed'])} months)")
                + f", {'reused' if built is None else 'built'} in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
        print(f"machine: {machine(dbs[lengths[0]][0])}")
        clock = TestClock(NOW)
        cases: dict[str, object] = {}
        with contextlib.ExitStack() as stack:
            for n in lengths:
                db, settings, _url, data = dbs[n]
                app = App(settings, db, clock, SandboxGateway(settings.sandbox_webhook_secret))
                with db.transaction() as conn:
                    _, key = create_api_key(conn, clock.now(), "benchmark")
                api = create_api(app)
                # as `fleetbill serve` starts its server: the startup heap frozen (cli.settled)
                client = stack.enter_context(TestClient(settled(api) if args.gc == "frozen" else api))
                open_billing_session(client, key, data["account_id"])
                if not cases:
                    cases["GET /healthz"] = page(client, "/healthz")
                usage_path = f"/v1/accounts/{data['account_id']}/usage"

                def usage_api(client=client, path=usage_path, key=key):
                    answer = client.get(path, headers={"Authorization": f"Bearer {key}"})
                    assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"

                def bare_usage(db=db, settings=settings, account_id=data["account_id"]):
                    with db.read() as conn:
                        usage_now(conn, NOW, settings, account_id)

                cases[f"GET /v1/accounts/{{id}}/usage, {n} month(s)"] = usage_api
                cases[f"GET /billing, {n} month(s)"] = page(client, "/billing")
                cases[f"usage_now alone, {n} month(s)"] = bare_usage
            for run in cases.values():  # warm up
                for _ in range(3):
                    run()
            load_before = os.getloadavg()
            times: dict[str, list[float]] = {name: [] for name in cases}
            t_run = time.perf_counter()
            for _ in range(args.repeat):  # interleaved: the machine's noise falls on every case alike
                for name, run in cases.items():
                    t0 = time.perf_counter()
                    run()
                    times[name].append((time.perf_counter() - t0) * 1000)
            load_after = os.getloadavg()
            took = time.perf_counter() - t_run

        health = statistics.median(times["GET /healthz"])
        print(f"\n{'':<44} {'p50':>8} {'p95':>8} {'p99':>8} {'slowest':>8} {'fastest':>8} {'p50/healthz':>12}  target")
        for name, ms in times.items():
            target = next((v for k, v in TARGETS_MS.items() if name.startswith(k + ",")), None)
            met = target is not None and percentile(ms, 0.99) < target
            verdict = "" if target is None else f"  p99 < {target:.0f} ms: {'met' if met else 'NOT met'}"
            print(
                f"{name:<44} {statistics.median(ms):>6.1f}ms {percentile(ms, 0.95):>6.1f}ms "
                f"{percentile(ms, 0.99):>6.1f}ms {max(ms):>6.1f}ms {min(ms):>6.1f}ms "
                f"{statistics.median(ms) / health:>11.1f}x{verdict}"
            )
        if len(lengths) > 1:
            lo, hi = lengths[0], lengths[-1]
            print()
            for what in ("GET /v1/accounts/{id}/usage", "GET /billing", "usage_now alone"):
                a, b = times[f"{what}, {lo} month(s)"], times[f"{what}, {hi} month(s)"]
                print(
                    f"{what}: {hi} months / {lo}: p50 {statistics.median(b) / statistics.median(a):.2f}x, "
                    f"p99 {percentile(b, 0.99) / percentile(a, 0.99):.2f}x"
                )
        print(
            f"\n{args.repeat} requests each, interleaved, in {took:.0f} s; load average {load_before[0]:.2f} before, "
            f"{load_after[0]:.2f} after the timed runs (other work on the machine)"
        )
    finally:
        for db, *_ in dbs.values():
            db.dispose()
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as pg:
                for name in names.values():
                    pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


# --- main ------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devices", type=int, default=10_000, help="devices of the big account")
    ap.add_argument("--other-accounts", type=int, default=1_000, help="small accounts, for the console's lists")
    ap.add_argument("--history-months", type=int, default=3, help="months of status history, up to and with March 2026")
    ap.add_argument("--repeat", type=int, default=20, help="requests of each page")
    ap.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server to create the scratch database on, or sqlite:///<a new file>",
    )
    ap.add_argument("--keep", action="store_true", help="keep the scratch database afterwards (for profiling)")
    ap.add_argument("--reuse", action="store_true", help="reuse the scratch database a --keep run left")
    ap.add_argument(
        "--profile", action="store_true", help="then profile the billing page's work (billing_context) with cProfile"
    )
    ap.add_argument(
        "--compare-history",
        metavar="MONTHS,MONTHS",
        help="issue 11: only the usage API, the billing page and usage_now, with each of these months of "
        "history kept (e.g. 1,12), one database each, in the same run (PostgreSQL)",
    )
    ap.add_argument(
        "--gc",
        choices=("frozen", "default"),
        default="frozen",
        help="with --compare-history: the server's heap frozen at start as `fleetbill serve` does "
        "(cli.settled), or Python's default collector",
    )
    args = ap.parse_args(argv)
    if args.compare_history:
        if args.database_url.startswith("sqlite"):
            ap.error("--compare-history runs on PostgreSQL")
        return compare_history(args, args.database_url.replace("postgresql+psycopg://", "postgresql://", 1))
    if args.devices < 7_500 or args.other_accounts < 1 or args.repeat < 1 or args.history_months < 1:
        ap.error("--devices must be 7,500 or more (page 150 is timed); the other numbers 1 or more")

    sqlite = args.database_url.startswith("sqlite")
    if sqlite:
        db_path = Path(args.database_url.split("sqlite:///", 1)[1])
        url = pg_url = admin = args.database_url
        if db_path.exists() and not args.reuse:
            ap.error(f"{db_path} exists: give a new file (it is deleted at the end), or --reuse it")
    else:
        admin = args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        url = pg_url = admin.rsplit("/", 1)[0] + "/" + BENCH_DB
        if not args.reuse:
            with psycopg.connect(admin, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
                pg.execute(f'CREATE DATABASE "{BENCH_DB}"')
    settings = Settings(database_url=url)
    db = Database(url)
    try:
        t0 = time.perf_counter()
        if not args.reuse:
            built = build(db, settings, pg_url, args.devices, args.other_accounts, args.history_months)
        data = facts(db)
        print(f"machine: {machine(db)}")
        print(
            f"{'reused' if args.reuse else 'built'}: one account with {data['devices']:,} devices and "
            f"{data['status_rows']:,} status rows ({data['status_rows_month']:,} in {MONTH}), "
            f"{data['inactive']:,} Inactive; {data['accounts']:,} accounts, {data['all_devices']:,} devices, "
            f"{data['all_status_rows']:,} status rows, {data['invoices']:,} invoices in all"
            + ("" if args.reuse else f" (closed {', '.join(built['closed'])})")
            + f", in {time.perf_counter() - t0:.1f} s"
        )
        account_id = data["account_id"]
        clock = TestClock(NOW)
        app = App(settings, db, clock, SandboxGateway(settings.sandbox_webhook_secret))
        with db.transaction() as conn:
            _, key = create_api_key(conn, clock.now(), "benchmark")

        def bare_usage():
            with db.read() as conn:
                usage_now(conn, NOW, settings, account_id)

        with TestClient(create_api(app)) as client:
            open_billing_session(client, key, account_id)
            log_in(client)
            per_page = 50
            cases = {  # name: (run, baseline name or None)
                "GET /healthz": (page(client, "/healthz"), None),
                "usage_now alone": (bare_usage, None),
                "device list queries alone": (lambda: device_list_query(db, account_id), None),
                "GET /billing": (page(client, "/billing"), "usage_now alone"),
                "GET /billing/devices": (page(client, "/billing/devices", per_page), "device list queries alone"),
                "page 150 by OFFSET, query alone (baseline)": (
                    lambda: device_page_by(db, account_id, 150, keyset=False),
                    None,
                ),
                "page 150 by cursor, query alone": (
                    lambda: device_page_by(db, account_id, 150, keyset=True),
                    "page 150 by OFFSET, query alone (baseline)",
                ),
                "GET /billing/devices, page 150 (cursor)": (
                    page(client, deep_link(client, "/billing/devices", 150), per_page),
                    "device list queries alone",
                ),
                f"GET /billing/devices?status=inactive&device_type={FILTER_TYPE}": (
                    page(
                        client,
                        f"/billing/devices?status=inactive&device_type={FILTER_TYPE}",
                        min(per_page, data["filtered"]),
                    ),
                    "device list queries alone",
                ),
                "GET /console/accounts": (page(client, "/console/accounts"), None),
                "GET /console/accounts?q=sakura": (page(client, "/console/accounts?q=sakura"), None),
                "GET /console/invoices": (page(client, "/console/invoices"), None),
                "GET /console/accounts, page 20 (cursor)": (
                    page(client, deep_link(client, "/console/accounts", 20)),
                    None,
                ),
                "GET /console/invoices, page 40 (cursor)": (
                    page(client, deep_link(client, "/console/invoices", 40)),
                    None,
                ),
                "GET /console/audit": (page(client, "/console/audit"), None),
                "GET /console/emails": (page(client, "/console/emails"), None),
            }
            for run, _ in cases.values():  # warm up: templates compiled, connections pooled, caches filled
                run()
            load_before = os.getloadavg()
            times = {name: [] for name in cases}
            for _ in range(args.repeat):  # interleaved, so that the machine's noise falls on every case alike
                for name, (run, _base) in cases.items():
                    t0 = time.perf_counter()
                    run()
                    times[name].append(time.perf_counter() - t0)
            load_after = os.getloadavg()

        health = statistics.median(times["GET /healthz"])
        print()
        print(f"{'':<62} {'median':>9} {'p95':>9} {'fastest':>9} {'size':>8} {'/healthz':>9}  / its baseline")
        for name, (_run, base) in cases.items():
            ms = [s * 1000 for s in times[name]]
            med = statistics.median(ms)
            path = name.removeprefix("GET ")
            size = f"{SIZES[path] / 1024:>6.1f}kB" if path in SIZES else f"{'':>8}"
            ratio = f"{med / (health * 1000):>8.1f}x" if name.startswith("GET") else f"{'':>9}"
            vs = f"  {med / (statistics.median(times[base]) * 1000):.1f}x {base}" if base else ""
            print(f"{name:<62} {med:>7.1f}ms {p95(ms):>7.1f}ms {min(ms):>7.1f}ms {size} {ratio}{vs}")
        print(f"\n{args.repeat} requests each (medians); load average {load_before[0]:.2f} before, "
              f"{load_after[0]:.2f} after the timed runs (other work on the machine)")  # fmt: skip

        if args.profile:
            print("\nbilling_context (the billing page's work) under cProfile:")
            profiler = cProfile.Profile()
            with db.read() as conn:
                profiler.runcall(billing_context, conn, app, account_id)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    finally:
        db.dispose()
        if not args.keep:
            if sqlite:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            else:
                with psycopg.connect(admin, autocommit=True) as pg:
                    pg.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
