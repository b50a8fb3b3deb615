"""The month-end close (R15): one finalized, numbered invoice per account and ended month."""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy import Connection, DateTime, and_, delete, func, insert, select, type_coerce, update

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.audit import audit
from ..adapters.db.engine import Database
from ..adapters.db.marks import disagreements, kept_for
from ..adapters.db.month_lock import hold_months_for_close
from ..adapters.db.schema import UTCDateTime
from ..adapters.db.usage import distinct_quantities, peak_query, peaks, write_closing_levels
from ..clock import Clock
from ..domain.catalog import Account
from ..domain.contract import Contract
from ..domain.errors import BillingError, Conflict
from ..domain.invoice import InvoiceDraft
from ..domain.monthly import draft_monthly_invoice
from ..domain.periods import BillingMonth
from ..domain.points import apply_points
from ..settings import Settings
from .account_settings import apply_due_tax_changes
from .change_plan import apply_due_downgrades, pending_downgrades
from .events import record_invoices_finalized
from .open_collections import open_collections
from .timeline import SERVER, Timeline

INSERT_CHUNK = 5_000

# Session settings for the close's transaction and its reader on PostgreSQL. The peak query reads
# the month's range of ix_status_changes_month and the month's opening levels; with the default
# random_page_cost (4, for spinning disks) the planner prefers to read whole tables instead.
# JIT compiling takes longer than it saves.
POSTGRES_SETTINGS = ("SET LOCAL work_mem = '256MB'", "SET LOCAL random_page_cost = 1.1", "SET LOCAL jit = off")

Progress = Callable[[str, int, int], None]  # (phase, done, total)


# One request, or one run of the worker, closes at most this many months: a database that has
# not been closed for longer (or a test clock moved by centuries) is caught up over several runs,
# each a bounded amount of work (the report says how many months remain).
MAX_MONTHS_PER_RUN = 24


@dataclass
class CloseReport:
    months: list[str] = field(default_factory=list)
    invoices: int = 0
    billed: int = 0  # sum of invoice totals, tax included
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (account, month, why)
    downgrades_applied: int = 0  # R10: downgrades whose renewal came with a month closed here
    collections_opened: int = 0  # R15: invoices with something left to pay, now in collection
    months_remaining: int = 0  # ended months left open by the bound on one run: run it again
    running_elsewhere: bool = False  # another close was running: this run left the months to it

    def summary(self) -> str:
        """What the close did, in one sentence: the CLI and the worker's log print it."""
        said = (
            f"closed {', '.join(self.months) or 'nothing (no ended month is open)'}: "
            f"{self.invoices:,} invoices, {self.billed:,} JPY billed, {self.collections_opened:,} "
            f"collections opened, {self.downgrades_applied:,} downgrades applied"
        )
        if self.months_remaining:
            said += f"; {self.months_remaining} more ended months are still open: run the close again"
        return said


class CloseRunning(Conflict):
    """Another close holds the month-end lock: this one gives up at once instead of waiting."""

    def __init__(self):
        super().__init__(
            "another close is running now; it closes every ended month, so there is nothing to do "
            "but wait for it: try again in a minute (GET /v1/invoices shows what it closed)"
        )


def pending_months(conn: Connection, now: datetime, timeline: Timeline = SERVER) -> list[tuple[BillingMonth, dict]]:
    """The ended months that some account of the timeline still needs closed, oldest first, each
    with the UTC bounds of every time zone for which that month has ended and may be pending."""
    a = t.accounts
    rows = conn.execute(select(a.c.timezone, func.min(_next_month)).where(timeline.accounts()).group_by(a.c.timezone))
    months: dict[int, dict] = defaultdict(dict)
    for tz, first_pending in rows:
        last_ended = BillingMonth.containing(now, tz).index - 1
        for index in range(first_pending, last_ended + 1):
            months[index][tz] = BillingMonth(index).bounds(tz)
    return [(BillingMonth(i), months[i]) for i in sorted(months)]


# The month each account closes next: the one after its last closed, or its first.
_next_month = func.coalesce(t.accounts.c.closed_through + 1, t.accounts.c.first_month)


def _due(month: BillingMonth, timezones, timeline: Timeline) -> object:
    """The timeline's accounts whose `month` is ended and the next they close: read from the
    accounts alone, so a close that finds another already done returns at once (issue 11)."""
    a = t.accounts
    return and_(timeline.accounts(), a.c.timezone.in_(list(timezones)), _next_month == month.index)


