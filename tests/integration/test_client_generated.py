"""The typed client in clients/ is what the API's OpenAPI gives now (issue 9 item 6): regenerating
it changes nothing. A change to the API without `scripts/generate_client.py` fails here, naming
each file that would change."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
NOT_GENERATED = {"__pycache__", ".pytest_cache", ".ruff_cache", "build", "dist"}  # made by installing or running
SHOWN_LINES = 40


def generated_files(folder: Path) -> dict[str, bytes]:
    """Every file the generator writes under folder, by its path relative to folder."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not any(part in NOT_GENERATED or part.endswith(".egg-info") for part in path.relative_to(folder).parts)
    }


def differences(committed: dict[str, bytes], fresh: dict[str, bytes]) -> list[str]:
    """One line per file that regenerating would add, remove or change."""
    return [
        f"would {'add' if name not in committed else 'remove' if name not in fresh else 'change'} clients/{name}"
        for name in sorted(committed.keys() | fresh.keys())
        if committed.get(name) != fresh.get(name)
    ]


def first_diff(committed: dict[str, bytes], fresh: dict[str, bytes]) -> str:
    """The start of the first changed file's diff, to say what changed."""
    for name in sorted(committed.keys() & fresh.keys()):
        if committed[name] != fresh[name]:
            old, new = (x[name].decode("utf-8", "replace").splitlines() for x in (committed, fresh))
            diff = difflib.unified_diff(old, new, f"clients/{name}", f"regenerated/{name}", lineterm="")
            return "\n".join(list(diff)[:SHOWN_LINES])
    return ""


def test_regenerating_the_client_from_the_api_changes_nothing(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_client.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    committed, fresh = generated_files(CLIENTS), generated_files(tmp_path)
    assert "python/fleetbill_client/api/invoices/list_invoices.py" in fresh
    changed = differences(committed, fresh)
    assert not changed, (
        "the client in clients/ is not what the API's OpenAPI gives now; run "
        "`.venv/bin/python scripts/generate_client.py` and commit clients/:\n"
        + "\n".join(changed)
        + "\n"
        + first_diff(committed, fresh)
    )
