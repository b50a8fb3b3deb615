"""The `fleetbill` command: serve, migrate, close, worker, demo, api-key."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

# Only typer is imported up front: `--help` must answer at once. Each command imports what it
# uses (SQLAlchemy, Alembic, the web stack) when it runs; see docs/benchmarks.md.
# Plain help (no rich markup): paragraphs are re-wrapped to the terminal and flags show no `<bool>`.
TYPER = dict(no_args_is_help=True, rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)
app = typer.Typer(help="fleetbill: monthly billing by peak active devices.", **TYPER)
api_key = typer.Typer(help="Operator API keys.", **TYPER)
app.add_typer(api_key, name="api-key")
staff = typer.Typer(help="Operator staff who log in to the console (/console).", **TYPER)
app.add_typer(staff, name="staff")
webhooks = typer.Typer(help="Webhooks to the operator's endpoints (R22).", **TYPER)
app.add_typer(webhooks, name="webhooks")


class _LazyConsole:
    """rich's Console, created on first use, so that `--help` does not load rich."""

    _real = None

    def get(self):
        if _LazyConsole._real is None:
            from rich.console import Console

            # A terminal's own width, or COLUMNS; piped output without COLUMNS gets 120, not rich's 80.
            piped_width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 120
            _LazyConsole._real = Console(width=piped_width)
        return _LazyConsole._real

    def __getattr__(self, name: str):
        return getattr(self.get(), name)


console = _LazyConsole()