def _mark_closed(conn: Connection, month: BillingMonth, sequences: range) -> None:
    """The accounts the close just invoiced have `month` closed (an account it skipped stays due)."""
    a, inv = t.accounts, t.invoices
    invoiced = select(inv.c.account_id).where(_numbered(sequences))
    conn.execute(update(a).where(a.c.id.in_(invoiced)).values(closed_through=month.index))


_COLUMNS = list(t.accounts.c.keys())
_ID, _NAME, _TZ, _PLAN, _STARTED = map(_COLUMNS.index, ("id", "name", "timezone", "plan_id", "contract_started_at"))
# What makes two accounts' drafts the same: every column of the account but these (which only
# name it, or date it apart from its contract), its contract start through the contract's anchor
# month, and its quantities. A column added to accounts is in it until it is known not to matter.
_NOT_PRICED = {
    "id",
    "name",
    "billing_email",
    "billing_emails",
    "language",
    "postal_address",
    "created_at",
    "first_month",
    "closed_through",
    "contract_started_at",
    "test_clock_id",
    "budget",  # R20: what the account wants to spend changes nothing it is billed
}
_priced_columns = itemgetter(*(i for i, c in enumerate(_COLUMNS) if c not in _NOT_PRICED))


def _account(row) -> Account:
    account = repo._account(row)
    return replace(
        account,
        contract_started_at=account.contract_started_at.astimezone(UTC),
        created_at=account.created_at.astimezone(UTC),
    )


def _due_accounts(conn: Connection, due) -> list:
    """The due accounts as rows (read by position where it counts), in account id order: the
    order their invoices are numbered in."""
    a = t.accounts
    return conn.execute(select(a).where(due).order_by(a.c.id)).all()


class _Pricing:
    """Everything a month's drafts need besides the account and its quantities, and the drafts
    already made: accounts priced alike (same plan, region, tax status, time zone, contract
    period and quantities) share one draft before points, and its rows are formatted once."""

    def __init__(self, conn: Connection, month: BillingMonth, bounds: dict, settings: Settings, plan_ids, due):
        self.month, self.bounds, self.settings = month, bounds, settings
        self.downgrades = pending_downgrades(conn)  # R10: the next period's fee is the new plan's
        wanted = None if plan_ids is None else set(plan_ids) | {to for to, _ in self.downgrades.values()}
        self.plans = repo.load_plans(conn, wanted)
        self.versions = repo.load_price_versions(conn, self.plans)
        self.names = repo.device_type_names(conn)
        self.rates = repo.load_tax_rates(conn)
        self.grants = repo.load_open_grants(conn, t.point_grants.c.account_id.in_(select(t.accounts.c.id).where(due)))
        self._drafts: dict[tuple, tuple[InvoiceDraft, repo.DraftText]] = {}

    def draft(self, account, quantities: dict[str, int]) -> InvoiceDraft:
        """R5-R16 for one account (a row of `_due_accounts`) or raise BillingError."""
        return self.priced(account, quantities)[0]

    def priced(self, account, quantities: dict[str, int]) -> tuple[InvoiceDraft, repo.DraftText]:
        """The account's draft and its COPY text (raises BillingError if it cannot be invoiced)."""
        plan_id, tz = account[_PLAN], account[_TZ]
        plan = self.plans[plan_id]
        started = account[_STARTED]
        # draft_monthly_invoice reads the contract through period_start(month) and
        # renewal_after(month), which depend on its start only through its anchor month (and on
        # the start itself before it). test_close_fast_path holds the close to that.
        anchor = Contract(plan.term, started, tz).anchor
        down = self.downgrades.get(account[_ID])
        renewal = down[0] if down is not None and down[1] == self.bounds[tz][1] else None
        key = (
            _priced_columns(account),
            anchor,
            started if self.month < anchor else None,
            frozenset(quantities.items()),
            renewal,
        )
        found = self._drafts.get(key)
        if found is None:
            draft = draft_monthly_invoice(
                account=_account(account),
                plan=plan,
                versions=self.versions[plan_id],
                device_type_names=self.names,
                month=self.month,
                quantities=quantities,
                rates=self.rates,
                rounding=self.settings.tax_rounding,
                points_at=self.bounds[tz][1],
                renewal_plan=(self.plans[renewal], self.versions[renewal]) if renewal else None,
            )
            found = self._drafts[key] = (draft, repo.draft_text(draft))
        grants = self.grants.get(account[_ID])
        if not grants:
            return found
        # NOTE: R16 points valid at the close (the month's end) pay for it, the total with tax:
        # the same uses that draft_monthly_invoice(grants=...) makes, and nothing else changes.
        draft, text = found
        uses = apply_points(grants, draft.total, self.bounds[tz][1])
        if not uses:
            return found
        draft = replace(draft, point_uses=uses)
        return draft, repo.draft_text(draft, text)


