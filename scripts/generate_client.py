"""Regenerate the typed Python client (clients/python, `fleetbill-client`) from the API's OpenAPI.

The document is the one `fleetbill serve --test-mode` serves at /openapi.json (so the test clock
and the sandbox's routes are in it), built in-process: no server, no database. The package is
written by openapi-python-client and formatted by ruff, both at the exact versions of GENERATOR,
so the same API always gives the same files; tests/integration/test_client_generated.py fails
when the committed client is not what this script writes now.

The generator runs from its own environment, .venv-generator/ (made from PyPI on first use, and
again when GENERATOR changes), not from fleetbill's: it caps typer below the version fleetbill's
CLI is built with, and it is needed only here.

    .venv/bin/python scripts/generate_client.py             # rewrite clients/
    .venv/bin/python scripts/generate_client.py --out DIR   # write DIR/openapi.json and DIR/python instead
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "clients"
PROJECT_NAME = "fleetbill-client"
PACKAGE_NAME = "fleetbill_client"
GENERATOR = ("openapi-python-client==0.29.1", "ruff==0.17.6")
GENERATOR_VENV = ROOT / ".venv-generator"
# Given explicitly, not left to the generator's defaults: ruff runs from the generator's
# environment (the pinned version, whatever is on PATH), without a cache in the package.
GENERATOR_CONFIG = {
    "project_name_override": PROJECT_NAME,
    "package_name_override": PACKAGE_NAME,
    "post_hooks": [],
    # A PDF is bytes (a File, once the document gives it a binary schema; today it has none).
    "content_type_overrides": {"application/pdf": "application/octet-stream"},
}
# What the generator cannot express, each with the way round it (README, "Using the API"):
# the fleet import's body is the file itself, CSV or JSON Lines, which the generator has no
# type for; send it with the client's httpx client. Any other warning fails the generation.
ACCEPTED_WARNINGS = ("WARNING parsing POST /v1/imports within imports. Endpoint will not be generated.",)
FORMAT = (["check", "--fix-only", "--no-cache", "--quiet", "."], ["format", "--no-cache", "--quiet", "."])


def openapi_document() -> dict:
    """The /openapi.json of the API in test mode with the sandbox gateway, built in-process."""
    from fleetbill.adapters.db.engine import Database
    from fleetbill.adapters.gateway.sandbox import SandboxGateway
    from fleetbill.bootstrap import App
    from fleetbill.clock import TestClock
    from fleetbill.entrypoints.api import create_api
    from fleetbill.settings import Settings

    # Nothing here is read while the document is built: the database is never connected to.
    settings = Settings(database_url="sqlite://", test_mode=True, gateway="sandbox", secret_key="openapi-only")
    app = App(settings, Database(settings.database_url), TestClock(datetime(2026, 1, 1, tzinfo=UTC)), SandboxGateway())
    try:
        return create_api(app).openapi()
    finally:
        app.db.dispose()


def generate(out: Path) -> tuple[Path, Path]:
    """Write out/openapi.json and the client package in out/python; returns both paths."""
    out.mkdir(parents=True, exist_ok=True)
    document = out / "openapi.json"
    served = openapi_document()
    document.write_text(json.dumps(served, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    package = out / "python"
    python = generator_python()
    with tempfile.TemporaryDirectory() as scratch:
        config, source = Path(scratch) / "config.json", Path(scratch) / "openapi.json"
        config.write_text(json.dumps(GENERATOR_CONFIG))
        source.write_text(json.dumps(with_unique_titles(served), indent=2))
        command = ["generate", "--path", str(source), "--output-path", str(package), "--config", str(config)]
        said = _run(python, ["openapi_python_client", *command, "--meta", "setup", "--overwrite"], cwd=out)
    unexpected = [w for w in warnings(said) if w not in ACCEPTED_WARNINGS]
    if unexpected:
        sys.exit("openapi-python-client could not express all of the document:\n" + said)
    for args in FORMAT:
        _run(python, ["ruff", *args], cwd=package)
    return document, package


def with_unique_titles(document: dict) -> dict:
    """The document with each schema's title unique: the generator names a class after its title,
    and drops (with every schema using it) a second one of the same title. FastAPI keeps two
    models of one name apart only in their keys (`fleetbill__entrypoints__api__schemas__AttemptOut`),
    so such a schema is titled after its module: `SchemasAttemptOut`, `RoutesWebhooksAttemptOut`."""
    document = copy.deepcopy(document)
    schemas = document.get("components", {}).get("schemas", {})
    titles = Counter(schema.get("title", key) for key, schema in schemas.items())
    for key, schema in schemas.items():
        if titles[schema.get("title", key)] > 1 and "__" in key:
            module, name = key.split("__")[-2:]
            schema["title"] = "".join(part.title() for part in module.split("_")) + name
    return document


def warnings(said: str) -> list[str]:
    """The first line of each warning the generator printed (it prints each block after a blank line)."""
    blocks = said.split("\n\n")
    return [b.strip().splitlines()[0] for b in blocks if b.strip().startswith(("WARNING", "Unable", "Failure"))]


def generator_python() -> Path:
    """The interpreter of the generator's own environment, made (or remade) to GENERATOR's pins."""
    python, stamp = GENERATOR_VENV / "bin" / "python", GENERATOR_VENV / "fleetbill-generator.txt"
    wanted = "\n".join(GENERATOR) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"installing {', '.join(GENERATOR)} in {_shown(GENERATOR_VENV)}/", file=sys.stderr)
    _run(Path(sys.executable), ["venv", "--clear", str(GENERATOR_VENV)], cwd=ROOT)
    _run(python, ["pip", "install", "--quiet", "--disable-pip-version-check", *GENERATOR], cwd=ROOT)
    stamp.write_text(wanted)
    return python


def _run(python: Path, command: list[str], cwd: Path) -> str:
    """Run a module with that interpreter; its output."""
    done = subprocess.run([str(python), "-m", *command], cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command[:2])} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def generator_version() -> str:
    return ", ".join(GENERATOR).replace("==", " ")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=CLIENTS, help="folder for openapi.json and python/ (clients/)")
    out = parser.parse_args(argv).out.resolve()
    document, package = generate(out)
    doc = json.loads(document.read_text(encoding="utf-8"))
    operations = sum(len(ops) for ops in doc["paths"].values())
    files = sorted(p for p in package.rglob("*") if p.is_file())
    print(f"OpenAPI {doc['openapi']} of {doc['info']['title']} {doc['info']['version']} (test mode): ", end="")
    print(f"{len(doc['paths'])} paths, {operations} operations -> {_shown(document)}")
    print(f"{PROJECT_NAME} (import {PACKAGE_NAME}): {len(files)} files -> {_shown(package)}/ ({generator_version()})")


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


if __name__ == "__main__":
    main()
