"""Shared by the device use cases: key hashing and the closed-month guard (R1, R4)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from ..adapters.db import schema as t
from ..domain.catalog import Account
from ..domain.errors import Conflict, NotFound
from ..domain.periods import BillingMonth


def key_hash(device_key: str) -> str:
    return hashlib.sha256(device_key.encode()).hexdigest()


def refuse_closed_month(conn: Connection, account: Account, now: datetime) -> None:
    """R4: a status change can never land in a month that is already closed."""
    _refuse(account.timezone, _closed_through(conn, account.id), now)


def refuse_closed_month_of(conn: Connection, account_id: str, now: datetime) -> str:
    """refuse_closed_month for an account known by its id, in one indexed read (its zone and its
    last month closed); NotFound for an unknown account. Returns the account's time zone."""
    a = t.accounts
    row = conn.execute(select(a.c.timezone, _last_closed(a.c.id)).where(a.c.id == account_id)).first()
    if row is None:
        raise NotFound(f"no account {account_id}")
    _refuse(row[0], row[1], now)
    return row[0]


def _last_closed(account_id) -> ColumnElement:
    """The account's last month with a monthly invoice: the end of the (account_id, billing_month)
    unique index, one entry read however many invoices it has."""
    inv = t.invoices
    return select(func.max(inv.c.billing_month)).where(inv.c.account_id == account_id).scalar_subquery()


def _closed_through(conn: Connection, account_id: str) -> int | None:
    return conn.execute(select(_last_closed(account_id))).scalar()


def _refuse(timezone: str, closed_through: int | None, now: datetime) -> None:
    month = BillingMonth.containing(now, timezone)
    if closed_through is not None and closed_through >= month.index:
        raise Conflict(f"{month} is already closed for this account; a change cannot land in a closed month")


def among(conn: Connection, column, values: Sequence[str], name: str = "among") -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL instead of 10,000 bound ones."""
    if conn.dialect.name == "postgresql" and values:
        return column == any_(bindparam(name, list(values), type_=ARRAY(String)))
    return column.in_(values)
