"""Issue 11 item 4: `fleetbill serve` runs several processes, and runs one where process memory
would make them disagree (test mode's server clock, the sandbox gateway's charges); a real
subprocess on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx2 as httpx
import pytest
import typer

from fleetbill.entrypoints.cli import serve_processes
from fleetbill.services.api_keys import create_api_key
from tests import factories

FLEETBILL = str(Path(sys.executable).parent / "fleetbill")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def test_issue11_serve_with_two_workers_starts_two_processes_that_answer(app):
    factories.device_type(app)
    factories.plan(app, "basic")
    acme = factories.account(app, "basic")
    [device] = factories.devices(app, acme, 1)
    with app.db.transaction() as conn:
        _, key = create_api_key(conn, app.clock.now(), "workers")
    port = _free_port()
    env = os.environ | {"FLEETBILL_DATABASE_URL": app.settings.database_url, "FLEETBILL_WEB_CONCURRENCY": "2"}
    env.pop("FLEETBILL_TEST_MODE", None)
    server = subprocess.Popen(
        [FLEETBILL, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "serve did not answer /healthz"
            time.sleep(0.2)
        # two processes serve (uvicorn's supervisor and its workers) ...
        assert len([p for p in _children(server.pid) if _is_worker(p)]) == 2
        # ... and the API answers through them, with every guarantee kept in the database
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
            answers = [
                client.post(
                    f"/v1/devices/{device}/status", json={"active": n % 2 == 1}, headers={"Idempotency-Key": f"w{n}"}
                )
                for n in range(6)
            ]
            replay = client.post(
                f"/v1/devices/{device}/status", json={"active": False}, headers={"Idempotency-Key": "w0"}
            )
        assert [r.status_code for r in answers] == [200] * 6, [r.text for r in answers]
        assert replay.headers.get("Idempotent-Replayed") == "true"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output = server.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0].decode()
    assert "2 processes" in output, output[-2000:]
    assert server.returncode == 0, output[-2000:]


def _is_worker(pid: int) -> bool:
    """uvicorn's workers are spawned interpreters (multiprocessing), not its resource tracker."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return False
    return "multiprocessing" in command and "resource_tracker" not in command


def test_issue11_test_mode_refuses_several_workers_its_clock_lives_in_the_process(database_url):
    env = os.environ | {"FLEETBILL_DATABASE_URL": database_url}
    done = subprocess.run(
        [FLEETBILL, "serve", "--test-mode", "--workers", "2", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "test mode runs one process" in done.stderr


def _built(dialect: str, gateway: str, test_mode: bool = False):
    return SimpleNamespace(
        settings=SimpleNamespace(test_mode=test_mode),
        db=SimpleNamespace(dialect=dialect),
        gateway=SimpleNamespace(name=gateway),
    )


def test_issue11_serve_defaults_to_one_process_a_core_only_where_processes_cannot_disagree():
    cores = len(os.sched_getaffinity(0))
    assert serve_processes(_built("postgresql", "stripe"), None) == cores
    assert serve_processes(_built("postgresql", "sandbox"), None) == 1  # its charges are in memory
    assert serve_processes(_built("sqlite", "stripe"), None) == 1  # one writer at a time anyway
    assert serve_processes(_built("postgresql", "stripe", test_mode=True), None) == 1
    assert serve_processes(_built("sqlite", "sandbox"), 3) == 3  # asked for: correct, if no faster
    with pytest.raises(typer.BadParameter):
        serve_processes(_built("postgresql", "stripe", test_mode=True), 2)
