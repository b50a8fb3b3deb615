"""R9: a new price version, announced in advance to every account on the plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.audit import audit
from ..domain.catalog import Plan, check_price_change
from ..domain.errors import Conflict
from ..domain.events import EventType, NewEvent
from ..domain.money import Money
from ..domain.periods import BillingMonth
from ..domain.rating import Tier
from .catalog import insert_price_version
from .events import record


def announce_price_change(
    conn: Connection,
    now: datetime,
    plan_id: str,
    month: BillingMonth,
    fixed_fee: int,
    prices: Mapping[str, Sequence[Tier]],
    actor: str,
) -> dict:
    """Store the version and queue a notice to each account on the plan, or refuse it whole."""
    plan = repo.get_plan(conn, plan_id)
    check_announcement(conn, now, plan, month)
    a = t.accounts
    version_id = insert_price_version(conn, plan_id, month, now, fixed_fee, prices)
    account_ids = conn.execute(select(a.c.id).where(a.c.plan_id == plan_id)).scalars().all()
    # What the customer needs to read (the email shows each key), with the ids an integrator
    # looks up; one event per account on the plan (R9: each is told, R22).
    announced = {
        "plan": plan.name,
        "effective_month": str(month),
        "fixed_fee": _fee_in_words(fixed_fee, plan),
        "prices": [f"{dt}: {_tiers_in_words(prices[dt], plan.currency)}" for dt in sorted(prices)],
        "tax": "not included; added on the invoice",
        "plan_id": plan_id,
        "price_version_id": version_id,
    }
    record(conn, now, *(NewEvent(EventType.PRICE_VERSION_ANNOUNCED, i, announced) for i in account_ids))
    audit(
        conn,
        now,
        actor,
        "price_version.announced",
        subject=plan_id,
        effective_month=str(month),
        fixed_fee=fixed_fee,
        prices={k: [[tier.up_to, tier.unit_price] for tier in v] for k, v in prices.items()},
        notified_accounts=len(account_ids),
    )
    return {"id": version_id, "plan_id": plan_id, "effective_month": str(month), "notified_accounts": len(account_ids)}


def check_announcement(conn: Connection, now: datetime, plan: Plan, month: BillingMonth) -> None:
    """R9: refuse a version announced inside the notice period, reaching into a closed month, or
    for a month the plan already has prices from (the announcement's checks, and its preview's)."""
    inv, a = t.invoices, t.accounts
    latest = conn.execute(
        select(func.max(inv.c.billing_month)).join(a, a.c.id == inv.c.account_id).where(a.c.plan_id == plan.id)
    ).scalar()
    check_price_change(plan, month, now, BillingMonth(latest) if latest is not None else None)
    existing = conn.execute(
        select(t.price_versions.c.id).where(
            t.price_versions.c.plan_id == plan.id, t.price_versions.c.effective_month == month.index
        )
    ).first()
    if existing:
        raise Conflict(f"plan {plan.id} already has a price version from {month}; announce another month")


def _fee_in_words(fixed_fee: int, plan) -> str:
    if fixed_fee == 0:
        return "none"
    return f"{Money(fixed_fee, plan.currency)} a {'month' if plan.term.months == 1 else 'year'}"


def _tiers_in_words(tiers: Sequence[Tier], currency: str) -> str:
    """[3 at 0, the rest at 120] -> "first 3 free, then 120 JPY a device a month"."""
    parts, first = [], 1
    for tier in tiers:
        price = "free" if tier.unit_price == 0 else str(Money(tier.unit_price, currency))
        at = price if tier.unit_price == 0 else f"at {price}"
        if tier.up_to is None:
            parts.append(price if first == 1 else f"then {price}")
        elif first == tier.up_to:
            parts.append(f"{'first device' if first == 1 else f'device {first}'} {at}")
        else:
            parts.append(f"{f'first {tier.up_to}' if first == 1 else f'{first} to {tier.up_to}'} {at}")
        first = (tier.up_to or 0) + 1
    priced = [i for i, tier in enumerate(tiers) if tier.unit_price]
    if priced:  # the unit, once, after the last price that is not free
        parts[priced[-1]] += " a device a month"
    return ", ".join(parts)