def build(settings=None):
    """The application (`bootstrap.build`); a database that cannot be used ends the command with one line, exit 2."""
    from ..bootstrap import DatabaseUnavailable
    from ..bootstrap import build as build_app

    try:
        return build_app(settings)
    except DatabaseUnavailable as unavailable:
        print(f"fleetbill: {unavailable}", file=sys.stderr)
        raise typer.Exit(2) from None


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema.

    Every other command does it too, so this is needed only to prepare a database ahead of time."""
    built = build()
    console.print(f"[green]schema up to date[/] on {built.db.dialect}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", metavar="ADDRESS", help="Address to listen on."),
    port: int = typer.Option(8000, metavar="PORT", help="Port to listen on."),
    test_mode: bool = typer.Option(False, "--test-mode", help="Enable the test clock API (never in production)."),
    workers: int | None = typer.Option(
        None,
        "--workers",
        envvar="FLEETBILL_WEB_CONCURRENCY",
        min=1,
        metavar="N",
        help="Server processes (FLEETBILL_WEB_CONCURRENCY). Default: one per CPU core on PostgreSQL with "
        "a real gateway; one on SQLite, with the sandbox gateway and in test mode (see docs/benchmarks.md).",
    ),
) -> None:
    """Serve the API, the billing pages and the operator's console.

    The API's reference is at /docs (OpenAPI at /openapi.json), the console at /console. Invoice
    PDFs need a Japanese font: without it, serve starts with a warning and PDF downloads answer 503
    saying so. Install it (or set FLEETBILL_PDF_FONT to a font file with Japanese glyphs):

    \b
      apt-get install fonts-ipaexfont-gothic
    """
    import logging

    import uvicorn

    from .api import create_api

    # fleetbill's own log (console sign-ins, unexpected errors) next to uvicorn's access log.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from ..settings import Settings

    # Migrated, with its reference data and the installation's secret, before any worker starts.
    built = build(Settings.from_env(**({"test_mode": True} if test_mode else {})))
    processes = serve_processes(built, workers)
    warn_if_pdf_font_missing()
    many = f", {processes} processes" if processes > 1 else ""
    console.print(
        f"fleetbill on http://{host}:{port}: API docs at /docs, console at /console "
        f"({built.db.dialect}{', test mode' if test_mode else ''}{many})"
    )
    # NOTE: R20 the access log never holds a token (a billing link's, a key put in a query).
    from .access_log import uvicorn_log_config

    options = dict(host=host, port=port, log_level="info", log_config=uvicorn_log_config())
    if processes == 1:
        uvicorn.run(settled(create_api(built)), **options)
        return
    built.db.dispose()  # each worker opens its own pool (web_app)
    uvicorn.run(f"{__name__}:web_app", factory=True, workers=processes, **options)


def serve_processes(built, workers: int | None) -> int:
    """How many server processes `serve` runs (issue 11 item 4). Everything a request needs is in
    the database (API keys, idempotency keys and their waits, sessions' secret, billing links,
    staff sign-ins), so processes share nothing else; except in test mode, whose server clock
    lives in the process (one process, always), and with the sandbox gateway, which keeps the
    charges it made, and so its idempotency keys, in memory (one by default). SQLite serializes
    writers across processes (WAL, BEGIN IMMEDIATE, a 30 s busy timeout): several processes are
    correct there, but write no faster; one by default."""
    if built.settings.test_mode:
        if workers not in (None, 1):
            raise typer.BadParameter(
                "test mode runs one process: its server clock lives in that process's memory; leave --workers out",
                param_hint="--workers",
            )
        return 1
    if workers is not None:
        if workers > 1 and built.gateway.name == "sandbox":
            console.print(
                "[yellow]warning: the sandbox gateway remembers its charges in each process: a charge retried "
                "in another process is made again in the sandbox (no money moves; a real gateway keeps the keys)[/]",
                highlight=False,
                soft_wrap=True,
            )
        return workers
    if built.db.dialect != "postgresql" or built.gateway.name == "sandbox":
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def web_app():
    """The application of one `serve` worker process, built from the environment as `serve` was."""
    from ..settings import Settings
    from .api import create_api

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return settled(create_api(build(Settings.from_env())))


def settled(api):
    """The server's heap as built (modules, the app, its templates) moved out of the collector's
    reach: a full collection then scans what requests make, not everything ever imported. Measured
    on the billing page at 10,000 devices (issue 11): full collections of 95-309 ms hit about 3% of
    requests and made its p99; with the startup heap frozen they took 3-30 ms."""
    import gc

    gc.collect()
    gc.freeze()
    return api


def warn_if_pdf_font_missing() -> bool:
    """Say at start, in one line, when invoice PDFs cannot be drawn (their font is missing)."""
    from ..adapters.pdf.invoice_pdf import FontMissing, font_path

    try:
        font_path()
    except FontMissing as missing:
        message = f"[yellow]warning: {missing}; until then, PDF downloads answer 503[/]"
        console.print(message, highlight=False, soft_wrap=True)  # one line, as in a log
        return False
    return True


def _at_least_one_second(interval: int) -> int:
    if interval < 1:
        raise typer.BadParameter(f"{interval} is not a number of seconds between runs: give 1 or more, e.g. 3600")
    return interval


@contextmanager
def worker_lifecycle(built, interval: int, once: bool) -> Iterator[None]:
    """Log the worker's start and stop; SIGTERM stops it as Ctrl-C does, with exit code 0."""
    import signal

    log = logging.getLogger("fleetbill.worker")
    stopped_by = ["Ctrl-C"]

    def terminate(_signum, _frame):
        stopped_by[0] = "SIGTERM"
        raise KeyboardInterrupt  # unwinds like Ctrl-C: open transactions roll back

    signal.signal(signal.SIGTERM, terminate)
    runs = "one run" if once else f"a run every {interval} s"
    log.info("worker started (pid %d): %s, database %s", os.getpid(), runs, built.db.dialect)
    try:
        yield
    except KeyboardInterrupt:
        log.info("worker stopped by %s", stopped_by[0])
    else:
        log.info("worker stopped: the run is done")
    finally:
        built.db.dispose()


