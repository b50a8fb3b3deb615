"""R25 (issue 12 item 2): the bill before the switch. Reads what the close would read for the
account's month so far (its opening levels and high-water marks, one row per device type), the
devices the plan names, and the catalog; prices it with domain/what_if.py; writes nothing.

Run it in a read-only transaction (Database.read): the API and the device settings page do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, String, Text, func, literal, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.marks import kept_for
from ..adapters.db.usage import _instant, _openings
from ..domain.errors import InvalidInput, NotFound
from ..domain.marks import Mark, fold_all
from ..domain.periods import BillingMonth
from ..domain.what_if import Catalog, DeviceNow, MonthSoFar, PlanHeld, PlannedSwitch, WhatIf, planned_plan, what_if
from ..settings import Settings
from .change_plan import check_plan_change, pending_downgrades
from .devices import _refuse as refuse_closed

MAX_CHANGES = 10_000


def preview(
    conn: Connection,
    now: datetime,
    settings: Settings,
    account_id: str,
    switches: Sequence[PlannedSwitch],
    plan_id: str | None = None,
) -> WhatIf:
    """This month's and next month's bills before and after `switches` (and a change to `plan_id`
    asked for now), as the close would make them; reads only."""
    found = conn.execute(select(t.accounts).where(t.accounts.c.id == account_id)).first()
    if found is None:
        raise NotFound(f"no account {account_id}")
    account = repo._account(found)
    # NOTE: R4 no change lands in a closed month: none is previewed (one read of the account's row)
    refuse_closed(account.timezone, found.closed_through, now)
    month = BillingMonth.containing(now, account.timezone)
    start, end = month.bounds(account.timezone)
    down = pending_downgrades(conn, account.id).get(account.id)
    held = PlanHeld(account.plan_id, account.contract_started_at, down)
    wanted = {account.plan_id} | ({down[0]} if down else set())
    plans = repo.load_plans(conn, wanted | ({plan_id} if plan_id else set()))
    if plan_id is not None and plan_id not in plans:
        raise _no_plan(plan_id)
    after = held
    if plan_id is not None:
        kind = check_plan_change(conn, now, account, plans[account.plan_id], plans[plan_id])
        after = planned_plan(account, held, plans[account.plan_id], plan_id, kind, now)
    catalog = Catalog(
        plans=plans,
        versions=repo.load_price_versions(conn, plans),
        device_type_names=repo.device_type_names(conn),
        rates=repo.load_tax_rates(conn),
        rounding=settings.tax_rounding,
    )
    so_far = MonthSoFar(
        start, end, now, _opening_levels(conn, account.id, start), _marks(conn, account.id, month, account.timezone)
    )
    devices = _devices(conn, account.id, [s.device_id for s in switches])
    grants = repo.load_open_grants(conn, t.point_grants.c.account_id == account.id).get(account.id, [])
    return what_if(account, held, so_far, devices, switches, after, catalog, grants)


def _no_plan(plan_id: str) -> InvalidInput:
    return InvalidInput(f"plan_id: there is no plan {plan_id!r}; GET /v1/plans lists them")


def _opening_levels(conn: Connection, account_id: str, start: datetime) -> dict[str, int]:
    """R5: the count of Active devices per type at the month's start, as the close reads it: stored
    by the last close (one indexed read), or else summed from the history before the start."""
    ol = t.opening_levels
    stored = conn.execute(
        select(ol.c.device_type_id, ol.c.level).where(ol.c.at == _instant(start), ol.c.account_id == account_id)
    ).all()
    if not stored:  # its first month, an imported fleet, a changed zone: as usage._openings sums it
        scope = select(literal(account_id, String).label("account_id"), _instant(start).label("start")).cte("scope")
        opening = _openings(scope, [start]).subquery("opening")
        stored = conn.execute(select(opening.c.device_type_id, opening.c.level)).all()
    return {dt: int(n) for dt, n in stored if n}


def _marks(conn: Connection, account_id: str, month: BillingMonth, tz: str) -> dict[str, Mark]:
    """The month's high-water marks per device type: stored as changes arrive, or folded here from
    the month's changes when the marks do not hold the month (it began before they were kept)."""
    start, end = month.bounds(tz)
    if kept_for(conn, {tz: (start, end)}):
        m = t.month_marks
        rows = conn.execute(
            select(m.c.device_type_id, m.c.level, m.c.peak_before, m.c.last_at).where(
                m.c.month == month.index, m.c.account_id == account_id
            )
        )
        return {r.device_type_id: Mark(r.level, r.peak_before, r.last_at) for r in rows}
    sc = t.status_changes
    rows = conn.execute(
        select(sc.c.device_type_id, sc.c.effective_at, func.sum(sc.c.delta))
        .where(sc.c.account_id == account_id, sc.c.effective_at >= start, sc.c.effective_at < end)
        .group_by(sc.c.device_type_id, sc.c.effective_at)
        .order_by(sc.c.device_type_id, sc.c.effective_at)
    ).all()
    instants: dict[str, list[tuple[datetime, int]]] = {}
    for device_type, at, delta in rows:
        instants.setdefault(device_type, []).append((at, int(delta)))
    return {dt: mark for dt, changes in instants.items() if (mark := fold_all(start, changes)) is not None}


def _devices(conn: Connection, account_id: str, ids: list[str]) -> dict[str, DeviceNow]:
    """The named devices of the account and their status now (an id not found is left out: the core
    names it in its refusal). On PostgreSQL the ids go as one text, split by the server: 10,000
    ids as an array parameter cost more to send than the query takes."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    d = t.devices
    if conn.dialect.name == "postgresql":
        # a semi-join on the ids unnested: hashed, where `= ANY(string_to_array(...))` compares each
        # device with every id (10,000 x 10,000)
        named = d.c.id.in_(select(func.unnest(func.string_to_array(literal(",".join(ids), Text), ","))))
    else:
        named = d.c.id.in_(ids)
    rows = conn.execute(select(d.c.id, d.c.device_type_id, d.c.active).where(d.c.account_id == account_id, named))
    return {device_id: DeviceNow(device_type, bool(active)) for device_id, device_type, active in rows}
