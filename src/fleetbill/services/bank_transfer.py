"""R18: paying by bank transfer: enabled by the operator, recorded when the money arrives,
reminded when overdue, suspended after the grace period (R19)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db import views
from ..adapters.db.audit import audit
from ..domain.catalog import has_visible_character
from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import UNRESOLVED, CollectionState, InvoiceState, owed, sources
from ..domain.local_time import last_day_before
from .billing_state import account_billing_state
from .event_payloads import invoice_ref
from .events import record
from .open_collections import bank_transfer_due
from .payments import receive_payment
from .reactions import emit, entitlements_changed
from .suspension import suspend
from .timeline import SERVER, Timeline

COLLECTING = CollectionState.COLLECTING
REMINDER_DAYS = (1, 7)  # reminders this many days after the due date


def set_collection_method(conn: Connection, now: datetime, account_id: str, method: str, actor: str) -> str:
    """The operator switches an account between card and bank transfer ("talk to us")."""
    if method not in ("card", "bank_transfer"):
        raise InvalidInput(f"collection method must be 'card' or 'bank_transfer', not {method!r}")
    account = repo.get_account(conn, account_id)
    if method == "bank_transfer" and not repo.get_plan(conn, account.plan_id).allow_bank_transfer:
        raise Conflict(f"plan {account.plan_id} does not allow bank transfer; move the account to a plan that does")
    if method == "bank_transfer":
        # NOTE: R10, R18 nor the plan a pending downgrade moves it to, at the renewal.
        pc = p.plan_changes
        pending = conn.execute(
            select(pc.c.to_plan_id).where(
                pc.c.account_id == account_id, pc.c.applied_at.is_(None), pc.c.cancelled_at.is_(None)
            )
        ).scalar()
        if pending is not None and not repo.get_plan(conn, pending).allow_bank_transfer:
            raise Conflict(
                f"the account moves to plan {pending} at its renewal, which does not allow bank transfer; "
                "choose a plan that does first"
            )
    features_were_on = account_billing_state(conn, now, account_id).features_on
    bs = p.billing_settings
    values = dict(collection_method=method, changed_by=actor, changed_at=now)
    audit(conn, now, actor, "collection_method.changed", account_id=account_id, subject=method)
    if pay.billing_settings(conn, account_id) is None:
        conn.execute(insert(bs), dict(account_id=account_id, gateway_customer=None, **values))
    else:
        conn.execute(update(bs).where(bs.c.account_id == account_id).values(**values))
    _move_untried_collections(conn, now, account_id, method)
    changed = {"account": views.account(conn, account_id), "changed": {"collection_method": method}, "actor": actor}
    events = [NewEvent(EventType.ACCOUNT_UPDATED, account_id, changed)]  # NOTE: R22
    if account_billing_state(conn, now, account_id).features_on != features_were_on:
        # R10: a card account's plan waits for its purchase to be paid; a transfer account's does not
        events.append(entitlements_changed(conn, now, account_id, f"the account pays by {method.replace('_', ' ')}"))
    emit(conn, now, *events)
    return method


def _move_untried_collections(conn: Connection, now: datetime, account_id: str, method: str) -> None:
    """R18: invoices of the account not tried yet are collected the new way: by card from now, or by
    transfer with their due date (a purchase invoice issued at sign-up, before the operator
    switched the account to transfer, is not charged to a card it does not have)."""
    c, inv, a = p.collections, t.invoices, t.accounts
    rows = conn.execute(
        select(c.c.invoice_id, inv.c.issued_at, inv.c.billing_month, a.c.timezone)
        .join(inv, inv.c.id == c.c.invoice_id)
        .join(a, a.c.id == c.c.account_id)
        .where(c.c.account_id == account_id, c.c.state == COLLECTING, c.c.method != method, c.c.tries_made == 0)
    ).all()
    for r in rows:
        by_card = method == "card"
        due = None if by_card else bank_transfer_due(r.issued_at, r.billing_month, r.timezone)
        moved = dict(method=method, next_try_at=now if by_card else None, due_at=due, reminders_sent=0)
        conn.execute(update(c).where(c.c.invoice_id == r.invoice_id).values(**moved))


def record_transfer(conn: Connection, now: datetime, invoice_id: str, amount: int, reference: str, actor: str) -> dict:
    """A transfer that arrived, full or partial; the invoice is paid once the transfers cover it."""
    inv = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id).with_for_update()).first()
    if inv is None:
        raise NotFound(f"no invoice {invoice_id}")
    if inv.status not in (InvoiceState.OPEN, InvoiceState.UNCOLLECTIBLE):
        raise Conflict(f"invoice {inv.number} is {inv.status}; nothing is left to record")
    a = p.payment_attempts
    if conn.execute(select(a.c.id).where(a.c.invoice_id == inv.id, a.c.outcome.in_(UNRESOLVED))).first():
        # A card charge may have gone through: recording a transfer now could collect twice.
        raise Conflict(
            f"a card charge for {inv.number} is awaiting the gateway's answer; record the transfer after "
            "the next collection run has resolved it"
        )
    if amount <= 0:
        raise InvalidInput(f"amount must be a positive number of {inv.currency}, not {amount}")
    if not has_visible_character(reference):
        raise InvalidInput(
            "reference must identify the transfer (the bank's reference or the payer's name, in visible characters)"
        )
    if len(reference.strip()) > 200:
        raise InvalidInput(f"reference must fit in 200 characters, not {len(reference.strip())}")
    left = owed(inv.amount_due, inv.amount_credited, pay.amount_received(conn, inv.id))
    if amount > left:
        raise InvalidInput(
            f"{amount:,} {inv.currency} is more than the {left:,} {inv.currency} left to pay on {inv.number}"
        )
    paid = receive_payment(conn, now, inv, "bank_transfer", amount, reference.strip(), actor)
    return dict(
        invoice_id=inv.id,
        received=amount,
        left_to_pay=left - amount,
        status=InvoiceState.PAID.value if paid else inv.status,
    )


def chase_bank_transfers(
    conn: Connection, now: datetime, grace_days: int, timeline: Timeline = SERVER
) -> tuple[int, int]:
    """Remind the timeline's overdue bank-transfer invoices; suspend those unpaid past the grace period."""
    c, inv, a = p.collections, t.invoices, t.accounts
    rows = conn.execute(
        select(inv, c.c.due_at, c.c.reminders_sent, a.c.timezone)
        .join(inv, inv.c.id == c.c.invoice_id)
        .join(a, a.c.id == inv.c.account_id)
        .where(c.c.method == "bank_transfer", c.c.state == COLLECTING, c.c.due_at < now, timeline.accounts())
    ).all()
    reminded = suspended = 0
    for r in rows:
        due_day = last_day_before(r.due_at, r.timezone)  # due by the end of this day, the account's own
        if r.reminders_sent < len(REMINDER_DAYS) and now >= r.due_at + timedelta(days=REMINDER_DAYS[r.reminders_sent]):
            # Counted only if no other worker counted this reminder since the read: one event, one email.
            counted = conn.execute(
                update(c)
                .where(c.c.invoice_id == r.id, c.c.reminders_sent == r.reminders_sent)
                .values(reminders_sent=r.reminders_sent + 1)
            ).rowcount
            if counted:
                overdue = dict(invoice=invoice_ref(r), due_at=r.due_at, reminder=r.reminders_sent + 1)
                record(conn, now, NewEvent(EventType.INVOICE_OVERDUE, r.account_id, overdue))
                reminded += 1
        if now >= r.due_at + timedelta(days=grace_days):
            # Locked and read again, as record_transfer locks it: a transfer recorded meanwhile wins.
            still = conn.execute(select(inv.c.status).where(inv.c.id == r.id).with_for_update()).scalar()
            if still != InvoiceState.OPEN:
                continue
            failed = CollectionState.FAILED
            conn.execute(update(c).where(c.c.invoice_id == r.id, c.c.state.in_(sources(failed))).values(state=failed))
            suspend(conn, now, r, f"bank transfer overdue since {due_day}")
            suspended += 1
    return reminded, suspended
