"""`fleetbill demo`: a few months of a small IoT cloud, closed, so real invoices are there at once."""

from __future__ import annotations

import random
from datetime import timedelta

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from ..adapters.db import schema as t
from ..adapters.db import views
from ..bootstrap import App
from ..clock import TestClock
from ..domain.catalog import Plan
from ..domain.contract import ContractTerm
from ..domain.metering import CountingMode
from ..domain.periods import BillingMonth
from ..domain.rating import Tier
from ..domain.tax import TaxStatus
from ..services import catalog
from ..services.api_keys import create_api_key
from ..services.open_account import NewAccount, open_account
from ..services.points import grant_points
from ..services.register_device import register_device
from ..services.run_due_jobs import run_due_jobs
from ..services.switch_devices import switch_devices

DEVICE_TYPES = {"obniz-board": "obniz Board", "esp32": "ESP32 DevKit", "m5stack": "M5Stack Core"}
PLANS = [
    (
        Plan("hobby", "Hobby", "JPY", ContractTerm.MONTHLY, 30, CountingMode.PEAK, ("dashboard", "api")),
        0,
        {
            "obniz-board": [Tier(3, 0), Tier(None, 500)],
            "esp32": [Tier(3, 0), Tier(None, 300)],
            "m5stack": [Tier(1, 0), Tier(None, 400)],
        },
    ),
    (
        Plan(
            "business",
            "Business",
            "JPY",
            ContractTerm.MONTHLY,
            30,
            CountingMode.PEAK,
            ("dashboard", "api", "webhooks", "sla"),
            allow_bank_transfer=True,
        ),
        5_000,
        {
            "obniz-board": [Tier(10, 450), Tier(None, 380)],
            "esp32": [Tier(10, 250), Tier(None, 200)],
            "m5stack": [Tier(None, 350)],
        },
    ),
]
# (name, country, subdivision, time zone, plan, tax status, devices per type at sign-up)
ACCOUNTS = [
    ("Sakura Robotics", "JP", "JP-13", "Asia/Tokyo", "hobby", TaxStatus.TAXABLE, {"obniz-board": 4, "esp32": 2}),
    ("Kansai Smart Farms", "JP", "JP-27", "Asia/Tokyo", "business", TaxStatus.TAXABLE, {"esp32": 14, "m5stack": 3}),
    ("Hudson Valley Sensors", "US", "US-NY", "America/New_York", "business", TaxStatus.EXEMPT, {"obniz-board": 6}),
]
MONTHS_OF_HISTORY = 3


def _seed(app: App, clock: TestClock, rng: random.Random) -> list[str]:
    now = clock.now()
    with app.db.transaction() as conn:
        for dt, name in DEVICE_TYPES.items():
            catalog.create_device_type(conn, now, dt, name)
        for plan, fee, prices in PLANS:
            catalog.create_plan(conn, now, plan, fee, prices)
        ids = []
        for name, country, sub, tz, plan, tax, fleet in ACCOUNTS:
            email = name.lower().replace(" ", ".") + "@example.com"
            account, _ = open_account(
                conn, clock.now(), app.settings, NewAccount(name, country, plan, email, sub, tz, "JPY", tax)
            )
            ids.append(account.id)
            for dt, n in fleet.items():
                for i in range(n):
                    register_device(conn, clock.now(), account.id, dt, f"{dt}-{i + 1:03d}", "demo")
        grant_points(conn, now, ids[0], 3_000, "Welcome credit", "demo", expires_at=now + timedelta(days=75))
        grant_points(conn, now, ids[1], 1_500, "Apology for the March outage", "demo")
    return ids


def _simulate_day(app: App, clock: TestClock, rng: random.Random, account_ids: list[str]) -> None:
    with app.db.transaction() as conn:
        for account_id in account_ids:
            devices = conn.execute(
                select(t.devices.c.id, t.devices.c.device_type_id, t.devices.c.active).where(
                    t.devices.c.account_id == account_id
                )
            ).all()
            if rng.random() < 0.25:  # a device switched off for maintenance, or back on
                d = rng.choice(devices)
                switch_devices(conn, clock.now(), account_id, [d.id], not d.active, "demo")
            if rng.random() < 0.08:  # the fleet grows now and then
                dt = rng.choice(sorted({d.device_type_id for d in devices}))
                register_device(conn, clock.now(), account_id, dt, f"{dt}-new-{len(devices) + 1:03d}", "demo")


def run_demo(app: App, console: Console) -> None:
    with app.db.transaction() as conn:
        seeded = conn.execute(select(t.accounts.c.id)).first() is not None
    if not seeded:
        real_now = app.clock.now()
        start = BillingMonth.containing(real_now, "Asia/Tokyo").next(-MONTHS_OF_HISTORY).start("Asia/Tokyo")
        clock = TestClock(start + timedelta(days=2, hours=1))
        rng = random.Random(2026)
        with console.status("simulating three months of device activity…"):
            ids = _seed(app, clock, rng)
            while clock.now() + timedelta(days=1) < real_now:
                clock.set(clock.now() + timedelta(days=1))
                _simulate_day(app, clock, rng, ids)
                run_due_jobs(app.db, clock, app.settings)
            with app.db.transaction() as conn:
                _, key = create_api_key(conn, real_now, "demo")
        console.print(f"seeded the demo; an operator API key for it: [bold]{key}[/] (shown once)")
    run_due_jobs(app.db, app.clock, app.settings)
    _print_invoices(app, console)


def _print_invoices(app: App, console: Console) -> None:
    table = Table(title="Invoices (newest first)")
    for col in ("number", "account", "month", "subtotal", "tax", "total", "points", "to collect", "status"):
        table.add_column(
            col, justify="right" if col in {"subtotal", "tax", "total", "points", "to collect"} else "left"
        )
    with app.db.transaction() as conn:
        for inv in views.invoices(conn, t.invoices.c.id.is_not(None), limit=50):
            table.add_row(
                inv["number"],
                inv["recipient_name"],
                inv["billing_month"] or "purchase",
                f"{inv['subtotal']:,}",
                f"{inv['tax_total']:,}",
                f"{inv['total']:,}",
                f"{inv['points_applied']:,}",
                f"{inv['amount_due']:,}",
                inv["status"],
            )
    console.print(table)
    console.print("See them through the API: [bold]fleetbill serve[/], then http://127.0.0.1:8000/docs")
