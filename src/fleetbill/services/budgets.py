"""A budget that warns (R20, issue 12 item 4): set an account's monthly budget or a plan's default,
and tell each account once per threshold and month when this month's projected bill reaches 80%
and 100% of its budget.

The check is set-based: every budgeted account of a timeline whose month is not yet told at 100%,
one metering query per month in force (the accounts' zones may be in two months near midnight),
priced by the close's own code (close_month._Pricing: alike accounts share a draft), then one row
and one budget.threshold_reached event per threshold newly reached, in the check's transaction.
The rows' primary key (account, month, threshold) lets the database refuse a second telling, so
two workers, or a worker and a request, never tell twice. The email and the webhooks react to the
published event like any other (services/notify, services/events).

When it runs: every few seconds in the worker (with the webhooks) for the accounts that turned a
device Active since the last look, so the event reaches the operator's platform within seconds of
the crossing; on every run of the due jobs (hourly by default, at the server's time and at each
test clock's) for every budgeted account; and at once for the account whose budget, or whose
plan's default, is set. Never in the switch's own transaction: ingestion stays one short
transaction with no whole-account work (issue 11 item 4)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import views
from ..adapters.db.audit import audit
from ..adapters.db.marks import kept_for
from ..adapters.db.schema_budgets import budget_thresholds
from ..adapters.db.usage import billable_quantities
from ..domain.budget import THRESHOLDS, Budget, checked_budget, effective_budget, newly_reached, share
from ..domain.errors import BillingError
from ..domain.events import EventType, NewEvent
from ..domain.periods import BillingMonth
from ..settings import Settings
from .close_month import _Pricing
from .events import record
from .timeline import SERVER
from .usage_now import UsageNow

log = logging.getLogger("fleetbill.budgets")


def _budgeted() -> ColumnElement[bool]:
    """The accounts with a budget: their own, or their plan's default."""
    a, p = t.accounts, t.plans
    return or_(a.c.budget.is_not(None), a.c.plan_id.in_(select(p.c.id).where(p.c.default_budget.is_not(None))))


def check_budgets(conn: Connection, now: datetime, settings: Settings, accounts: ColumnElement[bool]) -> int:
    """R20: tell the thresholds newly reached by this month's projection, for the budgeted ones of
    `accounts` (a condition on the accounts table), in the caller's transaction; how many."""
    a = t.accounts
    zones = conn.execute(select(a.c.timezone).where(accounts, _budgeted()).distinct()).scalars().all()
    by_month: dict[int, list[str]] = defaultdict(list)
    for zone in zones:
        by_month[BillingMonth.containing(now, zone).index].append(zone)
    return sum(_check_month(conn, now, settings, BillingMonth(m), z, accounts) for m, z in sorted(by_month.items()))


def check_recent_budgets(conn: Connection, now: datetime, settings: Settings, since: datetime) -> int:
    """R20 between the worker's runs: check the accounts on the server's time with a device turned
    Active (or registered) at or after `since`; only those can have a higher projection. A range of
    ix_status_changes_month, so the worker does it every few seconds; the full check of every
    budgeted account on each run catches anything this misses (a change that committed late)."""
    sc = t.status_changes
    switched_on = select(sc.c.account_id).where(sc.c.effective_at >= since, sc.c.delta > 0)
    return check_budgets(conn, now, settings, and_(SERVER.accounts(), t.accounts.c.id.in_(switched_on)))


def _check_month(conn: Connection, now: datetime, settings: Settings, month, zones, accounts) -> int:
    a, p, bt = t.accounts, t.plans, budget_thresholds
    bounds = {zone: month.bounds(zone) for zone in zones}
    all_told = exists().where(bt.c.account_id == a.c.id, bt.c.month == month.index, bt.c.threshold == THRESHOLDS[-1])
    scope = and_(accounts, _budgeted(), a.c.timezone.in_(zones), ~all_told)
    rows = conn.execute(select(a, p.c.default_budget).join(p, p.c.id == a.c.plan_id).where(scope)).all()
    if not rows:
        return 0
    marks = month.index if kept_for(conn, bounds) else None  # R5: the month's marks, when they hold it all
    quantities: dict[str, dict[str, int]] = defaultdict(dict)
    for (account_id, device_type), n in billable_quantities(conn, bounds, scope, marks).items():
        quantities[account_id][device_type] = n
    told: dict[str, set[int]] = defaultdict(set)
    in_scope = bt.c.account_id.in_(select(a.c.id).where(scope))
    for account_id, threshold in conn.execute(
        select(bt.c.account_id, bt.c.threshold).where(bt.c.month == month.index, in_scope)
    ):
        told[account_id].add(threshold)
    pricing = _Pricing(conn, month, bounds, settings, {r.plan_id for r in rows}, scope)
    count = 0
    for row in rows:
        budget = effective_budget(row.budget, row.default_budget)
        try:
            draft = pricing.draft(row, quantities.get(row.id, {}))
        except BillingError as e:  # no price in force, no tax rate: the close says so; nothing to tell
            log.warning("budget of account %s not checked for %s: %s", row.id, month, e.detail)
            continue
        for threshold in newly_reached(draft.amount_due, budget.amount, told[row.id]):
            count += _tell(conn, now, row, month, threshold, budget, draft)
    return count


