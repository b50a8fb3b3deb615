"""R10: buying a bigger plan, or moving to a smaller one.

An upgrade is bought at once: its first (prorated) period is invoiced and charged, and the new
plan starts the moment that payment is confirmed (for an account paying by bank transfer: at
once, the invoice being accepted). A downgrade takes effect at the next renewal. Fixed fees are
never refunded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import Connection, and_, insert, select, update

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db.audit import audit
from ..domain.catalog import Account, Plan, version_in_force
from ..domain.errors import Conflict, InvalidInput
from ..domain.periods import BillingMonth
from ..domain.plan_change import ChangeKind, change_kind
from ..settings import Settings
from .event_payloads import plan_changed
from .events import record
from .open_account import issue_purchase_invoice
from .reactions import emit, entitlements_changed
from .timeline import SERVER, Timeline


def change_plan(conn: Connection, now: datetime, settings: Settings, account_id: str, plan_id: str, actor: str) -> dict:
    # One change at a time per account: two requests at once (two tabs, the console and the API)
    # would each see no pending upgrade and each issue a purchase invoice.
    repo.lock_account(conn, account_id)
    account = repo.get_account(conn, account_id)
    old, new = repo.get_plan(conn, account.plan_id), repo.get_plan(conn, plan_id)
    kind = check_plan_change(conn, now, account, old, new)
    pc = p.plan_changes
    # A newer request replaces a pending one, and the platform hears that it is off (R22).
    pending = and_(pc.c.account_id == account_id, pc.c.applied_at.is_(None), pc.c.cancelled_at.is_(None))
    replaced = conn.execute(select(pc).where(pending)).all()
    conn.execute(update(pc).where(pending).values(cancelled_at=now))
    record(conn, now, *(plan_changed(r, "cancelled", reason="replaced by a newer request") for r in replaced))
    change = dict(
        id=repo.new_id(),
        account_id=account_id,
        from_plan_id=old.id,
        to_plan_id=new.id,
        kind=kind.value,
        requested_at=now,
        actor=actor,
    )
    if kind is ChangeKind.DOWNGRADE:
        # NOTE: R10 a downgrade takes effect at the next renewal: what was paid for is kept.
        renewal = account.contract(old).next_renewal(now)
        change |= dict(effective_at=renewal.start(account.timezone), purchase_invoice_id=None)
        conn.execute(insert(pc), change)
        _audit(conn, now, change, None)
        record(conn, now, plan_changed(SimpleNamespace(**change), "requested"))
        return change | {"applied_at": None}
    bought = replace(account, plan_id=new.id, contract_started_at=now)
    invoice_id = issue_purchase_invoice(conn, now, settings, bought, new)
    change |= dict(effective_at=now, purchase_invoice_id=invoice_id)
    conn.execute(insert(pc), change)
    _audit(conn, now, change, invoice_id)
    record(conn, now, plan_changed(SimpleNamespace(**change), "requested"))
    accepted = invoice_id is None or pay.collection_method(conn, account_id) == "bank_transfer"
    applied = apply_upgrade(conn, change["id"], now) if accepted else None
    return change | {"applied_at": applied}


def check_plan_change(conn: Connection, now: datetime, account: Account, old: Plan, new: Plan) -> ChangeKind:
    """R10: whether moving from `old` to `new` now is an upgrade or a downgrade, or why it cannot
    be asked for now (the API, the console and the bill's preview refuse alike)."""
    account_id, plan_id = account.id, new.id
    if new.id == old.id:
        raise Conflict(f"the account is on plan {plan_id} already")
    if new.currency != account.currency:
        raise InvalidInput(f"plan {plan_id} bills in {new.currency}, the account in {account.currency}")
    if pay.collection_method(conn, account_id) == "bank_transfer" and not new.allow_bank_transfer:
        raise Conflict(
            f"plan {plan_id} does not allow bank transfer, which this account pays by; switch it to card first"
        )
    pc = p.plan_changes
    # NOTE: R10 an upgrade not paid yet has its purchase invoice in collection: replaced, it would
    # still be charged for a plan that never starts. It is paid first (a new card retries it).
    unpaid = conn.execute(
        select(pc.c.to_plan_id, t.invoices.c.number)
        .join(t.invoices, t.invoices.c.id == pc.c.purchase_invoice_id)
        .where(pc.c.account_id == account_id, pc.c.applied_at.is_(None), pc.c.cancelled_at.is_(None))
    ).first()
    if unpaid is not None:
        raise Conflict(
            f"the upgrade to plan {unpaid.to_plan_id} waits for the payment of invoice {unpaid.number}; "
            "pay it (add a card that can) before changing the plan again"
        )
    versions = repo.load_price_versions(conn, [old.id, new.id])
    month = BillingMonth.containing(now, account.timezone)
    kind = change_kind(old, version_in_force(versions[old.id], month), new, version_in_force(versions[new.id], month))
    before = month.next(-1)
    if kind is ChangeKind.UPGRADE and before >= account.first_month:
        # NOTE: R10 usage in month M is priced under the plan held at M's end: an upgrade applied
        # before M's close would price M under the new plan.
        closed = conn.execute(
            select(t.invoices.c.id).where(
                t.invoices.c.account_id == account_id, t.invoices.c.billing_month == before.index
            )
        ).first()
        if closed is None:
            raise Conflict(f"{before} has ended and waits for its close (within the hour); upgrade after it")
    return kind


def _audit(conn: Connection, now: datetime, change: dict, invoice_id: str | None) -> None:
    invoice = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id)).first() if invoice_id else None
    audit(
        conn,
        now,
        change["actor"],
        "plan.change_requested",
        account_id=change["account_id"],
        subject=change["to_plan_id"],
        amount=invoice.total if invoice else None,
        currency=invoice.currency if invoice else None,
        kind=change["kind"],
        from_plan=change["from_plan_id"],
        effective_at=change["effective_at"],
        invoice=invoice.number if invoice else None,
    )


