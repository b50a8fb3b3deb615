"""The operator's dated table of tax rates per country/region (R12)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, insert, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.audit import audit
from ..domain.errors import Conflict, InvalidInput
from ..domain.tax import TaxRate, check_rate, check_region

JAPAN_CONSUMPTION_TAX = TaxRate("JP", None, Decimal("0.10"), datetime.fromisoformat("2019-10-01T00:00:00+09:00"))


def add_tax_rate(conn: Connection, rate: TaxRate, actor: str, now: datetime, *, allow_past: bool = False) -> dict:
    """A new rate from `valid_from`; accounts pick it up at their next renewal (R13).

    Never back-dated: a contract period takes the rate in force at its start, so a rate from a
    past instant would re-price periods already running, and invoices already issued would no
    longer match the table. Only the installation's seed (an empty table) may start in the past."""
    check_region(rate.country, rate.subdivision)
    check_rate(rate.rate)
    if rate.valid_from < now and not allow_past:
        raise InvalidInput(
            f"valid_from {rate.valid_from.isoformat()} is in the past; a new rate starts now or later "
            "(R13: accounts take it at their next renewal)"
        )
    tr = t.tax_rates
    clash = conn.execute(
        select(tr.c.id).where(
            tr.c.country == rate.country,
            tr.c.subdivision == (rate.subdivision or ""),
            tr.c.valid_from == rate.valid_from,
        )
    ).first()
    if clash:
        raise Conflict(f"{rate.subdivision or rate.country} already has a rate from {rate.valid_from.isoformat()}")
    row = dict(
        id=repo.new_id(),
        country=rate.country,
        subdivision=rate.subdivision or "",
        rate_ppm=repo.to_ppm(rate.rate),
        valid_from=rate.valid_from,
    )
    conn.execute(insert(tr), row)
    audit(
        conn,
        now,
        actor,
        "tax_rate.added",
        subject=rate.subdivision or rate.country,
        rate=str(rate.rate),
        valid_from=rate.valid_from,
    )
    return row


def seed_japan(conn: Connection, now: datetime) -> None:
    """Japan's 10% consumption tax, so a new installation can bill Japanese accounts at once."""
    if not any(r.country == "JP" for r in repo.load_tax_rates(conn)):
        add_tax_rate(conn, JAPAN_CONSUMPTION_TAX, "system", now, allow_past=True)
