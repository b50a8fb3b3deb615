"""Shared by the device use cases: key hashing, the closed-month guard and the month's lock (R1, R4)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, String, any_, bindparam, exists, select
from sqlalchemy.dialects.postgresql import ARRAY

from ..adapters.db import schema as t
from ..adapters.db.month_lock import share_months
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


def refuse_closed_month_of_device(conn: Connection, device_id: str, now: datetime) -> tuple[str, str]:
    """refuse_closed_month for the account of a device known by its id, in one read of that
    account's row (the device's row by its key finds it); NotFound for an unknown device.
    Returns the account's id and zone."""
    a, d = t.accounts, t.devices
    row = conn.execute(
        select(a.c.id, a.c.timezone, a.c.closed_through)
        .select_from(a.join(d, d.c.account_id == a.c.id))
        .where(d.c.id == device_id)
    ).first()
    if row is None:
        raise NotFound(f"no device {device_id}")
    _refuse(row[1], row[2], now)
    return row[0], row[1]


def share_month(conn: Connection, timezone: str, now: datetime) -> BillingMonth:
    """R4: hold the account's zone and billing month of `now` SHARED against that month's close
    until the transaction ends (adapters/db/month_lock.py): a change checked after this is either
    committed before the close reads the month, or sees it closed. Returns the month."""
    month = BillingMonth.containing(now, timezone)
    share_months(conn, [(timezone, month.index)])
    return month


def open_for(account_id: str, month: BillingMonth) -> ColumnElement[bool]:
    """R4 as a condition of the statement that writes: `month` is not closed for the account.
    In the write itself, after share_month, so it reads the account as the close committed it."""
    a = t.accounts
    return ~exists().where(a.c.id == account_id, a.c.closed_through >= month.index)


def _refuse(timezone: str, closed_through: int | None, now: datetime) -> None:
    refuse_if_closed(BillingMonth.containing(now, timezone), closed_through)


def refuse_if_closed(month: BillingMonth, closed_through: int | None) -> None:
    if closed_through is not None and closed_through >= month.index:
        raise Conflict(f"{month} is already closed for this account; a change cannot land in a closed month")


def among(conn: Connection, column, values: Sequence[str], name: str = "among") -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL instead of 10,000 bound ones."""
    if conn.dialect.name == "postgresql" and values:
        return column == any_(bindparam(name, list(values), type_=ARRAY(String)))
    return column.in_(values)
