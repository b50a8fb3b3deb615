"""`fleetbill demo`: a few months of a small IoT cloud, closed, so real invoices are there at once."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from ..adapters.db import schema as t
from ..adapters.db import views
from ..adapters.db.payments_repo import collection_method, load_cards
from ..adapters.db.repository import load_accounts
from ..adapters.gateway.sandbox import SandboxGateway
from ..bootstrap import App
from ..clock import TestClock
from ..domain.billing_state import BillingState
from ..domain.catalog import Plan
from ..domain.contract import ContractTerm
from ..domain.metering import CountingMode
from ..domain.periods import BillingMonth
from ..domain.rating import Tier
from ..domain.tax import TaxStatus
from ..services import catalog
from ..services.api_keys import create_api_key
from ..services.bank_transfer import record_transfer, set_collection_method
from ..services.billing_state import billing_states
from ..services.cards import add_card, remove_card
from ..services.open_account import NewAccount, open_account
from ..services.points import grant_points
from ..services.register_device import register_device
from ..services.run_due_jobs import run_due_jobs
from ..services.staff import create_staff
from ..services.switch_devices import switch_devices

DEMO_STAFF = "finance@demo.fleetbill.test"
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
# (name, country, subdivision, time zone, plan, tax status, devices per type at sign-up, how it pays)
ACCOUNTS = [
    (
        "Sakura Robotics",
        "JP",
        "JP-13",
        "Asia/Tokyo",
        "hobby",
        TaxStatus.TAXABLE,
        {"obniz-board": 4, "esp32": 2},
        "card",
    ),
    (
        "Kansai Smart Farms",
        "JP",
        "JP-27",
        "Asia/Tokyo",
        "business",
        TaxStatus.TAXABLE,
        {"esp32": 14, "m5stack": 3},
        "bank_transfer",
    ),
    (
        "Hudson Valley Sensors",
        "US",
        "US-NY",
        "America/New_York",
        "business",
        TaxStatus.EXEMPT,
        {"obniz-board": 6},
        "card",
    ),
]
LATE_SIGN_UP = ("Okinawa Buoy Lab", "JP", "JP-47", "Asia/Tokyo", "business", TaxStatus.TAXABLE, {"esp32": 5}, "card")
MONTHS_OF_HISTORY = 3
GOOD_CARD, DECLINING_CARD = "4242 4242 4242 4242", "4000 0000 0000 0341"


def _add_card(app: App, clock: TestClock, account_id: str, number: str) -> None:
    token = SandboxGateway.tokenize(number, 12, clock.now().year + 3, "123")
    add_card(app.db, app.gateway, clock, account_id, token, make_default=True)


def _sign_up(app: App, clock: TestClock, spec) -> str:
    name, country, sub, tz, plan, tax, fleet, pays = spec
    email = name.lower().replace(" ", ".") + "@example.com"
    with app.db.transaction() as conn:
        account, _ = open_account(
            conn, clock.now(), app.settings, NewAccount(name, country, plan, email, sub, tz, "JPY", tax)
        )
        for dt, n in fleet.items():
            for i in range(n):
                register_device(conn, clock.now(), account.id, dt, f"{dt}-{i + 1:03d}", "demo")
        if pays == "bank_transfer":
            set_collection_method(conn, clock.now(), account.id, "bank_transfer", "demo")
    if pays == "card":
        _add_card(app, clock, account.id, DECLINING_CARD if spec is LATE_SIGN_UP else GOOD_CARD)
    return account.id


def _seed(app: App, clock: TestClock) -> list[str]:
    now = clock.now()
    with app.db.transaction() as conn:
        for dt, name in DEVICE_TYPES.items():
            catalog.create_device_type(conn, now, dt, name)
        for plan, fee, prices in PLANS:
            catalog.create_plan(conn, now, plan, fee, prices)
    ids = [_sign_up(app, clock, spec) for spec in ACCOUNTS]
    with app.db.transaction() as conn:
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


def _pay_transfers(app: App, clock: TestClock, account_id: str) -> None:
    """The bank-transfer customer pays each invoice on the 28th of the month after it was issued."""
    inv = t.invoices
    with app.db.transaction() as conn:
        for row in conn.execute(select(inv).where(inv.c.account_id == account_id, inv.c.status == "open")).all():
            if clock.now().date() >= (row.issued_at + timedelta(days=27)).date():
                record_transfer(conn, clock.now(), row.id, row.amount_due, f"MUFG {row.number}", "demo")


def _switch_to_declining_card(app: App, clock: TestClock, account_id: str) -> None:
    """Hudson's new card is declined from now on: its next invoices go into dunning, then suspension."""
    _add_card(app, clock, account_id, DECLINING_CARD)
    with app.db.transaction() as conn:
        old = [c for c in load_cards(conn, account_id) if c.last4 == "4242"]
        for card in old:
            remove_card(conn, clock.now(), account_id, card.id)