def close_month(
    conn: Connection,
    month: BillingMonth,
    bounds: dict,
    settings: Settings,
    now: datetime,
    report: CloseReport,
    progress: Progress | None = None,
    timeline: Timeline = SERVER,
    verify: bool = False,
    explain: bool = True,
) -> range:
    """Close `month` for every due account, in the caller's transaction; the invoice sequence
    numbers it used. `verify`: check the month's high-water marks against its changes first.
    `explain`: store when each peak was first reached (month_peaks, issue 12); off only for the
    benchmark that measures what it costs."""
    issuer = repo.lock_issuer(conn, repo.DEFAULT_ISSUER)  # serializes concurrent closes: see R15 test
    due = _due(month, bounds, timeline)
    if conn.dialect.name == "postgresql":
        numbered = _close_streaming(conn, month, bounds, settings, now, report, progress, issuer, due, verify, explain)
        _forget_skipped(conn, month, bounds, report)
        return numbered
    accounts = _due_accounts(conn, due)
    if not accounts:
        return range(0)
    marks = _marks(conn, month, bounds, due, verify)
    write_closing_levels(conn, bounds, due, marks)  # the next month's opening levels (issue 11)
    quantities: dict[str, dict[str, int]] = defaultdict(dict)
    instants: dict[str, dict[str, datetime]] = defaultdict(dict)
    for (account_id, device_type), (n, at) in peaks(conn, bounds, due, marks).items():
        quantities[account_id][device_type] = n
        instants[account_id][device_type] = at
    for (account_id, device_type), n in distinct_quantities(conn, bounds, due).items():
        quantities[account_id][device_type] = n
    pricing = _Pricing(conn, month, bounds, settings, {a[_PLAN] for a in accounts}, due)
    drafts = []
    for n, account in enumerate(accounts, 1):
        try:
            draft = pricing.draft(account, quantities.get(account[_ID], {}))
        except BillingError as e:
            report.skipped.append((account[_ID], str(month), e.detail))
            continue
        drafts.append((account, draft))
        if progress and n % INSERT_CHUNK == 0:
            progress("rating", n, len(accounts))
    first = repo.allocate_sequences(conn, issuer.id, len(drafts))
    rows = [
        repo.invoice_rows(
            issuer,
            first + i,
            repo._account(account),
            draft,
            kind="monthly",
            month=month,
            period=bounds[account[_TZ]],
            issued_at=now,
        )
        for i, (account, draft) in enumerate(drafts)
    ]
    for i in range(0, len(rows), INSERT_CHUNK):
        repo.insert_invoices(conn, rows[i : i + INSERT_CHUNK])
        if progress:
            progress("writing", min(i + INSERT_CHUNK, len(rows)), len(rows))
    explained = [
        dict(account_id=account[_ID], month=month.index, device_type_id=device_type, peak=n, peak_at=at)
        for account, _ in drafts
        for device_type, at in instants.get(account[_ID], {}).items()
        if (n := quantities[account[_ID]][device_type]) > 0
    ]
    if explain and explained:
        conn.execute(insert(t.month_peaks), explained)
    _forget_skipped(conn, month, bounds, report)
    report.months.append(str(month))
    report.invoices += len(rows)
    report.billed += sum(d.total for _, d in drafts)
    return range(first, first + len(rows))


def _forget_skipped(conn: Connection, month: BillingMonth, bounds: dict, report: CloseReport) -> None:
    """An account the close skipped keeps its month open: the levels stored for its month's end
    are not its closing levels yet (a change may still come into the month, an import's), so its
    next month sums its history until the month is closed (issue 11, a review of issue 12)."""
    skipped = [account_id for account_id, m, _ in report.skipped if m == str(month)]
    if skipped:
        ol = t.opening_levels
        ends = sorted({end for _, end in bounds.values()})
        for i in range(0, len(skipped), INSERT_CHUNK):
            chunk = skipped[i : i + INSERT_CHUNK]
            conn.execute(delete(ol).where(ol.c.at.in_(ends), ol.c.account_id.in_(chunk)))