def close_with_progress(built, run) -> object:
    """Run a close-like job with a progress bar per phase."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console.get(),
        transient=False,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"{phase} invoices", total=total)
            bar.update(tasks[phase], completed=done, total=total)

        return run(built.db, built.clock, built.settings, progress)


@app.command()
def close(
    verify: bool = typer.Option(
        False, "--verify", help="Check each month's high-water marks against its status changes before closing it."
    ),
) -> None:
    """Close every ended billing month that is still open (R15).

    Safe to rerun: a closed month is never closed again. Exit code 1 when an account could not be
    invoiced (each is listed, and retried on the next run), 75 when another close is running, 2
    when --verify found a month's marks wrong (nothing of that month is written)."""
    from ..services.close_month import CloseRunning, MarksDisagree, close_due_months

    built = build()
    try:
        report = close_with_progress(
            built, lambda db, clock, settings, progress: close_due_months(db, clock, settings, progress, verify=verify)
        )
    except CloseRunning as busy:
        console.print(f"[yellow]{busy.detail}[/]")
        raise typer.Exit(75) from None  # EX_TEMPFAIL: try again later
    except MarksDisagree as wrong:
        console.print(f"[red]{wrong.detail}[/]")
        raise typer.Exit(2) from None
    console.print(report.summary())
    for account_id, month, why in report.skipped:
        console.print(f"[yellow]skipped[/] {account_id} {month}: {why}")
    if report.skipped:
        raise typer.Exit(1)


@app.command("marks")
def rebuild_marks(month: str = typer.Argument(..., help="The billing month, YYYY-MM.")) -> None:
    """Make a month's high-water marks again from its changes (R5).

    For a month `fleetbill close --verify` refused, or a history loaded without fleetbill."""
    from ..domain.errors import BillingError
    from ..domain.periods import BillingMonth
    from ..services.month_marks import rebuild_month_marks

    try:
        billing_month = BillingMonth.parse(month)
    except (BillingError, ValueError):
        console.print(f"[red]{month!r} is not a billing month: write it as YYYY-MM, e.g. 2026-03[/]")
        raise typer.Exit(2) from None
    count = rebuild_month_marks(build().db, billing_month)
    console.print(f"{billing_month}: {count:,} marks made from the status changes")


@app.command()
def collect() -> None:
    """Charge the cards of every invoice whose try is due (R19).

    Tries follow FLEETBILL_RETRY_SCHEDULE; a charge whose outcome is unknown (the gateway did not
    answer) is asked again with the same idempotency key, never charged twice. Safe to rerun."""
    from ..domain.dunning import RetryPolicy
    from ..services.collect_invoice import collect_due

    built = build()
    policy = RetryPolicy.parse(built.settings.retry_schedule)
    report = close_with_progress(
        built,
        lambda db, clock, settings, progress: collect_due(
            db, built.gateway, clock, policy, progress, settings=settings
        ),
    )
    console.print(report.summary())


