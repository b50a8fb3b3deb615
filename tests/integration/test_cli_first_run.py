"""The first run, as a newcomer meets it (issue 8, items 17-20): the CLI's help and start, a
database it cannot reach, the worker's log, the demo's tables in 80 columns, a missing PDF font,
and the README's links. The CLI runs as a user runs it: in a child process of this interpreter."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fleetbill.entrypoints import cli
from tests.conftest import on_postgres

ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from fleetbill.entrypoints.cli import app; sys.exit(app(prog_name='fleetbill'))"
HEAVY = {"sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "psycopg", "stripe", "fpdf", "rich", "jinja2"}
COMMANDS = [
    "migrate",
    "serve",
    "close",
    "marks",
    "collect",
    "import",
    "worker",
    "demo",
    "api-key",
    "staff",
    "webhooks",
]


def _env(database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETBILL_")}
    env.update(COLUMNS="80", PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]), **extra)
    if database_url:
        env["FLEETBILL_DATABASE_URL"] = database_url
    return env


def fleetbill(*args: str, database_url: str | None = None, cwd: Path | None = None, **env: str):
    """`fleetbill ARGS` in a child process, as the console script runs it."""
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        env=_env(database_url, **env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- item 17: the start ------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["close", "--help"], ["staff", "create", "--help"]])
def test_help_loads_neither_the_database_nor_the_web_stack(args):
    """`--help` answers at once: it imports none of SQLAlchemy, Alembic, the web stack or rich."""
    probe = (
        "import sys\nfrom fleetbill.entrypoints.cli import app\n"
        f"try:\n    app({args!r}, prog_name='fleetbill')\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(HEAVY)!r})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout


def test_a_command_on_a_migrated_database_does_not_load_alembic(database_url):
    """The usual start finds the schema at head with one query and skips Alembic's machinery."""
    probe = (
        "import sys\nfrom fleetbill.entrypoints.cli import build\nbuild()\nprint('ALEMBIC', 'alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=_env(database_url), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "ALEMBIC False" in done.stdout


def test_the_head_read_from_the_migration_files_is_alembics_own():
    from alembic.script import ScriptDirectory

    from fleetbill.bootstrap import MIGRATIONS, alembic_config, head_revision

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.dir == str(MIGRATIONS)
    assert head_revision() == script.get_current_head()


def test_close_runs_on_a_migrated_database_and_says_what_it_did(database_url):
    done = fleetbill("close", database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert "nothing" in done.stdout
    assert "Context impl" not in done.stdout + done.stderr


# --- item 20: the help ---------------------------------------------------------------------------


def _help(*args: str) -> str:
    done = CliRunner().invoke(cli.app, [*args, "--help"], env={"COLUMNS": "80"}, prog_name="fleetbill")
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize(
    "command", [[], *([c] for c in COMMANDS), ["api-key", "create"], ["staff", "create"], ["staff", "set-password"]]
)
def test_help_shows_no_type_tags_and_fits_80_columns(command):
    text = _help(*command)
    assert "<bool>" not in text and "<int>" not in text
    assert all(len(line) <= 80 for line in text.splitlines()), text


def test_the_command_list_gives_each_command_one_whole_sentence():
    """Each command's summary is one line, a whole sentence: none cut off or broken mid-sentence."""
    text = _help()
    rows = text.split("Commands:", 1)[1].strip().splitlines()
    assert [row.split()[0] for row in rows] == COMMANDS
    for row in rows:
        assert row.endswith(".") and not row.endswith("..."), row


def test_the_worker_help_names_every_job_it_runs():
    """R15-R19: the worker's help lists what services/run_due_jobs.py runs, in its order."""
    text = " ".join(_help("worker").split())
    jobs = [
        "close",
        "downgrades",
        "opens the collections",
        "card collection and retries",
        "bank transfers and suspension",
        "card expiry warnings",
        "point expiry",
        "idempotency keys",
        "emailing the notifications",
    ]
    where = [text.find(job) for job in jobs]
    assert -1 not in where, [job for job, at in zip(jobs, where, strict=True) if at < 0]
    assert where == sorted(where)
    assert "Ctrl-C or SIGTERM" in text


@pytest.mark.parametrize("command", [["staff", "create"], ["staff", "set-password"]])
def test_the_password_is_asked_for_so_it_is_not_marked_required(command):
    text = " ".join(_help(*command).split())
    entry = text.split("--password PASSWORD", 1)[1].split("--help", 1)[0]
    assert "Asked for" in entry and "FLEETBILL_STAFF_PASSWORD" in entry
    assert "required" not in entry


@pytest.mark.parametrize("interval", ["-5", "0"])
def test_a_worker_interval_below_one_second_is_refused(interval, database_url):
    done = fleetbill("worker", "--interval", interval, database_url=database_url)
    assert done.returncode == 2
    assert f"Invalid value for '--interval': {interval} is not a number of seconds" in done.stderr
    assert "give 1 or more" in done.stderr
    assert "worker started" not in done.stderr


# --- item 18: a database that cannot be used -------------------------------------------------------


@pytest.mark.parametrize(
    "url, shown, why",
    [
        (
            "postgresql://fleetbill:s3cret-pw@127.0.0.1:1/fleetbill",
            "FLEETBILL_DATABASE_URL=postgresql://fleetbill:***@127.0.0.1:1/fleetbill",
            "(connection refused): start it or set FLEETBILL_DATABASE_URL",
        ),
        (
            "mysql://billing:s3cret-pw@db.example/fleetbill",
            "FLEETBILL_DATABASE_URL=mysql://billing:***@db.example/fleetbill",
            "is not a database address fleetbill can use",
        ),
        (
            "sqlite:////nonexistent-folder/fleetbill.db",
            "FLEETBILL_DATABASE_URL=sqlite:////nonexistent-folder/fleetbill.db",
            "check that its folder exists",
        ),
    ],
)
def test_a_database_that_cannot_be_used_is_one_sentence_naming_the_setting(url, shown, why):
    """Any command: one line naming FLEETBILL_DATABASE_URL (password masked), the cause and the fix; exit 2."""
    done = fleetbill("close", database_url=url)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("fleetbill: ") and shown in line and why in line, line
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr


# --- item 20: the worker's log ---------------------------------------------------------------------


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)


def test_the_worker_logs_its_start_and_stops_cleanly_on_sigterm(database_url):
    worker = subprocess.Popen(
        [sys.executable, "-c", CLI, "worker", "--interval", "3600"],
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(worker.stderr, seen), daemon=True).start()
    log: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while not any("due jobs:" in line for line in log):  # started, and its first run is done
            log.append(seen.get(timeout=max(0.1, deadline - time.monotonic())))
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        worker.kill()
    time.sleep(0.2)
    while not seen.empty():
        log.append(seen.get())
    text = "".join(log)
    dialect = "postgresql" if on_postgres() else "sqlite"
    assert re.search(rf"worker started \(pid \d+\): a run every 3600 s, database {dialect}", text), text
    assert "worker stopped by SIGTERM" in text
    assert "Traceback" not in text and "Context impl" not in text


def test_a_new_database_is_migrated_without_alembics_noise(tmp_path):
    done = fleetbill("worker", "--once", database_url=f"sqlite:///{tmp_path / 'new.db'}")
    assert done.returncode == 0, done.stderr
    assert "worker started" in done.stderr and "worker stopped: the run is done" in done.stderr
    assert "Context impl" not in done.stderr and "Will assume" not in done.stderr


# --- item 20: the demo in an 80-column terminal -----------------------------------------------------


@pytest.mark.skipif(on_postgres(), reason="the demo's first run is on its embedded SQLite default")
def test_the_demo_shows_every_invoice_number_whole_in_80_columns(tmp_path):
    done = fleetbill("demo", cwd=tmp_path)  # a fresh folder, the default database, COLUMNS=80
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "…" not in done.stdout
    table = done.stdout.split("Invoices (newest first)", 1)[1].split("See them", 1)[0]
    numbers = re.findall(r"^│ (FB-\d{8}) │", table, re.M)
    assert numbers and numbers == [f"FB-{n:08d}" for n in range(len(numbers), 0, -1)]


# --- item 18: the invoice PDF's font -----------------------------------------------------------------


def test_serve_warns_at_start_when_the_pdf_font_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("FLEETBILL_PDF_FONT", str(tmp_path / "missing.ttf"))
    assert cli.warn_if_pdf_font_missing() is False
    said = " ".join(capsys.readouterr().out.split())
    assert "warning: the invoice PDF font" in said and "fonts-ipaexfont-gothic" in said and "503" in said


def test_r14_a_pdf_without_its_font_is_a_503_naming_the_package_to_install(api, app, clock, monkeypatch, tmp_path):
    """R14's PDF cannot be drawn without its font: the operator is told what to install, not to retry."""
    from datetime import UTC, datetime

    from fleetbill.services.close_month import close_due_months
    from tests import factories as f

    f.device_type(app)
    f.plan(app)
    account = f.account(app, "basic")
    f.devices(app, account, 2)
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)
    [invoice] = [i for i in api.get(f"/v1/accounts/{account}/invoices").json() if i["kind"] == "monthly"]
    monkeypatch.setenv("FLEETBILL_PDF_FONT", str(tmp_path / "missing.ttf"))

    answer = api.get(f"/v1/invoices/{invoice['id']}.pdf")

    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    detail = answer.json()["detail"]
    assert "apt-get install fonts-ipaexfont-gothic" in detail and "FLEETBILL_PDF_FONT" in detail
    assert "Idempotency-Key" not in answer.text
    assert api.get(f"/v1/invoices/{invoice['id']}.csv").status_code == 200


# --- item 20: the README ---------------------------------------------------------------------------


def test_the_readme_links_only_files_a_clone_has_and_needs_no_uuidgen():
    readme = (ROOT / "README.md").read_text()
    assert "uuidgen" not in readme
    links = re.findall(r"\]\(([^)#]+)\)", readme) + re.findall(r"`((?:docs|benchmarks)/[\w./-]+)`", readme)
    local = [link for link in links if "://" not in link]
    assert "docs/billing-rules.md" in local and "docs/billing-faq.txt" in local
    assert [link for link in local if not (ROOT / link).exists()] == []
