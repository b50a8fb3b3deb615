"""Reading and writing the core's objects. Each loader fetches a whole set in one query."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, func, insert, select, update

from ...domain.catalog import Account, Plan, PriceVersion
from ...domain.contract import ContractTerm
from ...domain.errors import NotFound
from ...domain.invoice import InvoiceDraft
from ...domain.lifecycle import InvoiceState
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


def new_invoice_ids(n: int) -> list[str]:
    """`n` version 7 UUIDs, in increasing order: the time in milliseconds, then a random number
    counted up. Invoices made later get greater ids, so their rows and lines land at the right
    edge of the invoice indexes instead of all over them."""
    ms = time.time_ns() // 1_000_000
    first = int.from_bytes(os.urandom(9), "big") >> 2  # 70 random bits: room to count up
    ids = []
    for counter in range(first, first + n):
        value = ms << 80 | 7 << 76 | (counter >> 62 & 0xFFF) << 64 | 2 << 62 | counter & (1 << 62) - 1
        h = f"{value:032x}"
        ids.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return ids


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
        test_clock_id=row.test_clock_id,
        language=row.language,
        billing_emails=tuple(json.loads(row.billing_emails or "[]")),
        postal_address=row.postal_address,
    )


def load_accounts(
    conn: Connection, where: ColumnElement[bool] | None = None, limit: int | None = None, offset: int = 0
) -> list[Account]:
    q = select(t.accounts).order_by(t.accounts.c.created_at, t.accounts.c.id).limit(limit).offset(offset)
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


def lock_account(conn: Connection, account_id: str) -> None:
    """Serialize one account's decisions that read then write (plan changes, cards, registrations):
    a second request waits for the first to commit, then sees what it did. SQLite has one writer."""
    conn.execute(select(t.accounts.c.id).where(t.accounts.c.id == account_id).with_for_update())


def lock_issuer(conn: Connection, issuer_id: str):
    """Serialize invoice numbering (and so the close) per issuer; returns the issuer row."""
    q = select(t.issuers).where(t.issuers.c.id == issuer_id)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).one_or_none()
    if row is None:
        raise NotFound(f"no issuer {issuer_id!r}; run `fleetbill migrate` first")
    return row


# Column order of the rows below, as COPY takes them.
INVOICE_COLUMNS = (
    "id", "number", "issuer_id", "sequence", "account_id", "kind", "billing_month", "currency", "subtotal",
    "tax_total", "total", "points_applied", "amount_due", "status", "tax_note", "recipient_name", "issuer_name",
    "issuer_registration_number", "period_start", "period_end", "issued_at",
)  # fmt: skip
LINE_COLUMNS = (
    "invoice_id", "position", "kind", "description", "device_type_id", "quantity", "amount", "tax_rate_ppm",
    "tiers", "period_start", "period_end",
)  # fmt: skip
TAX_COLUMNS = ("invoice_id", "tax_rate_ppm", "taxable_amount", "tax")
USE_COLUMNS = ("account_id", "grant_id", "kind", "amount", "invoice_id", "effective_at")


def draft_rows(draft: InvoiceDraft) -> tuple[tuple[tuple, ...], tuple[tuple, ...]]:
    """A draft's line and tax rows less their first column (the invoice id): the same for every
    invoice made from the same draft, so a close that prices many accounts alike builds them once."""
    lines = tuple(
        (
            n,
            line.kind,
            line.description,
            line.device_type,
            line.quantity,
            line.amount,
            to_ppm(line.tax_rate),
            json.dumps([[c.first, c.last, c.unit_price, c.amount] for c in line.tiers]),
            line.period_start,
            line.period_end,
        )
        for n, line in enumerate(draft.lines, 1)
    )
    taxes = tuple((to_ppm(x.rate), x.taxable_amount, x.tax) for x in draft.taxes)
    return lines, taxes


def _draft_fields(draft: InvoiceDraft) -> tuple:
    """The invoice columns that come from the draft alone: currency ... tax_note."""
    amount_due = draft.amount_due
    return (
        draft.currency,
        draft.subtotal,
        draft.tax_total,
        draft.total,
        draft.points_applied,
        amount_due,
        InvoiceState.PAID.value if amount_due == 0 else InvoiceState.OPEN.value,
        draft.tax_note,
    )


def invoice_tuples(
    issuer,
    sequence: int,
    account_id: str,
    recipient_name: str,
    draft: InvoiceDraft,
    stored: tuple[tuple[tuple, ...], tuple[tuple, ...]],
    *,
    kind: str,
    month: BillingMonth | None,
    period: tuple[datetime, datetime],
    issued_at: datetime,
) -> tuple[tuple, list[tuple], list[tuple], list[tuple]]:
    """The rows that store one finalized invoice, in the column order above: (invoice, lines,
    taxes, point ledger uses). `stored` is `draft_rows(draft)`."""
    (invoice_id,) = new_invoice_ids(1)
    invoice = (
        invoice_id,
        f"{issuer.invoice_prefix}-{sequence:08d}",
        issuer.id,
        sequence,
        account_id,
        kind,
        month.index if month else None,
        *_draft_fields(draft),
        recipient_name,
        issuer.name,
        issuer.registration_number,
        period[0],
        period[1],
        issued_at,
    )
    lines = [(invoice_id, *line) for line in stored[0]]
    taxes = [(invoice_id, *tax) for tax in stored[1]]
    uses = [(account_id, u.grant_id, "use", -u.amount, invoice_id, issued_at) for u in draft.point_uses]
    return invoice, lines, taxes, uses


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
    invoice, lines, taxes, uses = invoice_tuples(
        issuer,
        sequence,
        account.id,
        account.name,
        draft,
        draft_rows(draft),
        kind=kind,
        month=month,
        period=period,
        issued_at=issued_at,
    )
    return (
        dict(zip(INVOICE_COLUMNS, invoice, strict=True)),
        [dict(zip(LINE_COLUMNS, x, strict=True)) for x in lines],
        [dict(zip(TAX_COLUMNS, x, strict=True)) for x in taxes],
        [dict(zip(USE_COLUMNS, x, strict=True)) for x in uses],
    )


INVOICE_TABLES = (
    (t.invoices, INVOICE_COLUMNS),
    (t.invoice_lines, LINE_COLUMNS),
    (t.invoice_taxes, TAX_COLUMNS),
    (t.point_entries, USE_COLUMNS),
)


def insert_invoices(conn: Connection, rows: Sequence[tuple[dict, list[dict], list[dict], list[dict]]]) -> None:
    """Write finalized invoices with their lines, taxes and point uses: one bulk write per table
    (COPY on PostgreSQL, in the caller's transaction; multi-row INSERTs elsewhere)."""
    for index, (table, columns) in enumerate(INVOICE_TABLES):
        flat = [r[0] for r in rows] if index == 0 else [x for r in rows for x in r[index]]
        if not flat:
            continue
        if conn.dialect.name == "postgresql":
            with conn.connection.driver_connection.cursor() as cur:
                copy_tuples(cur, table, columns, [[r[c] for c in columns] for r in flat])
        else:
            conn.execute(insert(table), flat)


def copy_tuples(cursor, table, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (values in `columns` order) into `table` through a psycopg cursor: in that
    connection's transaction. Values go as they are: aware datetimes as timestamptz, None as NULL."""
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


# --- COPY text: the same rows, formatted once per draft rather than once per invoice ---------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value) -> str:
    """One value in COPY's text format (NULL as \\N; the delimiter, newlines and backslash escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def copy_line(values: Iterable) -> str:
    return "\t".join(map(copy_value, values)) + "\n"


@dataclass(frozen=True, slots=True)
class DraftText:
    """A draft as COPY text: its invoice columns (currency ... tax_note), and its line and tax
    rows, each less the invoice id in front, as parts that the invoice id joins
    (`invoice_id.join(lines)` is the lines' rows)."""

    fields: str
    lines: tuple[str, ...]
    taxes: tuple[str, ...]


def draft_text(draft: InvoiceDraft, rows: DraftText | None = None) -> DraftText:
    """`draft` as COPY text; `rows`, the text of a draft with the same lines and taxes, saves
    formatting them again."""
    fields = "\t".join(map(copy_value, _draft_fields(draft)))
    if rows is not None:
        return DraftText(fields, rows.lines, rows.taxes)
    lines, taxes = draft_rows(draft)
    return DraftText(
        fields,
        ("", *("\t" + copy_line(x) for x in lines)),
        ("", *("\t" + copy_line(x) for x in taxes)),
    )


class InvoiceText:
    """COPY text for the invoices of one issuer, kind, month and issue instant: the columns of
    `invoice_tuples`, the same values, for the tables of INVOICE_TABLES."""

    def __init__(self, issuer, *, kind: str, month: BillingMonth | None, issued_at: datetime):
        self._prefix = copy_value(issuer.invoice_prefix)
        self._issuer_id = copy_value(issuer.id)
        self._kind_month = f"{copy_value(kind)}\t{copy_value(month.index if month else None)}"
        self._issuer = f"{copy_value(issuer.name)}\t{copy_value(issuer.registration_number)}"
        self._issued = copy_value(issued_at)
        self._ids: list[str] = []

    @staticmethod
    def period(period: tuple[datetime, datetime]) -> str:
        """The period columns, for `rows`."""
        return f"{copy_value(period[0])}\t{copy_value(period[1])}"

    def rows(
        self, sequence: int, account_id: str, recipient_name: str, draft: InvoiceDraft, text: DraftText, period: str
    ) -> tuple[str, str, str, str]:
        """(invoice, lines, taxes, point uses) of one invoice; `text` is `draft_text(draft)` and
        `period` is `InvoiceText.period(...)`."""
        if not self._ids:
            self._ids = new_invoice_ids(4096)[::-1]
        invoice_id = self._ids.pop()
        account = account_id.translate(_COPY_ESCAPES)
        name = recipient_name.translate(_COPY_ESCAPES)
        invoice = (
            f"{invoice_id}\t{self._prefix}-{sequence:08d}\t{self._issuer_id}\t{sequence}\t{account}\t"
            f"{self._kind_month}\t{text.fields}\t{name}\t{self._issuer}\t{period}\t{self._issued}\n"
        )
        uses = ""
        if draft.point_uses:
            uses = "".join(
                f"{account}\t{copy_value(u.grant_id)}\tuse\t{-u.amount}\t{invoice_id}\t{self._issued}\n"
                for u in draft.point_uses
            )
        return invoice, invoice_id.join(text.lines), invoice_id.join(text.taxes), uses


def copy_text(cursor, table, columns: Sequence[str], text: str) -> None:
    """COPY rows already in COPY's text format into `table` through a psycopg cursor."""
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        copy.write(text)
