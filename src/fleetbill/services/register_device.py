"""R1: register a device; it is Active, and billable, from the instant its key is generated."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.marks import note_changes
from ..domain.catalog import has_visible_character
from ..domain.errors import InvalidInput
from ..domain.events import EventType, NewEvent
from .devices import key_hash, refuse_closed_month, share_month
from .events import record


@dataclass(frozen=True)
class RegisteredDevice:
    id: str
    account_id: str
    device_type_id: str
    name: str
    device_key: str  # shown once: only its hash is stored
    registered_at: datetime


def register_device(
    conn: Connection,
    now: datetime,
    account_id: str,
    device_type_id: str,
    name: str,
    actor: str,
    request_id: str | None = None,
) -> RegisteredDevice:
    account = repo.get_account(conn, account_id)
    if not conn.execute(select(t.device_types.c.id).where(t.device_types.c.id == device_type_id)).first():
        raise InvalidInput(f"unknown device type {device_type_id!r}")
    plan_prices = repo.load_price_versions(conn, [account.plan_id])[account.plan_id]
    if not any(device_type_id in v.tiers for v in plan_prices):
        raise InvalidInput(f"plan {account.plan_id} has no price for device type {device_type_id!r}")
    share_month(conn, account.timezone, now)  # NOTE: R4 against the month's close, before its check
    refuse_closed_month(conn, account, now)
    # NOTE: R1 the key is generated here, in the same transaction as the device and its first
    # Active record: a device whose key generation did not complete does not exist, so is never billed.
    device_key = "dk_" + secrets.token_urlsafe(32)
    device_id = repo.new_id()
    name = name.strip() if has_visible_character(name) else device_id[:8]
    conn.execute(
        insert(t.devices),
        dict(
            id=device_id,
            account_id=account.id,
            device_type_id=device_type_id,
            name=name,
            key_hash=key_hash(device_key),
            key_last4=device_key[-4:],
            active=True,
            registered_at=now,
            status_at=now,  # R5: the instant of its status, which a later switch must not precede
        ),
    )
    conn.execute(
        insert(t.status_changes),
        dict(
            device_id=device_id,
            account_id=account.id,
            device_type_id=device_type_id,
            active=True,
            delta=1,  # R5: one more device Active
            effective_at=now,
            actor=actor,
            request_id=request_id,
        ),
    )
    note_changes(conn, account.id, account.timezone, [(device_type_id, now, 1)])  # NOTE: R5 (issue 11)
    device = dict(
        id=device_id,
        account_id=account.id,
        device_type_id=device_type_id,
        name=name,
        key_last4=device_key[-4:],
        active=True,
        registered_at=now,
    )
    record(conn, now, NewEvent(EventType.DEVICE_REGISTERED, account.id, {"device": device}))  # NOTE: R22
    return RegisteredDevice(device_id, account.id, device_type_id, name, device_key, now)