def _tell(conn: Connection, now: datetime, account, month: BillingMonth, threshold: int, budget: Budget, draft) -> int:
    """The threshold's row and its event, unless the database already holds it (told by another)."""
    bt = budget_thresholds
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    row = dict(
        account_id=account.id,
        month=month.index,
        threshold=threshold,
        reached_at=now,
        projection=draft.amount_due,
        budget=budget.amount,
    )
    added = conn.execute(insert(bt).values(**row).on_conflict_do_nothing().returning(bt.c.threshold)).first()
    if added is None:
        return 0
    payload = dict(
        threshold=threshold,
        billing_month=str(month),
        currency=account.currency,
        budget=budget.amount,
        budget_source=budget.source,
        projection=draft.amount_due,  # NOTE: R20 the month's bill projected, tax included, less points
        projected_total=draft.total,
        points_applied=draft.points_applied,
        share=share(draft.amount_due, budget.amount),
        reached_at=now,
    )
    record(conn, now, NewEvent(EventType.BUDGET_THRESHOLD_REACHED, account.id, payload))
    return 1


def set_budget(conn: Connection, now: datetime, settings: Settings, account_id: str, amount, actor: str) -> None:
    """R20: the account's monthly budget (None: its plan's default, if any), checked whole before
    anything is written; audited, told as account.updated, and checked against the month at once."""
    amount = checked_budget(amount, "amount")
    repo.lock_account(conn, account_id)
    repo.get_account(conn, account_id)  # NotFound names it
    a = t.accounts
    old = conn.execute(select(a.c.budget).where(a.c.id == account_id)).scalar()
    if old == amount:
        return
    conn.execute(update(a).where(a.c.id == account_id).values(budget=amount))
    audit(
        conn, now, actor, "account.updated", account_id=account_id, subject="budget", budget={"from": old, "to": amount}
    )
    told = {"account": views.account(conn, account_id), "changed": ["budget"], "budget": amount}
    record(conn, now, NewEvent(EventType.ACCOUNT_UPDATED, account_id, told))
    check_budgets(conn, now, settings, a.c.id == account_id)


def set_plan_default_budget(conn: Connection, now: datetime, settings: Settings, plan_id: str, amount, actor: str):
    """R20: the budget of every account on the plan that sets none itself (None: no default);
    those accounts are checked against it at once."""
    amount = checked_budget(amount, "default_budget")
    p = t.plans
    repo.get_plan(conn, plan_id)  # NotFound names the plan
    old = conn.execute(select(p.c.default_budget).where(p.c.id == plan_id)).scalar()
    if old == amount:
        return
    conn.execute(update(p).where(p.c.id == plan_id).values(default_budget=amount))
    audit(conn, now, actor, "plan.default_budget_set", subject=plan_id, default_budget={"from": old, "to": amount})
    a = t.accounts
    check_budgets(conn, now, settings, and_(a.c.plan_id == plan_id, a.c.budget.is_(None), a.c.test_clock_id.is_(None)))


def budget_view(conn: Connection, usage: UsageNow) -> dict:
    """R20: the account's budget, its plan's default, the one in force, this month's projection
    against it and the thresholds told this month (the API's and the billing page's)."""
    a, p, bt = t.accounts, t.plans, budget_thresholds
    own, default, currency = conn.execute(
        select(a.c.budget, p.c.default_budget, a.c.currency)
        .join(p, p.c.id == a.c.plan_id)
        .where(a.c.id == usage.account_id)
    ).one()
    budget = effective_budget(own, default)
    projection = usage.estimate.amount_due
    reached = conn.execute(
        select(bt.c.threshold, bt.c.reached_at, bt.c.projection, bt.c.budget)
        .where(bt.c.account_id == usage.account_id, bt.c.month == usage.month.index)
        .order_by(bt.c.threshold)
    ).all()
    return dict(
        account_id=usage.account_id,
        amount=own,
        plan_default=default,
        effective=None if budget is None else dict(amount=budget.amount, source=budget.source),
        currency=currency,
        billing_month=str(usage.month),
        as_of=usage.as_of,
        projection=projection,
        share=None if budget is None else share(projection, budget.amount),
        thresholds=list(THRESHOLDS),
        reached=[
            dict(threshold=r.threshold, reached_at=r.reached_at, projection=r.projection, budget=r.budget)
            for r in reached
        ],
    )


__all__ = ["budget_view", "check_budgets", "check_recent_budgets", "set_budget", "set_plan_default_budget"]