def _marks(conn: Connection, month: BillingMonth, bounds: dict, due, verify: bool) -> int | None:
    """R5 (issue 11 item 2): the month's index when its high-water marks hold all its changes (the
    close then reads them instead of the changes), else None. With `verify`, the marks are first
    checked against the full recompute from the changes, and the close refused if they differ."""
    if not kept_for(conn, bounds):
        return None
    if verify and (differ := disagreements(conn, month, bounds, due)):
        raise MarksDisagree(month, differ)
    return month.index


class MarksDisagree(Conflict):
    """The close's --verify found a month's marks and its changes counting differently."""

    def __init__(self, month: BillingMonth, differ: list[str]):
        super().__init__(
            f"the high-water marks of {month} disagree with its status changes, so it was not closed: "
            + "; ".join(differ)
            + f". Make them again from the changes (`fleetbill marks {month}`) and close again"
        )


def _close_streaming(conn, month, bounds, settings, now, report, progress, issuer, due, verify, explain) -> range:
    """The close on PostgreSQL, where the database does most of the work, in four streams:

    * two more connections read the due accounts and their peaks (one query for every due
      account), both in account id order, and hand the rows over as they come;
    * this thread prices each account as soon as its row and peaks are in, numbers its invoice
      and builds its rows;
    * a writer thread COPYs the rows, a chunk at a time, in the month's transaction (`conn`).

    So reading, pricing and writing overlap. Invoices are numbered in account id order from
    the counter of the issuer row that this transaction holds locked, and the counter is moved
    past them at the end: gapless, and a rollback gives the numbers back. The readers see what
    is committed, as each statement of this transaction would: the issuer lock keeps any other
    close from invoicing these accounts meanwhile.
    """
    a = t.accounts
    total = conn.execute(select(func.count()).select_from(a).where(due)).scalar_one()
    if not total:
        return range(0)
    marks = _marks(conn, month, bounds, due, verify)
    write_closing_levels(conn, bounds, due, marks)  # the next month's opening levels (issue 11)
    # The instants as the driver gives them (aware, in the session's time zone): converting
    # every one to UTC costs more than the rest of reading the row; _account does it for the
    # accounts that get a draft of their own.
    columns = [type_coerce(c, DateTime(timezone=True)) if isinstance(c.type, UTCDateTime) else c for c in a.c]
    with ExitStack() as readers:
        accounts = readers.enter_context(_Rows(conn, select(*columns).where(due).order_by(a.c.id)))
        peak_rows = peak_query(bounds, due, marks, explained=explain).order_by("account_id", "device_type_id")
        peak_rows = readers.enter_context(_Rows(conn, peak_rows))
        distinct: dict[str, dict[str, int]] = defaultdict(dict)
        for (account_id, device_type), n in distinct_quantities(conn, bounds, due).items():
            distinct[account_id][device_type] = n
        pricing = _Pricing(conn, month, bounds, settings, None, due)
        first = issuer.last_sequence + 1
        batch = _Batch(issuer, month, bounds, now, pricing, report, first)
        with _Writer(conn, total, progress) as writer:
            usage = _per_account(peak_rows)
            pending = next(usage, None)
            for n, account in enumerate(accounts, 1):
                # The peaks come in the same order, for the due accounts on a peak plan only.
                if pending is not None and pending[0] == account[_ID]:
                    (_, quantities, instants), pending = pending, next(usage, None)
                else:
                    quantities, instants = distinct.get(account[_ID], {}), {}
                batch.add(account, quantities, instants if explain else {})
                if len(batch) >= INSERT_CHUNK:
                    writer.put(batch.take())
                    if progress:
                        progress("rating", n, total)
            if pending is not None:
                raise RuntimeError(f"peaks for account {pending[0]}, which is not due or out of order")
            writer.put(batch.take())
    count = batch.sequence - first
    if count:
        allocated = repo.allocate_sequences(conn, issuer.id, count)
        if allocated != first:
            raise RuntimeError(f"invoice numbers moved under the issuer lock: {allocated} != {first}")
    if progress:
        progress("rating", total, total)
    report.months.append(str(month))
    report.invoices += count
    report.billed += batch.billed
    return range(first, first + count)


