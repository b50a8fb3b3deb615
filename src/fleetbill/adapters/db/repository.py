"""Reading and writing the core's objects. Each loader fetches a whole set in one query."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, func, insert, select, update

from ...domain.catalog import Account, Plan, PriceVersion
from ...domain.contract import ContractTerm
from ...domain.errors import NotFound
from ...domain.invoice import InvoiceDraft
from ...domain.metering import CountingMode
from ...domain.periods import BillingMonth
from ...domain.points import PointGrant
from ...domain.rating import Tier
from ...domain.tax import TaxRate, TaxStatus
from . import schema as t

PPM = Decimal(1_000_000)
DEFAULT_ISSUER = "default"


def new_id() -> str:
    return str(uuid.uuid4())


def to_ppm(rate: Decimal) -> int:
    return int(rate * PPM)


def from_ppm(ppm: int) -> Decimal:
    return (Decimal(ppm) / PPM).normalize()


# --- accounts and catalog -------------------------------------------------------------------


def _account(row) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        country=row.country,
        subdivision=row.subdivision,
        timezone=row.timezone,
        currency=row.currency,
        plan_id=row.plan_id,
        tax_status=TaxStatus(row.tax_status),
        billing_email=row.billing_email,
        first_month=BillingMonth(row.first_month),
        contract_started_at=row.contract_started_at,
        created_at=row.created_at,
    )


def load_accounts(conn: Connection, where: ColumnElement[bool] | None = None) -> list[Account]:
    q = select(t.accounts).order_by(t.accounts.c.created_at, t.accounts.c.id)
    if where is not None:
        q = q.where(where)
    return [_account(r) for r in conn.execute(q)]


def get_account(conn: Connection, account_id: str) -> Account:
    found = load_accounts(conn, t.accounts.c.id == account_id)
    if not found:
        raise NotFound(f"no account {account_id}")
    return found[0]


def _plan(row) -> Plan:
    return Plan(
        id=row.id,
        name=row.name,
        currency=row.currency,
        term=ContractTerm(row.term),
        notice_days=row.notice_days,
        counting_mode=CountingMode(row.counting_mode),
        features=tuple(json.loads(row.features)),
        allow_bank_transfer=row.allow_bank_transfer,
    )


def load_plans(conn: Connection, plan_ids: Iterable[str] | None = None) -> dict[str, Plan]:
    q = select(t.plans)
    if plan_ids is not None:
        q = q.where(t.plans.c.id.in_(list(plan_ids)))
    return {r.id: _plan(r) for r in conn.execute(q)}


def get_plan(conn: Connection, plan_id: str) -> Plan:
    found = load_plans(conn, [plan_id])
    if plan_id not in found:
        raise NotFound(f"no plan {plan_id!r}")
    return found[plan_id]


def load_price_versions(conn: Connection, plan_ids: Iterable[str]) -> dict[str, list[PriceVersion]]:
    """Every price version of the plans, oldest first, with their tiers (two queries in all)."""
    pv, pt = t.price_versions, t.price_tiers
    ids = list(plan_ids)
    versions = conn.execute(select(pv).where(pv.c.plan_id.in_(ids)).order_by(pv.c.effective_month)).all()
    tiers: dict[str, dict[str, list[Tier]]] = defaultdict(lambda: defaultdict(list))
    rows = conn.execute(
        select(pt).join(pv, pv.c.id == pt.c.price_version_id).where(pv.c.plan_id.in_(ids)).order_by(pt.c.position)
    )
    for r in rows:
        tiers[r.price_version_id][r.device_type_id].append(Tier(r.up_to, r.unit_price))
    out: dict[str, list[PriceVersion]] = {i: [] for i in ids}
    for v in versions:
        out[v.plan_id].append(
            PriceVersion(
                plan_id=v.plan_id,
                effective_month=BillingMonth(v.effective_month),
                announced_at=v.announced_at,
                fixed_fee=v.fixed_fee,
                tiers={k: tuple(x) for k, x in tiers[v.id].items()},
            )
        )
    return out


def device_type_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(t.device_types.c.id, t.device_types.c.name)).all())


def load_tax_rates(conn: Connection) -> list[TaxRate]:
    return [
        TaxRate(r.country, r.subdivision or None, from_ppm(r.rate_ppm), r.valid_from)
        for r in conn.execute(select(t.tax_rates).order_by(t.tax_rates.c.valid_from))
    ]


# --- points ----------------------------------------------------------------------------------


def load_open_grants(conn: Connection, account_ids: ColumnElement[bool] | None = None) -> dict[str, list[PointGrant]]:
    """Grants with points left (amount less uses and expiries on the ledger), per account."""
    g, e = t.point_grants, t.point_entries
    remaining = func.sum(e.c.amount)
    q = (
        select(g.c.id, g.c.account_id, g.c.granted_at, g.c.expires_at, remaining.label("remaining"))
        .join(e, e.c.grant_id == g.c.id)
        .group_by(g.c.id, g.c.account_id, g.c.granted_at, g.c.expires_at)
        .having(remaining > 0)
    )
    if account_ids is not None:
        q = q.where(account_ids)
    out: dict[str, list[PointGrant]] = defaultdict(list)
    for r in conn.execute(q):
        out[r.account_id].append(PointGrant(r.id, int(r.remaining), r.granted_at, r.expires_at))
    return out


# --- invoices --------------------------------------------------------------------------------


def allocate_sequences(conn: Connection, issuer_id: str, count: int) -> int:
    """R14: reserve `count` consecutive invoice numbers; returns the first. Runs inside the
    transaction that writes the invoices, so a rollback gives the numbers back: no gaps."""
    if count == 0:
        return 0
    i = t.issuers
    last = conn.execute(
        update(i)
        .where(i.c.id == issuer_id)
        .values(last_sequence=i.c.last_sequence + count)
        .returning(i.c.last_sequence)
    ).scalar_one()
    return last - count + 1


def lock_issuer(conn: Connection, issuer_id: str):
    """Serialize invoice numbering (and so the close) per issuer; returns the issuer row."""
    q = select(t.issuers).where(t.issuers.c.id == issuer_id)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).one_or_none()
    if row is None:
        raise NotFound(f"no issuer {issuer_id!r}; run `fleetbill migrate` first")
    return row


def invoice_rows(
    issuer,
    sequence: int,
    account: Account,
    draft: InvoiceDraft,
    *,
    kind: str,
    month: BillingMonth | None,
    period: tuple[datetime, datetime],
    issued_at: datetime,
) -> tuple[dict, list[dict], list[dict], list[dict]]:
    """The rows that store one finalized invoice: (invoice, lines, taxes, point ledger uses)."""
    invoice_id = new_id()
    invoice = dict(
        id=invoice_id,
        number=f"{issuer.invoice_prefix}-{sequence:08d}",
        issuer_id=issuer.id,
        sequence=sequence,
        account_id=account.id,
        kind=kind,
        billing_month=month.index if month else None,
        currency=draft.currency,
        subtotal=draft.subtotal,
        tax_total=draft.tax_total,
        total=draft.total,
        points_applied=draft.points_applied,
        amount_due=draft.amount_due,
        status="paid" if draft.amount_due == 0 else "open",
        tax_note=draft.tax_note,
        recipient_name=account.name,
        issuer_name=issuer.name,
        issuer_registration_number=issuer.registration_number,
        period_start=period[0],
        period_end=period[1],
        issued_at=issued_at,
    )
    lines = [
        dict(
            invoice_id=invoice_id,
            position=n,
            kind=line.kind,
            description=line.description,
            device_type_id=line.device_type,
            quantity=line.quantity,
            amount=line.amount,
            tax_rate_ppm=to_ppm(line.tax_rate),
            tiers=json.dumps([[c.first, c.last, c.unit_price, c.amount] for c in line.tiers]),
            period_start=line.period_start,
            period_end=line.period_end,
        )
        for n, line in enumerate(draft.lines, 1)
    ]
    taxes = [
        dict(invoice_id=invoice_id, tax_rate_ppm=to_ppm(x.rate), taxable_amount=x.taxable_amount, tax=x.tax)
        for x in draft.taxes
    ]
    uses = [
        dict(
            account_id=account.id,
            grant_id=u.grant_id,
            kind="use",
            amount=-u.amount,
            invoice_id=invoice_id,
            effective_at=issued_at,
        )
        for u in draft.point_uses
    ]
    return invoice, lines, taxes, uses


def insert_invoices(conn: Connection, rows: Sequence[tuple[dict, list[dict], list[dict], list[dict]]]) -> None:
    """Write finalized invoices with their lines, taxes and point uses: a few bulk statements."""
    for table, index in ((t.invoices, 0), (t.invoice_lines, 1), (t.invoice_taxes, 2), (t.point_entries, 3)):
        flat = [r[0] for r in rows] if index == 0 else [x for r in rows for x in r[index]]
        if flat:
            conn.execute(insert(table), flat)
