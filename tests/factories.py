"""Small builders for tests: a catalog, accounts and devices, through the real services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from fleetbill.bootstrap import App
from fleetbill.domain.catalog import Plan
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.rating import Tier
from fleetbill.domain.tax import TaxRate, TaxStatus
from fleetbill.services import catalog
from fleetbill.services.open_account import NewAccount, open_account
from fleetbill.services.register_device import register_device
from fleetbill.services.switch_devices import switch_devices
from fleetbill.services.tax_table import add_tax_rate

FIRST_3_FREE = [Tier(3, 0), Tier(None, 300)]


def device_type(app: App, device_type_id: str = "esp32", name: str = "ESP32") -> str:
    with app.db.transaction() as conn:
        catalog.create_device_type(conn, app.clock.now(), device_type_id, name)
    return device_type_id


def plan(
    app: App,
    plan_id: str = "basic",
    prices: dict[str, Sequence[Tier]] | None = None,
    *,
    term: ContractTerm = ContractTerm.MONTHLY,
    mode: CountingMode = CountingMode.PEAK,
    fixed_fee: int = 0,
    notice_days: int = 30,
    allow_bank_transfer: bool = False,
) -> str:
    prices = prices if prices is not None else {"esp32": [Tier(None, 100)]}
    with app.db.transaction() as conn:
        catalog.create_plan(
            conn,
            app.clock.now(),
            Plan(plan_id, plan_id.title(), "JPY", term, notice_days, mode, ("api",), allow_bank_transfer),
            fixed_fee,
            prices,
        )
    return plan_id


def account(
    app: App,
    plan_id: str = "basic",
    *,
    name: str = "Acme",
    country: str = "JP",
    subdivision: str | None = None,
    timezone: str = "Asia/Tokyo",
    tax_status: TaxStatus = TaxStatus.TAXABLE,
    billing_email: str = "billing@example.com",
    language: str = "en",  # the tests read English emails unless they ask for Japanese
) -> str:
    with app.db.transaction() as conn:
        acc, _ = open_account(
            conn,
            app.clock.now(),
            app.settings,
            NewAccount(
                name, country, plan_id, billing_email, subdivision, timezone, "JPY", tax_status, language=language
            ),
        )
    return acc.id


def devices(app: App, account_id: str, n: int, device_type_id: str = "esp32") -> list[str]:
    with app.db.transaction() as conn:
        return [
            register_device(conn, app.clock.now(), account_id, device_type_id, f"d{i}", "test").id for i in range(n)
        ]


def switch(app: App, account_id: str, device_ids: Sequence[str], active: bool) -> None:
    with app.db.transaction() as conn:
        switch_devices(conn, app.clock.now(), account_id, device_ids, active, "test")


def tax_rate(app: App, country: str, rate: str, valid_from: datetime, subdivision: str | None = None) -> None:
    with app.db.transaction() as conn:
        add_tax_rate(conn, TaxRate(country, subdivision, Decimal(rate), valid_from), "test", app.clock.now())