def run_demo(app: App, console: Console) -> None:
    if app.gateway.name != "sandbox":
        console.print("[yellow]the demo uses the sandbox gateway (its test cards), whatever FLEETBILL_GATEWAY says[/]")
        app = App(app.settings, app.db, app.clock, SandboxGateway(app.settings.sandbox_webhook_secret))
    with app.db.transaction() as conn:
        seeded = conn.execute(select(t.accounts.c.id)).first() is not None
    if not seeded:
        real_now = app.clock.now()
        start = BillingMonth.containing(real_now, "Asia/Tokyo").next(-MONTHS_OF_HISTORY).start("Asia/Tokyo")
        clock = TestClock(start + timedelta(days=2, hours=1))
        sim = App(app.settings, app.db, clock, app.gateway)
        rng = random.Random(2026)
        with console.status("simulating three months of devices, closes and payments…"):
            ids = _seed(sim, clock)
            day = 0
            while clock.now() + timedelta(days=1) < real_now:
                clock.set(clock.now() + timedelta(days=1))
                day += 1
                if day == 28:
                    _switch_to_declining_card(sim, clock, ids[2])
                if clock.now() + timedelta(days=5) >= real_now and len(ids) == len(ACCOUNTS):
                    ids.append(_sign_up(sim, clock, LATE_SIGN_UP))
                _simulate_day(sim, clock, rng, ids)
                run_due_jobs(app.db, clock, app.settings, app.gateway)
                _pay_transfers(sim, clock, ids[1])
            password = secrets.token_urlsafe(12)
            with app.db.transaction() as conn:
                _, key = create_api_key(conn, real_now, "demo")
                create_staff(conn, real_now, DEMO_STAFF, "Demo Finance", password)
        console.print(f"seeded the demo; an operator API key for it: [bold]{key}[/] (shown once)")
        console.print(f"console login (shown once): [bold]{DEMO_STAFF}[/] / [bold]{password}[/]")
    run_due_jobs(app.db, app.clock, app.settings, app.gateway)
    _print_invoices(app, console)
    _print_accounts(app, console)


def _print_accounts(app: App, console: Console) -> None:
    table = Table(title="Accounts")
    table.add_column("account")
    table.add_column("pays by", no_wrap=True)
    table.add_column("open", justify="right", no_wrap=True)  # invoices not paid yet
    table.add_column("billing state", ratio=2)
    table.add_column("features", no_wrap=True)
    with app.db.read() as conn:
        accounts = load_accounts(conn)
        # The one definition of where an account stands, as its page, the console and the API say it
        # (the days in the account's own zone: Hudson's are New York's).
        states = billing_states(conn, app.clock.now(), [a.id for a in accounts])
        for account in accounts:
            open_count = conn.execute(
                select(func.count()).where(t.invoices.c.account_id == account.id, t.invoices.c.status == "open")
            ).scalar()
            standing = states[account.id]
            table.add_row(
                account.name,
                collection_method(conn, account.id).replace("_", " "),
                str(open_count),
                standing.summary() if standing.state != BillingState.ACTIVE else standing.label,
                "[green]on[/]" if standing.features_on else "[red]off[/]",
            )
    console.print(table)


def _print_invoices(app: App, console: Console) -> None:
    # Numbers, months and amounts never wrap; the account's name does. Below 100 columns the
    # subtotal and tax (in every invoice's PDF) are left out, so an 80-column terminal shows
    # every invoice number whole.
    wide = console.width >= 100
    money = ("subtotal", "tax", "total", "points", "to pay") if wide else ("total", "points", "to pay")
    table = Table(title="Invoices (newest first)")
    table.add_column("number", no_wrap=True)
    table.add_column("account", ratio=1, min_width=10)
    table.add_column("month", no_wrap=True)
    for col in money:
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    keys = {"subtotal": "subtotal", "tax": "tax_total", "total": "total", "points": "points_applied"}
    with app.db.read() as conn:
        for inv in views.invoices(conn, t.invoices.c.id.is_not(None), limit=50):
            amounts = [f"{inv[keys.get(col, 'amount_due')]:,}" for col in money]
            month = inv["billing_month"] or "purchase"
            table.add_row(inv["number"], inv["recipient_name"], month, *amounts, inv["status"])
    console.print(table)
    console.print(
        "See them: [bold]fleetbill serve[/], then the console at http://127.0.0.1:8000/console "
        "and the API at http://127.0.0.1:8000/docs"
    )
