"""The operator's catalog: device types and plans with their first price version (R7)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, insert, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..domain.catalog import Plan, check_name, first_price_month, has_visible_character
from ..domain.errors import Conflict, InvalidInput
from ..domain.money import check_currency
from ..domain.periods import BillingMonth
from ..domain.rating import Tier, check_tiers

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_code(kind: str, code: str) -> str:
    if not _CODE.match(code or ""):
        raise InvalidInput(f"{kind} id must be 1-64 lowercase letters, digits, '-' or '_', not {code!r}")
    return code


def create_device_type(conn: Connection, now: datetime, device_type_id: str, name: str) -> dict:
    check_code("device type", device_type_id)
    if conn.execute(select(t.device_types.c.id).where(t.device_types.c.id == device_type_id)).first():
        raise Conflict(f"device type {device_type_id!r} already exists")
    name = name.strip() if has_visible_character(name) else device_type_id
    row = dict(id=device_type_id, name=name, created_at=now)
    conn.execute(insert(t.device_types), row)
    return row


def check_price_version(
    conn: Connection, fixed_fee: int, prices: Mapping[str, Sequence[Tier]]
) -> dict[str, tuple[Tier, ...]]:
    """R7, R9: a price version's fee and tiers, checked; every device type priced must exist."""
    if fixed_fee < 0:
        raise InvalidInput(f"fixed_fee must be 0 or more, not {fixed_fee}")
    if not prices:
        raise InvalidInput("a price version needs a price for at least one device type")
    known = set(repo.device_type_names(conn))
    unknown = sorted(set(prices) - known)
    if unknown:
        raise InvalidInput(f"unknown device type(s) {', '.join(unknown)}; create them first")
    return {dt: check_tiers(tiers) for dt, tiers in prices.items()}


def insert_price_version(
    conn: Connection,
    plan_id: str,
    month: BillingMonth,
    announced_at: datetime,
    fixed_fee: int,
    prices: Mapping[str, Sequence[Tier]],
) -> str:
    """Store one price version; every device type priced must exist and every tier list be valid."""
    checked = check_price_version(conn, fixed_fee, prices)
    version_id = repo.new_id()
    conn.execute(
        insert(t.price_versions),
        dict(
            id=version_id, plan_id=plan_id, effective_month=month.index, announced_at=announced_at, fixed_fee=fixed_fee
        ),
    )
    conn.execute(
        insert(t.price_tiers),
        [
            dict(
                price_version_id=version_id, device_type_id=dt, position=n, up_to=tier.up_to, unit_price=tier.unit_price
            )
            for dt, tiers in checked.items()
            for n, tier in enumerate(tiers)
        ],
    )
    return version_id


def create_plan(
    conn: Connection, now: datetime, plan: Plan, fixed_fee: int, prices: Mapping[str, Sequence[Tier]]
) -> Plan:
    """A new plan and its first prices, in force from the beginning (no account is on it yet)."""
    check_code("plan", plan.id)
    plan = replace(plan, name=check_name(plan.name, "a plan's name"))
    check_currency(plan.currency)
    if plan.notice_days < 0:
        raise InvalidInput(f"notice_days must be 0 or more, not {plan.notice_days}")
    if conn.execute(select(t.plans.c.id).where(t.plans.c.id == plan.id)).first():
        raise Conflict(f"plan {plan.id!r} already exists")
    conn.execute(
        insert(t.plans),
        dict(
            id=plan.id,
            name=plan.name,
            currency=plan.currency,
            term=plan.term.value,
            notice_days=plan.notice_days,
            counting_mode=plan.counting_mode.value,
            features=json.dumps(list(plan.features)),
            allow_bank_transfer=plan.allow_bank_transfer,
            created_at=now,
        ),
    )
    insert_price_version(conn, plan.id, first_price_month(now), now, fixed_fee, prices)
    return plan
