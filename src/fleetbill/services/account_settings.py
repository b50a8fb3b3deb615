"""Changing an account's settings (issue 10 item 5), from the API, the console or the billing page.

Name, language, billing contacts and postal address apply at once. Country/region and tax status
apply from the next contract period (R13): the change waits in account_changes and is applied
when that period begins, once the month before it is closed (in that close's transaction, as a
downgrade is: services/close_month), so every month is taxed under the settings of its period.
Each request is checked whole before anything is written; it writes its changes, their audit
rows and one account.updated event in the caller's transaction (R22)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, and_, insert, select, update

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_accounts as h
from ..adapters.db import views
from ..adapters.db.audit import audit
from ..adapters.db.views import pending_tax_changes
from ..domain.account_settings import AccountChanges, TaxProfile
from ..domain.catalog import Account
from ..domain.errors import InvalidInput
from ..domain.events import EventType, NewEvent
from ..domain.monthly import locked_rate
from ..domain.periods import BillingMonth
from .events import record
from .timeline import SERVER, Timeline

TAX = "tax"  # account_changes.field of a country/region and tax status change


def _pending(account_id) -> object:
    c = h.account_changes
    return and_(c.c.account_id == account_id, c.c.field == TAX, c.c.applied_at.is_(None), c.c.cancelled_at.is_(None))


def update_account(conn: Connection, now: datetime, account_id: str, changes: AccountChanges, actor: str) -> dict:
    """Apply `changes` (checked whole first: a refusal writes nothing); the account as GET shows it."""
    repo.lock_account(conn, account_id)
    account = repo.get_account(conn, account_id)
    at_once = changes.checked_now()
    tax = _tax_change(conn, now, account, changes) if changes.touches_tax else None
    if not at_once and tax is None:
        raise InvalidInput(
            "give at least one of name, language, billing_emails, postal_address, country, subdivision, tax_status"
        )
    old = _current(account)
    changed = {k: v for k, v in at_once.items() if old[k] != v}
    if changed:
        _apply_now(conn, now, account_id, old, changed, actor)
    if tax is not None:
        changed |= _request_tax_change(conn, now, account, tax, actor)
    if changed:
        told = {"account": views.account(conn, account_id), "changed": sorted(changed)}
        record(conn, now, NewEvent(EventType.ACCOUNT_UPDATED, account_id, told))
    return views.account(conn, account_id)


def _current(account: Account) -> dict:
    return dict(
        name=account.name,
        language=account.language,
        billing_emails=list(account.contacts),
        postal_address=account.postal_address,
    )


def _apply_now(conn: Connection, now: datetime, account_id: str, old: dict, changed: dict, actor: str) -> None:
    values = {k: v for k, v in changed.items() if k != "billing_emails"}
    if "billing_emails" in changed:
        # The first contact stays in billing_email, which everything before contacts reads.
        values |= dict(billing_email=changed["billing_emails"][0], billing_emails=json.dumps(changed["billing_emails"]))
    conn.execute(update(t.accounts).where(t.accounts.c.id == account_id).values(**values))
    conn.execute(
        insert(h.account_changes),
        [
            dict(
                account_id=account_id,
                field=field,
                old_value=json.dumps(old[field], ensure_ascii=False),
                new_value=json.dumps(new, ensure_ascii=False),
                requested_at=now,
                effective_at=now,
                applied_at=now,
                actor=actor[:100],
            )
            for field, new in changed.items()
        ],
    )
    details = {field: {"from": old[field], "to": new} for field, new in changed.items()}
    audit(conn, now, actor, "account.updated", account_id=account_id, subject=",".join(sorted(changed)), **details)


def _tax_change(conn: Connection, now: datetime, account: Account, changes: AccountChanges):
    """R13: the profile asked for and the instant it applies from (the next contract period's
    start), checked: a taxable profile needs a rate in force then. None: nothing to change."""
    pending = pending_tax_changes(conn, [account.id]).get(account.id)
    current = TaxProfile(account.country, account.subdivision, account.tax_status)
    base = TaxProfile(pending["country"], pending["subdivision"], pending["tax_status"]) if pending else current
    wanted = changes.tax_profile(base)
    plan = repo.get_plan(conn, account.plan_id)
    starts = account.contract(plan).next_renewal(now).start(account.timezone)
    future = replace(account, country=wanted.country, subdivision=wanted.subdivision, tax_status=wanted.tax_status)
    locked_rate(future, repo.load_tax_rates(conn), starts)  # Conflict: no rate for the region then
    return wanted, current, starts


def _request_tax_change(conn: Connection, now: datetime, account: Account, tax, actor: str) -> dict:
    """Replace any pending tax change with this one (none when it asks for what is in force)."""
    wanted, current, starts = tax
    c = h.account_changes
    replaced = conn.execute(update(c).where(_pending(account.id)).values(cancelled_at=now)).rowcount
    if wanted == current:
        if replaced:
            audit(conn, now, actor, "account.updated", account_id=account.id, subject=TAX, cancelled="pending change")
        return {TAX: None} if replaced else {}
    conn.execute(
        insert(c),
        dict(
            account_id=account.id,
            field=TAX,
            old_value=json.dumps(current.as_dict()),
            new_value=json.dumps(wanted.as_dict()),
            requested_at=now,
            effective_at=starts,
            actor=actor[:100],
        ),
    )
    audit(
        conn,
        now,
        actor,
        "account.updated",
        account_id=account.id,
        subject=TAX,
        tax={"from": current.as_dict(), "to": wanted.as_dict()},
        effective_at=starts,
    )
    return {TAX: wanted.as_dict()}


def apply_due_tax_changes(conn: Connection, now: datetime, timeline: Timeline = SERVER) -> int:
    """R13: the tax changes whose period has begun, once the month before it is closed (that
    month is taxed under the settings of its own period); each is told as account.updated."""
    c, a, inv = h.account_changes, t.accounts, t.invoices
    due = conn.execute(
        select(c, a.c.timezone, a.c.first_month)
        .join(a, a.c.id == c.c.account_id)
        .where(c.c.field == TAX, c.c.applied_at.is_(None), c.c.cancelled_at.is_(None), c.c.effective_at <= now)
        .where(timeline.accounts())
    ).all()
    applied = 0
    for d in due:
        month_before = BillingMonth.containing(d.effective_at, d.timezone).next(-1)
        closed = (
            month_before.index < d.first_month
            or conn.execute(
                select(inv.c.id).where(inv.c.account_id == d.account_id, inv.c.billing_month == month_before.index)
            ).first()
        )
        if not closed:
            continue
        profile = json.loads(d.new_value)
        conn.execute(update(a).where(a.c.id == d.account_id).values(**profile))
        conn.execute(update(c).where(c.c.id == d.id).values(applied_at=now))
        audit(conn, now, "worker", "account.tax_changed", account_id=d.account_id, subject=TAX, tax=profile)
        view = views.account(conn, d.account_id)
        record(conn, now, NewEvent(EventType.ACCOUNT_UPDATED, d.account_id, {"account": view, "changed": [TAX]}))
        applied += 1
    return applied


def address_at(conn: Connection, account_id: str, at: datetime) -> str | None:
    """R14: the postal address the account had at `at` (an invoice prints the one it was issued
    with): the old value of the first change at or after `at`, else the address now."""
    c = h.account_changes
    later = conn.execute(
        select(c.c.old_value)
        .where(c.c.account_id == account_id, c.c.field == "postal_address", c.c.effective_at >= at)
        .order_by(c.c.effective_at, c.c.id)
        .limit(1)
    ).first()
    if later is not None:
        return json.loads(later.old_value) if later.old_value else None
    return conn.execute(select(t.accounts.c.postal_address).where(t.accounts.c.id == account_id)).scalar()
