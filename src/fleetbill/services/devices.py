"""Shared by the device use cases: key hashing and the closed-month guard (R1, R4)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Connection, exists, select

from ..adapters.db import schema as t
from ..domain.catalog import Account
from ..domain.errors import Conflict
from ..domain.periods import BillingMonth


def key_hash(device_key: str) -> str:
    return hashlib.sha256(device_key.encode()).hexdigest()


def refuse_closed_month(conn: Connection, account: Account, now: datetime) -> None:
    """R4: a status change can never land in a month that is already closed."""
    month = BillingMonth.containing(now, account.timezone)
    inv = t.invoices
    closed = conn.execute(
        select(exists().where(inv.c.account_id == account.id, inv.c.billing_month >= month.index))
    ).scalar()
    if closed:
        raise Conflict(f"{month} is already closed for this account; a change cannot land in a closed month")
