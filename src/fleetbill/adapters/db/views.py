"""Read models for the API and pages: accounts, invoices, devices, plans, as plain dicts."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import ColumnElement, Connection, and_, exists, func, select

from ...domain.credit_notes import RefundState
from ...domain.errors import NotFound
from ...domain.lifecycle import (
    AttemptOutcome,
    CollectionState,
    InvoiceState,
    InvoiceStatus,
    amount_left,
    invoice_status,
)
from ...domain.periods import BillingMonth
from . import schema as t
from . import schema_accounts
from . import schema_credit_notes as cn
from . import schema_payments as p
from .keyset import Page, Seek, seek_page
from .repository import from_ppm, load_accounts, load_price_versions


def opening_purchase_invoices(conn: Connection, account_ids: Sequence[str]) -> dict[str, str]:
    """R10, R11: each account's purchase invoice for its plan's first period, issued when it was
    opened (an upgrade's purchase invoice belongs to its plan change, not to the account)."""
    inv, pc = t.invoices, p.plan_changes
    rows = conn.execute(
        select(inv.c.account_id, inv.c.id)
        .where(
            inv.c.account_id.in_(account_ids),
            inv.c.kind == "purchase",
            ~exists().where(pc.c.purchase_invoice_id == inv.c.id),
        )
        .order_by(inv.c.sequence.desc())
    )
    return {a: i for a, i in rows}  # the earliest wins: rows come newest first


def pending_tax_changes(conn: Connection, account_ids: list[str]) -> dict[str, dict]:
    """R13: the accounts' changes of country/region or tax status waiting for their next period:
    account id -> {country, subdivision, tax_status, effective_at}."""
    c = schema_accounts.account_changes
    rows = conn.execute(
        select(c.c.account_id, c.c.new_value, c.c.effective_at).where(
            c.c.account_id.in_(account_ids), c.c.field == "tax", c.c.applied_at.is_(None), c.c.cancelled_at.is_(None)
        )
    )
    return {r.account_id: json.loads(r.new_value) | {"effective_at": r.effective_at} for r in rows}


def accounts(
    conn: Connection, where: ColumnElement[bool] | None = None, limit: int | None = None, offset: int = 0
) -> list[dict]:
    """Accounts as the API shows them, the same for its create, get and list: two queries."""
    found = load_accounts(conn, where, limit, offset)
    purchases = opening_purchase_invoices(conn, [a.id for a in found])
    pending = pending_tax_changes(conn, [a.id for a in found])  # R13: waiting for the next period
    out = []
    for account in found:
        row = asdict(account)
        row.pop("first_month"), row.pop("contract_started_at")
        row["test_clock"] = row.pop("test_clock_id")
        row["billing_emails"] = list(account.contacts)
        out.append(
            row
            | {
                "tax_status": account.tax_status.value,
                "purchase_invoice_id": purchases.get(account.id),
                "tax_change": pending.get(account.id),
            }
        )
    return out


def account(conn: Connection, account_id: str) -> dict:
    found = accounts(conn, t.accounts.c.id == account_id)
    if not found:
        raise NotFound(f"no account {account_id}")
    return found[0]


def invoices(conn: Connection, where: ColumnElement[bool], limit: int = 100) -> list[dict]:
    """Invoices with their lines, taxes and payments: six queries whatever their number, newest first."""
    inv = t.invoices
    q = select(inv).where(where).order_by(inv.c.sequence.desc(), inv.c.id.desc()).limit(limit)
    heads = _with_lines([dict(r._mapping) for r in conn.execute(q)], conn)
    _with_settlement(conn, heads, [h["id"] for h in heads])
    return heads


def finalized_invoices(conn: Connection, ids: list[str]) -> list[dict]:
    """The invoices `ids` as they were finalized, in no order: lines, taxes and a transfer
    invoice's due date (set when it was finalized), no payments, collection or attempts. Four
    queries; unordered, since ordered and limited the planner may walk the whole sequence index
    for 1,000 ids (publishing events asks for them)."""
    heads = _with_lines(
        [dict(r._mapping) for r in conn.execute(select(t.invoices).where(t.invoices.c.id.in_(ids)))], conn
    )
    c = p.collections
    due = select(c.c.invoice_id, c.c.due_at).where(c.c.invoice_id.in_(ids), c.c.method == "bank_transfer")
    dates = dict(conn.execute(due).all())
    for h in heads:
        h["due_at"] = dates.get(h["id"])
    return heads


def _with_lines(heads: list[dict], conn: Connection) -> list[dict]:
    """The invoices' lines and taxes, three queries; their billing month as text."""
    ids = [h["id"] for h in heads]
    lines, taxes = defaultdict(list), defaultdict(list)
    for r in conn.execute(
        select(t.invoice_lines).where(t.invoice_lines.c.invoice_id.in_(ids)).order_by(t.invoice_lines.c.position)
    ):
        lines[r.invoice_id].append(
            dict(
                kind=r.kind,
                description=r.description,
                device_type_id=r.device_type_id,
                quantity=r.quantity,
                amount=r.amount,
                tax_rate=from_ppm(r.tax_rate_ppm),
                period_start=r.period_start,
                period_end=r.period_end,
                tiers=[dict(first=a, last=b, unit_price=p, amount=m) for a, b, p, m in json.loads(r.tiers)],
            )
        )
    # R5 explained (issue 12): when each usage line's peak was first reached, stored by the close
    mp, inv = t.month_peaks, t.invoices
    explained = {
        (r.id, r.device_type_id): r.peak_at
        for r in conn.execute(
            select(inv.c.id, mp.c.device_type_id, mp.c.peak_at)
            .join(mp, and_(mp.c.account_id == inv.c.account_id, mp.c.month == inv.c.billing_month))
            .where(inv.c.id.in_(ids), inv.c.kind == "monthly")
        )
    }
    for invoice_id, found in lines.items():
        for line in found:
            line["peak_at"] = explained.get((invoice_id, line["device_type_id"])) if line["kind"] == "usage" else None
    for r in conn.execute(
        select(t.invoice_taxes).where(t.invoice_taxes.c.invoice_id.in_(ids)).order_by(t.invoice_taxes.c.tax_rate_ppm)
    ):
        taxes[r.invoice_id].append(dict(rate=from_ppm(r.tax_rate_ppm), taxable_amount=r.taxable_amount, tax=r.tax))
    for h in heads:
        h["billing_month"] = str(BillingMonth(h["billing_month"])) if h["billing_month"] is not None else None
        h["lines"], h["taxes"] = lines[h["id"]], taxes[h["id"]]
    return heads


def _with_settlement(conn: Connection, heads: list[dict], ids: list[str]) -> None:
    """R17, R18: what was paid and what is left, the collection's state and every charge attempt."""
    pm, c, a = p.payments, p.collections, p.payment_attempts
    paid = dict(
        conn.execute(
            select(pm.c.invoice_id, func.sum(pm.c.amount)).where(pm.c.invoice_id.in_(ids)).group_by(pm.c.invoice_id)
        ).all()
    )
    # R15: what was sent back (or is being sent) is not kept: as payments_repo.amount_received.
    r = cn.refunds
    for invoice_id, returned in conn.execute(
        select(r.c.invoice_id, func.sum(r.c.amount))
        .where(r.c.invoice_id.in_(ids), r.c.state != RefundState.FAILED)
        .group_by(r.c.invoice_id)
    ):
        paid[invoice_id] = int(paid.get(invoice_id) or 0) - int(returned)
    collections = {r.invoice_id: r for r in conn.execute(select(c).where(c.c.invoice_id.in_(ids)))}
    attempts = defaultdict(list)
    rows = conn.execute(select(a).where(a.c.invoice_id.in_(ids))).all()
    # R17, R19: in the order tried: by try, then time; a success ends its try (the other card
    # is tried only after a decline), which orders them when the test clock stands still.
    for r in sorted(rows, key=lambda r: (r.try_number, r.attempted_at, r.outcome == AttemptOutcome.SUCCEEDED, r.id)):
        attempts[r.invoice_id].append(
            dict(
                id=r.id,
                try_number=r.try_number,
                card_id=r.card_id,
                amount=r.amount,
                outcome=r.outcome,
                failure_code=r.code,
                failure_reason=r.message if r.outcome in (AttemptOutcome.DECLINED, AttemptOutcome.UNKNOWN) else None,
                reference=r.reference,
                attempted_at=r.attempted_at,
                resolved_at=r.resolved_at,
            )
        )
    for h in heads:
        stored, received, coll = h["status"], int(paid.get(h["id"]) or 0), collections.get(h["id"])
        # The pages, PDFs and events keep the stored status; the API shows this one (schemas.InvoiceOut).
        due, credited = h["amount_due"], h["amount_credited"]
        h["payment_status"] = invoice_status(stored, due, received, credited)
        h["amount_paid"], h["amount_left"] = received, amount_left(stored, due, received, credited)
        h["due_at"] = coll.due_at if coll is not None and coll.method == "bank_transfer" else None
        h["collection"] = (
            None
            if coll is None
            else dict(
                method=coll.method,
                state=coll.state,
                tries_made=coll.tries_made,
                next_try_at=coll.next_try_at if coll.state == CollectionState.COLLECTING else None,
                due_at=coll.due_at,
            )
        )
        h["attempts"] = attempts[h["id"]]


def invoice_has_status(status: InvoiceStatus) -> ColumnElement[bool]:
    """The SQL of domain.lifecycle.invoice_status: `partially_paid` is open with something received."""
    inv, pm = t.invoices, p.payments
    received = exists().where(pm.c.invoice_id == inv.c.id, pm.c.amount > 0)
    if status == "partially_paid":
        return and_(inv.c.status == InvoiceState.OPEN, received)
    if status == "open":
        return and_(inv.c.status == InvoiceState.OPEN, ~received)
    return inv.c.status == status


def invoice(conn: Connection, invoice_id: str) -> dict:
    found = invoices(conn, t.invoices.c.id == invoice_id, limit=1)
    if not found:
        raise NotFound(f"no invoice {invoice_id}")
    return found[0]


_DEVICE_COLUMNS = ("id", "account_id", "device_type_id", "name", "key_last4", "active", "registered_at")
DEVICE_ORDER = (t.devices.c.registered_at, t.devices.c.name, t.devices.c.id)


def devices(conn: Connection, where: ColumnElement[bool], limit: int, offset: int) -> list[dict]:
    d = t.devices
    cols = [d.c[name] for name in _DEVICE_COLUMNS]
    q = select(*cols).where(where).order_by(d.c.registered_at, d.c.name, d.c.id).limit(limit).offset(offset)
    return [dict(r._mapping) for r in conn.execute(q)]


def device_page(conn: Connection, where: ColumnElement[bool], limit: int, seek: Seek | None) -> Page:
    """Devices in the order they were registered (then name, id), a page from `seek` (issue 11
    item 5), read along ix_devices_account_listed."""
    d = t.devices
    found = seek_page(conn, select(*(d.c[n] for n in _DEVICE_COLUMNS)).where(where), DEVICE_ORDER, limit, seek)
    return Page([{n: r._mapping[n] for n in _DEVICE_COLUMNS} for r in found.rows], found.previous, found.next)


def plan(conn: Connection, plan_id: str) -> dict:
    row = conn.execute(select(t.plans).where(t.plans.c.id == plan_id)).first()
    if row is None:
        raise NotFound(f"no plan {plan_id!r}")
    out = dict(row._mapping)
    out["features"] = json.loads(out["features"])
    out["price_versions"] = [
        dict(
            effective_month=str(v.effective_month),
            announced_at=v.announced_at,
            fixed_fee=v.fixed_fee,
            prices={dt: [dict(up_to=x.up_to, unit_price=x.unit_price) for x in tiers] for dt, tiers in v.tiers.items()},
        )
        for v in load_price_versions(conn, [plan_id])[plan_id]
    ]
    return out