def apply_upgrade(conn: Connection, change_id: str, now: datetime) -> datetime:
    """The new plan starts: its contract runs from the purchase."""
    pc = p.plan_changes
    change = conn.execute(select(pc).where(pc.c.id == change_id)).one()
    _start_plan(conn, now, change, change.requested_at)
    return now


def _start_plan(conn: Connection, now: datetime, change, contract_start: datetime) -> None:
    """The account is on the change's plan from now, its contract from `contract_start` (R10),
    and the operator's platform is told (R22)."""
    a, pc = t.accounts, p.plan_changes
    conn.execute(
        update(a)
        .where(a.c.id == change.account_id)
        .values(plan_id=change.to_plan_id, contract_started_at=contract_start)
    )
    conn.execute(update(pc).where(pc.c.id == change.id).values(applied_at=now))
    why = f"plan changed from {change.from_plan_id} to {change.to_plan_id}"
    emit(conn, now, plan_changed(change, "applied"), entitlements_changed(conn, now, change.account_id, why))


def apply_paid_upgrade(conn: Connection, now: datetime, invoice_id: str) -> bool:
    """R10: the upgrade `invoice_id` bought starts now that it is paid; False if it bought none."""
    pc = p.plan_changes
    change = conn.execute(
        select(pc.c.id).where(
            pc.c.purchase_invoice_id == invoice_id, pc.c.applied_at.is_(None), pc.c.cancelled_at.is_(None)
        )
    ).scalar()
    if change is None:
        return False
    apply_upgrade(conn, change, now)
    return True


def apply_due_downgrades(conn: Connection, now: datetime, timeline: Timeline = SERVER) -> int:
    """R10: downgrades whose renewal has come, once the month before it is closed (so that month
    is billed on the plan it was used under)."""
    pc, inv, a = p.plan_changes, t.invoices, t.accounts
    due = conn.execute(
        select(pc, a.c.timezone)
        .join(a, a.c.id == pc.c.account_id)
        .where(
            pc.c.kind == "downgrade", pc.c.applied_at.is_(None), pc.c.cancelled_at.is_(None), pc.c.effective_at <= now
        )
        .where(timeline.accounts())
    ).all()
    applied = 0
    for d in due:
        month_before = BillingMonth.containing(d.effective_at, d.timezone).next(-1)
        closed = conn.execute(
            select(inv.c.id).where(inv.c.account_id == d.account_id, inv.c.billing_month == month_before.index)
        ).first()
        if closed:
            _start_plan(conn, now, d, d.effective_at)
            applied += 1
    return applied


def pending_downgrades(conn: Connection, account_id: str | None = None) -> dict[str, tuple[str, datetime]]:
    """Downgrades waiting for their renewal (of one account, or all): account id -> (plan id, when)."""
    pc = p.plan_changes
    q = select(pc.c.account_id, pc.c.to_plan_id, pc.c.effective_at).where(
        pc.c.kind == "downgrade", pc.c.applied_at.is_(None), pc.c.cancelled_at.is_(None)
    )
    if account_id is not None:
        q = q.where(pc.c.account_id == account_id)
    rows = conn.execute(q)
    return {r.account_id: (r.to_plan_id, r.effective_at) for r in rows}
