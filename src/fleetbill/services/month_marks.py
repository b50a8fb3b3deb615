"""R5 (issue 11 item 2): make a month's high-water marks again from its status changes, for every
account, when `fleetbill close --verify` found them disagreeing (or after a bulk load that wrote
the history without the services)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..adapters.db import schema as t
from ..adapters.db.engine import Database
from ..adapters.db.marks import rebuild_marks
from ..domain.periods import BillingMonth


def rebuild_month_marks(db: Database, month: BillingMonth) -> int:
    """The month's marks of every account, in the bounds of each account's zone; how many."""
    with db.transaction() as conn:
        zones = conn.execute(select(t.accounts.c.timezone).distinct()).scalars().all()
        if not zones:
            return 0
        rebuild_marks(conn, month, {tz: month.bounds(tz) for tz in zones})
        m = t.month_marks
        return conn.execute(select(func.count()).select_from(m).where(m.c.month == month.index)).scalar_one()