@app.command("import")
def import_fleet_file(
    file: str = typer.Argument(..., metavar="FILE", help="The fleet: a .csv or .jsonl file (see the README)."),
    fmt: str = typer.Option(None, "--format", help="csv or jsonl, when the file's extension does not say."),
) -> None:
    """Import an existing fleet from a CSV or JSON Lines file.

    Accounts, their devices with their existing keys, each device's status since an instant, and
    the first month fleetbill bills (README: Importing a fleet). All or nothing: every row is
    checked first; any error refuses the whole file, listed with row numbers (exit 2). Importing
    the same file again changes nothing."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from sqlalchemy.exc import IntegrityError

    from ..domain.errors import BillingError, InvalidInput
    from ..domain.fleet_import import ImportRefused, file_format, read_rows
    from ..services.import_fleet import import_fleet

    try:
        kind = file_format(file, fmt)
        with open(file, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError, InvalidInput) as e:
        _refuse(getattr(e, "detail", None) or f"cannot read {file}: {e}")
    built = build()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console.get()) as bar, built.db.transaction() as conn:
            tasks: dict[str, int] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            report = import_fleet(conn, built.clock.now(), read_rows(text, kind), _cli_actor(), progress)
    except ImportRefused as refused:
        for row, why in refused.errors:
            print(f"row {row}: {why}", file=sys.stderr)
        _refuse(f"{file} was refused: {len(refused.errors)} rows have errors; nothing was imported")
    except IntegrityError:  # another import wrote the same account_ref or key first
        _refuse(f"another import wrote some of {file}'s accounts or keys meanwhile; nothing was imported; run it again")
    except BillingError as refused:
        _refuse(refused.detail)
    console.print(report.summary(), highlight=False)


@webhooks.command("deliver")
def deliver_webhooks_now() -> None:
    """Publish the recorded events and send the webhooks due now, once (the worker does it every
    few seconds). Endpoints are managed in the API (/v1/webhook-endpoints) and the console."""
    from ..services.deliver_webhooks import deliver_webhooks
    from ..services.events import publish_events

    built = build()
    published = publish_events(built.db, built.clock.now(), email_zero_invoices=built.settings.email_zero_invoices)
    report = deliver_webhooks(built.db, built.clock, built.settings)
    console.print(f"{published} events published; {report.summary()}", highlight=False)


@app.command()
def worker(
    once: bool = typer.Option(False, "--once", help="Run the due jobs once and exit."),
    interval: int = typer.Option(
        3600,
        metavar="SECONDS",
        callback=_at_least_one_second,
        help="Seconds between runs, at least 1; each run starts just past a multiple of it (3600: every hour).",
    ),
) -> None:
    """Run the jobs that fall due, every hour by default, until stopped.

    Each run, in order: the close of every ended month (months end at different instants in
    different time zones), which applies the plan downgrades due with it and opens the
    collections of its invoices; card collection and retries; reminders of unpaid bank transfers
    and suspension; card expiry warnings; point expiry; the purge of old idempotency keys; and
    emailing the notifications (FLEETBILL_SMTP_URL; unset, they wait in the outbox). Between runs,
    every FLEETBILL_WEBHOOK_INTERVAL seconds (5), it publishes the events recorded since and
    delivers the webhooks due. Every job is idempotent, so several workers may run at once.
    Ctrl-C or SIGTERM stops it; a run cut short keeps nothing half-done."""
    from .worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    built = build()
    with worker_lifecycle(built, interval, once):
        run_worker(built, once=once, interval=interval)


@app.command()
def demo() -> None:
    """Seed a demo and close its months: invoices to look at at once.

    The first run seeds plans, accounts in two time zones, three months of device activity,
    payments and points into FLEETBILL_DATABASE_URL (by default fleetbill.db in this folder), and
    prints an operator API key and a console login once. Every run then runs the due jobs and
    prints the invoices and accounts."""
    from .demo import run_demo

    run_demo(build(), console.get())


def _cli_actor() -> str:
    """Who ran the command, for the audit log: the server's login."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name (a container without a user entry)
        return "cli:unknown"


def _refuse(detail: str) -> None:
    """A refusal on stderr (stdout may be captured, as `KEY=$(fleetbill api-key create ...)`), exit 2."""
    print(f"fleetbill: {detail}", file=sys.stderr)
    raise typer.Exit(2)


@api_key.command("create")
def create_key(
    name: str = typer.Argument(..., metavar="NAME", help="Who uses the key, e.g. 'platform'."),
    scope: str = typer.Option(
        "full", metavar="read-only|full", help="read-only: it may only read (GET). full: anything, keys included."
    ),
) -> None:
    """Create an operator API key; it is printed once.

    Only the key goes to standard output, so KEY=$(fleetbill api-key create platform) keeps it;
    its id, to list or revoke it with, goes to standard error."""
    from ..domain.api_keys import parse_scope
    from ..domain.errors import BillingError
    from ..services.api_keys import create_api_key

    try:
        chosen = parse_scope(scope)
    except ValueError as wrong:
        _refuse(str(wrong))
    built = build()
    try:
        with built.db.transaction() as conn:
            made = create_api_key(
                conn, built.clock.now(), name, chosen, actor=_cli_actor(), test_mode=built.settings.test_mode
            )
    except BillingError as refused:
        _refuse(refused.detail)
    console.print(made.secret, soft_wrap=True, highlight=False)
    print(f"{made.id} ({chosen.label}): the key above is shown this once; store it now", file=sys.stderr)