def _per_account(rows: Iterable) -> Iterator[tuple[str, dict[str, int], dict[str, datetime]]]:
    """(account id, {device type: peak}, {device type: first reached}) from the peak rows, which
    come grouped by account."""
    current, quantities, instants = None, {}, {}
    for account_id, device_type, n, at in rows:
        if account_id != current:
            if current is not None:
                yield current, quantities, instants
            current, quantities, instants = account_id, {}, {}
        quantities[device_type] = int(n)
        if at is not None:
            instants[device_type] = at
    if current is not None:
        yield current, quantities, instants


# The close's COPY streams: the invoice's tables, then each peak line's instant (issue 12).
PEAK_COLUMNS = ("account_id", "month", "device_type_id", "peak", "peak_at")
_TABLES = (*repo.INVOICE_TABLES, (t.month_peaks, PEAK_COLUMNS))


class _Batch:
    """Priced and numbered invoices, as COPY text, until the writer takes them."""

    def __init__(self, issuer, month, bounds, now, pricing: _Pricing, report: CloseReport, first: int):
        self.month, self.pricing, self.report = month, pricing, report
        self.text = repo.InvoiceText(issuer, kind="monthly", month=month, issued_at=now)
        self.periods = {tz: self.text.period(period) for tz, period in bounds.items()}
        self.sequence = first  # the next number
        self.billed = 0
        self.invoices: list[str] = []
        self.lines: list[str] = []
        self.taxes: list[str] = []
        self.uses: list[str] = []
        self.peaks: list[str] = []
        self._month = str(month.index)

    def add(self, account, quantities: dict[str, int], instants: dict[str, datetime]) -> None:
        try:
            draft, text = self.pricing.priced(account, quantities)
        except BillingError as e:
            self.report.skipped.append((account[_ID], str(self.month), e.detail))
            return
        invoice, lines, taxes, uses = self.text.rows(
            self.sequence, account[_ID], account[_NAME], draft, text, self.periods[account[_TZ]]
        )
        self.sequence += 1
        self.billed += draft.total
        self.invoices.append(invoice)
        self.lines.append(lines)
        self.taxes.append(taxes)
        if uses:
            self.uses.append(uses)
        if instants:
            account_id = account[_ID].translate(repo._COPY_ESCAPES)
            self.peaks.extend(
                f"{account_id}\t{self._month}\t{repo.copy_value(device_type)}\t{quantities[device_type]}\t"
                f"{repo.copy_value(at)}\n"
                for device_type, at in instants.items()
            )

    def take(self) -> list[str]:
        """The rows so far, one text per table of _TABLES; the batch starts anew."""
        taken = ["".join(x) for x in (self.invoices, self.lines, self.taxes, self.uses, self.peaks)]
        self.invoices, self.lines, self.taxes, self.uses, self.peaks = [], [], [], [], []
        return taken

    def __len__(self) -> int:
        return len(self.invoices)


def _postgres_settings(conn: Connection) -> None:
    for statement in POSTGRES_SETTINGS:
        conn.exec_driver_sql(statement)


class _Rows:
    """Runs a query on a connection of its own, in a thread, and yields its rows as they come
    (a server-side cursor, read ahead into a queue)."""

    _END = object()

    def __init__(self, conn: Connection, query):
        self._rows: queue.Queue = queue.Queue()
        self._conn = conn.engine.connect()
        self._thread = threading.Thread(target=self._read, args=(query,), name="close-reader", daemon=True)

    def __enter__(self) -> _Rows:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._thread.join()  # on an error, once the query is done: its rows are not read
        self._conn.close()

    def _read(self, query) -> None:
        try:
            with self._conn.begin():
                self._conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                _postgres_settings(self._conn)
                result = self._conn.execution_options(yield_per=INSERT_CHUNK).execute(query)
                for part in result.partitions():
                    self._rows.put(part)
            self._rows.put(self._END)
        except BaseException as e:  # handed to the thread that reads the rows
            self._rows.put(e)

    def __iter__(self) -> Iterator:
        while (part := self._rows.get()) is not self._END:
            if isinstance(part, BaseException):
                raise part
            yield from part


