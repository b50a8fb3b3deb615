"""The `fleetbill` command: serve, migrate, close, worker, demo, api-key."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..bootstrap import build
from ..settings import Settings

app = typer.Typer(help="fleetbill: monthly billing by peak active devices.", no_args_is_help=True)
api_key = typer.Typer(help="Operator API keys.")
app.add_typer(api_key, name="api-key")
staff = typer.Typer(help="Operator staff who log in to the console (/console).")
app.add_typer(staff, name="staff")
console = Console(width=None if sys.stdout.isatty() else 120)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (also done by every other command)."""
    built = build()
    console.print(f"[green]schema up to date[/] on {built.db.dialect}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    test_mode: bool = typer.Option(False, "--test-mode", help="Enable the test clock API (never in production)."),
) -> None:
    """Serve the REST API (docs at /docs, OpenAPI at /openapi.json), the billing pages and the
    operator's console (/console)."""
    import logging

    import uvicorn

    from .api import create_api

    # fleetbill's own log (console sign-ins, unexpected errors) next to uvicorn's access log.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    built = build(Settings.from_env(**({"test_mode": True} if test_mode else {})))
    console.print(
        f"fleetbill on http://{host}:{port}: API docs at /docs, console at /console "
        f"({built.db.dialect}{', test mode' if test_mode else ''})"
    )
    # NOTE: R20 the access log never holds a token (a billing link's, a key put in a query).
    from .access_log import uvicorn_log_config

    uvicorn.run(create_api(built), host=host, port=port, log_level="info", log_config=uvicorn_log_config())


def close_with_progress(built, run) -> object:
    """Run a close-like job with a progress bar per phase."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"{phase} invoices", total=total)
            bar.update(tasks[phase], completed=done, total=total)

        return run(built.db, built.clock, built.settings, progress)


@app.command()
def close() -> None:
    """Close every ended billing month that is still open (R15). Safe to rerun."""
    from ..services.close_month import CloseRunning, close_due_months

    built = build()
    try:
        report = close_with_progress(built, close_due_months)
    except CloseRunning as busy:
        console.print(f"[yellow]{busy.detail}[/]")
        raise typer.Exit(75) from None  # EX_TEMPFAIL: try again later
    console.print(report.summary())
    for account_id, month, why in report.skipped:
        console.print(f"[yellow]skipped[/] {account_id} {month}: {why}")
    if report.skipped:
        raise typer.Exit(1)


@app.command()
def collect() -> None:
    """Charge the cards of every invoice whose try is due, and resolve unknown outcomes (R19)."""
    from ..domain.dunning import RetryPolicy
    from ..services.collect_invoice import collect_due

    built = build()
    policy = RetryPolicy.parse(built.settings.retry_schedule)
    report = close_with_progress(
        built, lambda db, clock, _settings, progress: collect_due(db, built.gateway, clock, policy, progress)
    )
    console.print(report.summary())


@app.command()
def worker(
    once: bool = typer.Option(False, "--once", help="Run the due jobs once and exit."),
    interval: int = typer.Option(3600, help="Seconds between runs; runs start on the interval's boundary."),
) -> None:
    """Run the jobs as they fall due: the close hourly (months end at different instants in
    different time zones), then point expiry. Several workers may run at once."""
    from .worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    run_worker(build(), once=once, interval=interval)


@app.command()
def demo() -> None:
    """Seed a realistic demo (plans, accounts in two time zones, months of device activity,
    points) and close its months, so the invoices are there to look at."""
    from .demo import run_demo

    run_demo(build(), console)


@api_key.command("create")
def create_key(name: str = typer.Argument(..., help="Who uses the key, e.g. 'platform'.")) -> None:
    """Create an operator API key; it is printed once."""
    from ..services.api_keys import create_api_key

    built = build()
    with built.db.transaction() as conn:
        _, key = create_api_key(conn, built.clock.now(), name)
    console.print(key, soft_wrap=True, highlight=False)


def _staff_password():
    """The password option of `staff create` and `staff set-password`: typed twice, or the env."""
    return typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="FLEETBILL_STAFF_PASSWORD",
        help="At least 12 characters; stored as an argon2id hash. Asked for when not given.",
    )


@staff.command("create")
def create_staff(
    email: str = typer.Argument(..., help="Their login, e.g. hana@example.jp."),
    name: str = typer.Option(..., help="Their name, shown in the console."),
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
def disable_staff(email: str = typer.Argument(..., help="Their login, e.g. hana@example.jp.")) -> None:
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
    email: str = typer.Argument(..., help="Their login, e.g. hana@example.jp."),
    password: str = _staff_password(),
) -> None:
    """Give a person a new password (e.g. when they forgot theirs): it clears a lockout and ends
    their open sessions."""
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
