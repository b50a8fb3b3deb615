"""Benchmark: how long the `fleetbill` command takes to start (issue 8, item 17).

A newcomer's first contact is `fleetbill --help`, then a command. Each is run `--repeat` times,
interleaved, as a child process of this interpreter (the same thing the `fleetbill` console
script runs), against baselines measured in the same run:

* `python -c pass`: starting the interpreter, which no command can beat;
* `python -c "import sqlalchemy"`: the floor of any command that touches the database.

The commands:

* `fleetbill --help` and `fleetbill close --help`: help only, no database;
* `fleetbill close` on an already migrated SQLite database with nothing to close: the start of a
  real command (settings, the schema check, reference data) plus a close that finds nothing;
* `fleetbill migrate` on the same database: the start of a command alone.

It prints the median, the fastest and the 90th percentile of each, the ratio of the medians to
`python -c pass`, the targets (help under 0.5 s, a command under 1.5 s), the machine and the load
average. `--src DIR` measures another checkout's `src/` (e.g. the code before a change), with a
scratch database migrated by that code.

    .venv/bin/python benchmarks/cli_start.py                 # 20 runs of each
    .venv/bin/python benchmarks/cli_start.py --repeat 5
    .venv/bin/python benchmarks/cli_start.py --src /tmp/before/src
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from host import cpu_and_ram  # benchmarks/host.py, beside this script

CLI = "import sys; from fleetbill.entrypoints.cli import app; sys.exit(app(prog_name='fleetbill'))"
TARGETS = {"help": 0.5, "command": 1.5}  # seconds, on the machine the issue was measured on


def cases() -> list[tuple[str, list[str], str | None]]:
    """(label, argv, target kind): the baselines first, then the commands."""
    python = [sys.executable]
    fleetbill = [sys.executable, "-c", CLI]
    return [
        ("python -c pass (baseline)", [*python, "-c", "pass"], None),
        ('python -c "import sqlalchemy" (baseline)', [*python, "-c", "import sqlalchemy"], None),
        ("fleetbill --help", [*fleetbill, "--help"], "help"),
        ("fleetbill close --help", [*fleetbill, "close", "--help"], "help"),
        ("fleetbill migrate (at head)", [*fleetbill, "migrate"], "command"),
        ("fleetbill close (nothing to close)", [*fleetbill, "close"], "command"),
    ]


def child_env(database_url: str, src: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETBILL_")}
    env["FLEETBILL_DATABASE_URL"] = database_url
    env["COLUMNS"] = "80"
    if src:
        env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[-2:])} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each command (default 20)")
    parser.add_argument("--src", help="a checkout's src/ folder to measure instead of the installed fleetbill")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fleetbill-cli-start-") as scratch:
        env = child_env(f"sqlite:///{Path(scratch) / 'fleetbill.db'}", args.src)
        first = timed([sys.executable, "-c", CLI, "migrate"], env)  # a new database: Alembic runs (not timed below)
        runs: dict[str, list[float]] = {label: [] for label, _, _ in cases()}
        load_before = os.getloadavg()
        for _ in range(args.repeat):  # interleaved, so that a busy moment hits every case alike
            for label, argv, _ in cases():
                runs[label].append(timed(argv, env))
        load_after = os.getloadavg()

    cpu, ram = cpu_and_ram()
    where = args.src or str(Path(__import__("fleetbill").__file__).parent.parent)
    print(f"machine: {os.cpu_count()} cores, {cpu}, {ram:.1f} GiB RAM; Python {platform.python_version()}")
    print(f"code: {where}; {args.repeat} runs each; load average {load_before[0]:.2f} -> {load_after[0]:.2f}")
    print(f"first migrate of a new SQLite database (Alembic runs): {first:.2f} s\n")
    baseline = statistics.median(runs[cases()[0][0]])
    print(f"{'':42} {'median':>8} {'fastest':>8} {'p90':>8} {'/ pass':>8}  target")
    for label, _, kind in cases():
        values = runs[label]
        median = statistics.median(values)
        target = ""
        if kind:
            limit = TARGETS[kind]
            target = f"< {limit} s: {'met' if median < limit else 'MISSED'}"
        print(
            f"{label:42} {median:7.3f}s {min(values):7.3f}s {percentile(values, 0.9):7.3f}s "
            f"{median / baseline:7.1f}x  {target}"
        )


if __name__ == "__main__":
    main()