@api_key.command("list")
def list_keys() -> None:
    """List the operator API keys (never their secrets), live ones first."""
    from zoneinfo import ZoneInfo

    from rich import box
    from rich.table import Table

    from ..services.api_keys import list_api_keys

    built = build()
    with built.db.read() as conn:
        keys = list_api_keys(conn)
    if not keys:
        console.print("no API keys yet; create one with: fleetbill api-key create NAME")
        return
    zone = ZoneInfo(built.settings.operator_timezone)

    def when(instant, fmt="%Y-%m-%d %H:%M"):
        return "-" if instant is None else instant.astimezone(zone).strftime(fmt)

    # No column rules, to fit 80 columns: a short id, dates to the day, the last use to the minute.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, caption=f"times in {zone.key}")
    table.add_column("ID", no_wrap=True)
    table.add_column("NAME", ratio=1, min_width=8, overflow="fold")
    for column in ("SCOPE", "CREATED", "LAST USED", "REVOKED"):
        table.add_column(column, no_wrap=True)
    for k in keys:
        used = "never" if k.last_used_at is None else when(k.last_used_at)
        table.add_row(k.id, k.name, k.scope.label, when(k.created_at, "%Y-%m-%d"), used, when(k.revoked_at, "%Y-%m-%d"))
    console.print(table)


@api_key.command("revoke")
def revoke_key(
    key_id: str = typer.Argument(..., metavar="ID", help="The key's id, as `api-key list` shows it."),
) -> None:
    """Revoke an operator API key: its next request is refused.

    The last full key cannot be revoked: create another full key first."""
    from ..domain.errors import BillingError
    from ..services.api_keys import revoke_api_key

    built = build()
    now = built.clock.now()
    try:
        with built.db.transaction() as conn:
            revoked = revoke_api_key(conn, now, key_id, _cli_actor())
    except BillingError as refused:
        _refuse(refused.detail)
    if revoked.revoked_at != now:
        console.print(f"{revoked.id} ({revoked.name}) was already revoked at {revoked.revoked_at:%Y-%m-%d %H:%M} UTC")
        return
    console.print(f"{revoked.id} ({revoked.name}) is revoked: its next request is refused")


def _staff_password():
    """The password option of `staff create` and `staff set-password`: typed twice, or the env."""
    return typer.Option(
        None,  # not required: asked for when neither the option nor the variable gives it
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="FLEETBILL_STAFF_PASSWORD",
        metavar="PASSWORD",
        help="At least 12 characters; stored as an argon2id hash. Asked for (typed twice) when not given, "
        "which keeps it out of the shell's history.",
    )


@staff.command("create")
def create_staff(
    email: str = typer.Argument(..., metavar="EMAIL", help="Their login, e.g. hana@example.jp."),
    name: str = typer.Option(..., metavar="NAME", help="Their name, shown in the console."),
    password: str = _staff_password(),
) -> None:
    """Give a person a console login."""
    from ..domain.errors import BillingError
    from ..services.staff import create_staff as create

    built = build()
    try:
        with built.db.transaction() as conn:
            created = create(conn, built.clock.now(), email, name, password)
    except BillingError as refused:
        console.print(f"[red]{refused.detail}[/]")
        raise typer.Exit(2) from None
    console.print(f"{created.email} can log in at /console")


@staff.command("disable")
def disable_staff(email: str = typer.Argument(..., metavar="EMAIL", help="Their login, e.g. hana@example.jp.")) -> None:
    """End a person's console access: their login is refused and their open sessions end at once."""
    from ..domain.errors import BillingError
    from ..services.staff import disable_staff as disable

    built = build()
    try:
        with built.db.transaction() as conn:
            disabled, ended = disable(conn, built.clock.now(), email)
    except BillingError as refused:
        console.print(f"[red]{refused.detail}[/]")
        raise typer.Exit(2) from None
    console.print(f"{disabled.email} can no longer log in; {ended} session{'' if ended == 1 else 's'} ended")


@staff.command("set-password")
def set_staff_password(
    email: str = typer.Argument(..., metavar="EMAIL", help="Their login, e.g. hana@example.jp."),
    password: str = _staff_password(),
) -> None:
    """Give a person a new password, e.g. when they forgot theirs.

    It clears a lockout and ends their open sessions."""
    from ..domain.errors import BillingError
    from ..services.staff import set_password

    built = build()
    try:
        with built.db.transaction() as conn:
            changed, ended, disabled = set_password(conn, built.clock.now(), email, password)
    except BillingError as refused:
        console.print(f"[red]{refused.detail}[/]")
        raise typer.Exit(2) from None
    sessions = f"{ended} session{'' if ended == 1 else 's'} ended"
    console.print(f"{changed.email} has a new password; {sessions}{' (the login stays disabled)' if disabled else ''}")
