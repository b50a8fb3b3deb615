"""Shared by the device use cases: key hashing and the closed-month guard (R1, R4)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from ..adapters.db import schema as t
from ..domain.catalog import Account
from ..domain.errors import Conflict, NotFound
from ..domain.periods import BillingMonth


def key_hash(device_key: str) -> str:
    return hashlib.sha256(device_key.encode()).hexdigest()


def refuse_closed_month(conn: Connection, account: Account, now: datetime) -> None:
    """R4: a status change can never land in a month that is already closed."""
    a = t.accounts
    _refuse(account.timezone, conn.execute(select(a.c.closed_through).where(a.c.id == account.id)).scalar(), now)


def refuse_closed_month_of(conn: Connection, account_id: str, now: datetime) -> str:
    """refuse_closed_month for an account known by its id, in one read of its row (its zone and its
    last month closed, which the close moves); NotFound for an unknown account. Returns its zone."""
    a = t.accounts
    row = conn.execute(select(a.c.timezone, a.c.closed_through).where(a.c.id == account_id)).first()
    if row is None:
        raise NotFound(f"no account {account_id}")
    _refuse(row[0], row[1], now)
    return row[0]


def _refuse(timezone: str, closed_through: int | None, now: datetime) -> None:
    month = BillingMonth.containing(now, timezone)
    if closed_through is not None and closed_through >= month.index:
        raise Conflict(f"{month} is already closed for this account; a change cannot land in a closed month")


def among(conn: Connection, column, values: Sequence[str], name: str = "among") -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL instead of 10,000 bound ones."""
    if conn.dialect.name == "postgresql" and values:
        return column == any_(bindparam(name, list(values), type_=ARRAY(String)))
    return column.in_(values)