class _Writer:
    """COPYs chunks of invoice rows in a thread of its own, through `conn`'s driver connection,
    so in the month's transaction; `conn` is not used otherwise until the writer is closed."""

    def __init__(self, conn: Connection, total: int, progress: Progress | None):
        self._pg = conn.connection.driver_connection
        self._chunks: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._total, self._written, self._progress = total, 0, progress
        self._thread = threading.Thread(target=self._write, name="close-writer", daemon=True)

    def __enter__(self) -> _Writer:
        self._thread.start()
        return self

    def put(self, tables: list[str]) -> None:
        if self._error is not None:
            raise self._error
        self._chunks.put(tables)
        if self._progress:
            self._progress("writing", self._written, self._total)

    def _write(self) -> None:
        while (tables := self._chunks.get()) is not None:
            if self._error is not None:
                continue  # drain: the caller sees the error and rolls back
            try:
                with self._pg.cursor() as cur:
                    for (table, columns), text in zip(_TABLES, tables, strict=True):
                        if text:
                            repo.copy_text(cur, table, columns, text)
                self._written += tables[0].count("\n")
            except BaseException as e:
                self._error = e

    def __exit__(self, exc_type, exc, tb) -> None:
        self._chunks.put(None)
        self._thread.join()
        if self._error is not None and exc is None:
            raise self._error
        if self._progress and exc is None:
            self._progress("writing", self._written, self._total)


def close_due_months(
    db: Database,
    clock: Clock,
    settings: Settings,
    progress: Progress | None = None,
    actor: str = "worker",
    max_months: int = MAX_MONTHS_PER_RUN,
    timeline: Timeline = SERVER,
    verify: bool = False,
    explain: bool = True,
) -> CloseReport:
    """R15: close every ended month that is still open, oldest first, each in one transaction
    that also applies the downgrades renewing with it (R10) and opens the collections of the
    invoices it finalized (R15, R19). Every entrypoint calls this one function, so an invoice
    and its collection never depend on which of them ran the close, or when.

    Idempotent and crash-safe: a month's invoices, their numbers, point uses, downgrades and
    collections commit together or not at all, and the unique (account, month) key and the
    issuer lock make a second or concurrent run find nothing left to do. A close that finds
    another one running raises CloseRunning at once rather than queueing behind it.
    """
    report = CloseReport()
    now = clock.now()
    with db.transaction() as conn:
        months = pending_months(conn, now, timeline)
    report.months_remaining = max(0, len(months) - max_months)
    for month, bounds in months[:max_months]:
        with db.transaction() as conn:
            _claim_close(conn)
            hold_months_for_close(conn, month, bounds)  # NOTE: R4 the writers still in the month commit first
            invoices, billed = report.invoices, report.billed
            numbered = close_month(conn, month, bounds, settings, now, report, progress, timeline, verify, explain)
            _mark_closed(conn, month, numbered)
            # NOTE: R10 a downgrade renewing at this month's end applies now, in the month's
            # transaction, so that a close catching up several months prices the next one (and
            # its renewal fee) under the plan held then, whoever runs it.
            report.downgrades_applied += apply_due_downgrades(conn, now, timeline)
            # NOTE: R13 so does a change of country/region or tax status due with the next period.
            apply_due_tax_changes(conn, now, timeline)
            # NOTE: R15 the invoices just finalized are in collection from the same commit.
            report.collections_opened += open_collections(conn, now, _numbered(numbered))
            record_invoices_finalized(conn, now, _numbered(numbered))  # NOTE: R22, with the invoices
            if report.invoices > invoices:
                audit(
                    conn,
                    now,
                    actor,
                    "close.run",
                    subject=str(month),
                    amount=report.billed - billed,
                    invoices=report.invoices - invoices,
                )
    return report


def _numbered(sequences: range):
    """The invoices of the default issuer numbered `sequences`: those a close just made."""
    inv = t.invoices
    return and_(inv.c.issuer_id == repo.DEFAULT_ISSUER, inv.c.sequence.between(sequences.start, sequences.stop - 1))


# pg_try_advisory_xact_lock's key for "a close is running": any fixed 64-bit number ("fbclose").
_CLOSE_LOCK = 0x6662636C6F7365


def _claim_close(conn: Connection) -> None:
    """On PostgreSQL, take the month-end lock or raise CloseRunning without waiting: a close
    queued behind another would hold a connection the running one needs for its readers, and
    would find nothing to do once it got the lock. SQLite has one writer; its closes queue."""
    if conn.dialect.name != "postgresql":
        return
    if not conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({_CLOSE_LOCK})").scalar():
        raise CloseRunning()
    _postgres_settings(conn)
