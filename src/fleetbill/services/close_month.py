"""The month-end close (R15): one finalized, numbered invoice per account and ended month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, and_, exists, func, or_, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.engine import Database
from ..adapters.db.usage import billable_quantities
from ..clock import Clock
from ..domain.errors import BillingError
from ..domain.monthly import draft_monthly_invoice
from ..domain.periods import BillingMonth
from ..settings import Settings

INSERT_CHUNK = 5_000

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class CloseReport:
    months: list[str] = field(default_factory=list)
    invoices: int = 0
    billed: int = 0  # sum of invoice totals, tax included
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (account, month, why)


def pending_months(conn: Connection, now: datetime) -> list[tuple[BillingMonth, dict]]:
    """The ended months that some account still needs closed, oldest first, each with the UTC
    bounds of every time zone for which that month has ended and may be pending."""
    inv = t.invoices
    last = (
        select(inv.c.account_id, func.max(inv.c.billing_month).label("m"))
        .where(inv.c.billing_month.is_not(None))
        .group_by(inv.c.account_id)
        .subquery()
    )
    a = t.accounts
    next_due = func.min(func.coalesce(last.c.m + 1, a.c.first_month))
    rows = conn.execute(
        select(a.c.timezone, next_due).outerjoin(last, last.c.account_id == a.c.id).group_by(a.c.timezone)
    )
    months: dict[int, dict] = defaultdict(dict)
    for tz, first_pending in rows:
        last_ended = BillingMonth.containing(now, tz).index - 1
        for index in range(first_pending, last_ended + 1):
            months[index][tz] = BillingMonth(index).bounds(tz)
    return [(BillingMonth(i), months[i]) for i in sorted(months)]


def _due(month: BillingMonth, timezones) -> object:
    """Accounts whose `month` is ended, not yet invoiced, and whose month before is closed."""
    a, inv = t.accounts, t.invoices
    invoiced = lambda m: exists().where(inv.c.account_id == a.c.id, inv.c.billing_month == m)  # noqa: E731
    return and_(
        a.c.timezone.in_(list(timezones)),
        a.c.first_month <= month.index,
        ~invoiced(month.index),
        or_(a.c.first_month == month.index, invoiced(month.index - 1)),
    )


def close_month(
    conn: Connection,
    month: BillingMonth,
    bounds: dict,
    settings: Settings,
    now: datetime,
    report: CloseReport,
    progress: Progress | None = None,
) -> None:
    """Close `month` for every due account, in the caller's transaction."""
    issuer = repo.lock_issuer(conn, repo.DEFAULT_ISSUER)  # serializes concurrent closes: see R15 test
    due = _due(month, bounds)
    accounts = repo.load_accounts(conn, due)
    if not accounts:
        return
    quantities: dict[str, dict[str, int]] = defaultdict(dict)
    for (account_id, device_type), n in billable_quantities(conn, bounds, due).items():
        quantities[account_id][device_type] = n
    plans = repo.load_plans(conn, {a.plan_id for a in accounts})
    versions = repo.load_price_versions(conn, plans)
    names = repo.device_type_names(conn)
    rates = repo.load_tax_rates(conn)
    grants = repo.load_open_grants(conn, t.point_grants.c.account_id.in_(select(t.accounts.c.id).where(due)))
    drafts = []
    for n, account in enumerate(accounts, 1):
        start, end = bounds[account.timezone]
        try:
            draft = draft_monthly_invoice(
                account=account,
                plan=plans[account.plan_id],
                versions=versions[account.plan_id],
                device_type_names=names,
                month=month,
                quantities=quantities.get(account.id, {}),
                rates=rates,
                rounding=settings.tax_rounding,
                # NOTE: R16 points valid at the close (the month's end) pay for it.
                grants=grants.get(account.id, ()),
                points_at=end,
            )
        except BillingError as e:
            report.skipped.append((account.id, str(month), e.detail))
            continue
        drafts.append((account, draft, (start, end)))
        if progress and n % INSERT_CHUNK == 0:
            progress("rating", n, len(accounts))
    first = repo.allocate_sequences(conn, issuer.id, len(drafts))
    rows = [
        repo.invoice_rows(issuer, first + i, account, draft, kind="monthly", month=month, period=period, issued_at=now)
        for i, (account, draft, period) in enumerate(drafts)
    ]
    for i in range(0, len(rows), INSERT_CHUNK):
        repo.insert_invoices(conn, rows[i : i + INSERT_CHUNK])
        if progress:
            progress("writing", min(i + INSERT_CHUNK, len(rows)), len(rows))
    report.months.append(str(month))
    report.invoices += len(rows)
    report.billed += sum(d.total for _, d, _ in drafts)


def close_due_months(db: Database, clock: Clock, settings: Settings, progress: Progress | None = None) -> CloseReport:
    """R15: close every ended month that is still open, oldest first, each in one transaction.

    Idempotent and crash-safe: a month's invoices, their numbers and point uses commit together
    or not at all, and the unique (account, month) key and the issuer lock make a second or
    concurrent run find nothing left to do.
    """
    report = CloseReport()
    now = clock.now()
    with db.transaction() as conn:
        months = pending_months(conn, now)
    for month, bounds in months:
        with db.transaction() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
            close_month(conn, month, bounds, settings, now, report, progress)
    return report
