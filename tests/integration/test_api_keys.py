"""R22's "the operator's platform": API keys as an operator manages them (issue 9, item 4): a
scope (read-only or full), a revocation that stops the very next request, a last use written at
most once a minute, and never the last full key revoked. Through the API and the CLI, on real
SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select, text

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_console as c
from fleetbill.domain.api_keys import Scope
from fleetbill.domain.errors import Conflict
from fleetbill.services.api_keys import _hash, create_api_key, revoke_api_key

ROOT = Path(__file__).resolve().parents[2]


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _new_key(api, name: str, scope: str, **headers) -> dict:
    made = api.post("/v1/api-keys", json={"name": name, "scope": scope}, headers=headers)
    assert made.status_code == 201, made.text
    return made.json()


def _the_fixture_key_id(app) -> str:
    with app.db.read() as conn:
        return conn.execute(select(t.api_keys.c.id).where(t.api_keys.c.name == "tests")).scalar_one()


# --- scopes ------------------------------------------------------------------------------------


def test_r22_read_only_api_key_reads_and_is_refused_any_change_with_a_403_that_says_why(api, app):
    # given a read-only key made through the API
    reader = _bearer(_new_key(api, "reporting", "read_only")["secret"])
    # when it reads, it is answered
    assert api.get("/v1/device-types", headers=reader).status_code == 200
    assert api.get("/v1/api-keys", headers=reader).status_code == 200
    # when it tries to change something (or to make itself a full key)
    for path, body in [("/v1/device-types", {"id": "esp32", "name": "ESP32"}), ("/v1/api-keys", {"name": "x"})]:
        refused = api.post(path, json=body, headers=reader)
        # then a 403 problem says the key is read-only and a full key is needed (before the body is even checked)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "read-only" in refused.json()["detail"] and "full key" in refused.json()["detail"]
    # and nothing changed
    assert api.get("/v1/device-types").json() == []
    assert {k["name"] for k in api.get("/v1/api-keys").json()["data"]} == {"reporting", "tests"}


def test_r22_a_full_api_key_creates_keys_whose_secret_is_shown_once_and_listed_never(api, app):
    # when a full key creates a key
    made = _new_key(api, "platform", "full")
    # then the secret is prefixed for secret scanners (fb_test_ in test mode) and works at once
    assert made["secret"].startswith("fb_test_") and made["id"].startswith("key_")
    assert made["scope"] == "full" and made["created_by"] == "api:tests" and made["revoked_at"] is None
    assert api.get("/v1/api-keys", headers=_bearer(made["secret"])).status_code == 200
    # and the list says who, what and when, never a secret or its hash
    listed = api.get("/v1/api-keys").json()["data"]
    assert {k["id"] for k in listed} == {made["id"], _the_fixture_key_id(app)}
    assert all(
        set(k) == {"id", "name", "scope", "created_at", "created_by", "last_used_at", "revoked_at"} for k in listed
    )
    assert made["secret"] not in api.get("/v1/api-keys").text
    # and the database keeps only its hash
    with app.db.read() as conn:
        row = conn.execute(select(t.api_keys).where(t.api_keys.c.id == made["id"])).one()
    assert row.key_hash == _hash(made["secret"]) and made["secret"] not in str(tuple(row))


def test_r22_an_api_key_created_twice_with_one_idempotency_key_is_one_key_and_its_secret_is_not_stored(api, app):
    # given a key created with an Idempotency-Key
    first = api.post("/v1/api-keys", json={"name": "ci", "scope": "read_only"}, headers={"Idempotency-Key": "k-1"})
    # when the request is sent again with the same key
    again = api.post("/v1/api-keys", json={"name": "ci", "scope": "read_only"}, headers={"Idempotency-Key": "k-1"})
    # then it is the same key, made once; the replay does not have the secret, which was never stored
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert first.json()["secret"] and again.json()["secret"] is None
    assert [k["name"] for k in api.get("/v1/api-keys").json()["data"]].count("ci") == 1
    with app.db.read() as conn:
        stored = conn.execute(text("SELECT response_body FROM idempotency_records")).scalars().all()
    assert stored and not any(first.json()["secret"] in body for body in stored)


@pytest.mark.parametrize(
    "body", [{"name": "x", "scope": "admin"}, {"name": " ", "scope": "full"}, {"name": "x"}, {"name": "x" * 65}]
)
def test_r22_an_api_key_asked_with_a_bad_scope_or_name_is_a_422_and_nothing_is_made(api, body):
    refused = api.post("/v1/api-keys", json=body)
    assert refused.status_code == 422, refused.text
    assert len(api.get("/v1/api-keys").json()["data"]) == 1


# --- revocation ---------------------------------------------------------------------------------


def test_r22_a_revoked_api_key_is_refused_on_its_very_next_request(api, app):
    # given two more full keys
    other = _new_key(api, "platform", "full")
    spare = _new_key(api, "spare", "full")
    assert api.get("/v1/plans", headers=_bearer(other["secret"])).status_code == 200
    # when one is revoked by another key
    revoked = api.post(f"/v1/api-keys/{other['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    # then its very next request is a 401 that says it was revoked, and nothing about other keys
    refused = api.get("/v1/plans", headers=_bearer(other["secret"]))
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert "revoked" in refused.json()["detail"] and "spare" not in refused.text and "tests" not in refused.text
    # and a key may revoke itself: its next request is refused too
    assert api.post(f"/v1/api-keys/{spare['id']}/revoke", headers=_bearer(spare["secret"])).status_code == 200
    assert api.get("/v1/plans", headers=_bearer(spare["secret"])).status_code == 401
    # and revoking a revoked key changes nothing; an unknown one is a 404
    again = api.post(f"/v1/api-keys/{other['id']}/revoke")
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert api.post("/v1/api-keys/key_nosuchkey/revoke").status_code == 404
    # and an unknown secret is told it is unknown, not revoked
    assert "unknown" in api.get("/v1/plans", headers=_bearer("fb_live_nothing")).json()["detail"]


def test_r22_a_request_already_past_its_key_check_finishes_and_the_next_one_is_refused(api, app, monkeypatch):
    # given a key whose request has been authenticated and is still running in another thread
    from fleetbill.entrypoints.api import routes_api_keys

    other = _new_key(api, "platform", "full")
    inside, release = threading.Event(), threading.Event()
    real_list = routes_api_keys.list_api_keys

    def slow_list(conn):
        inside.set()
        assert release.wait(30)
        return real_list(conn)

    monkeypatch.setattr(routes_api_keys, "list_api_keys", slow_list)
    answers = []
    running = threading.Thread(target=lambda: answers.append(api.get("/v1/api-keys", headers=_bearer(other["secret"]))))
    running.start()
    assert inside.wait(30)
    # when the key is revoked meanwhile
    with app.db.transaction() as conn:
        revoke_api_key(conn, app.clock.now(), other["id"], "tests")
    release.set()
    running.join(30)
    monkeypatch.setattr(routes_api_keys, "list_api_keys", real_list)
    # then the request in flight finishes, and the key's next request is refused
    assert answers[0].status_code == 200
    assert api.get("/v1/plans", headers=_bearer(other["secret"])).status_code == 401


def test_r22_the_last_full_api_key_cannot_be_revoked_so_the_operator_cannot_lock_itself_out(api, app):
    # given the only full key, and a read-only one
    _new_key(api, "reporting", "read_only")
    only_full = _the_fixture_key_id(app)
    # when it is revoked (by itself, the only key that may)
    refused = api.post(f"/v1/api-keys/{only_full}/revoke")
    # then a 409 says why and what to do first, and the key still works
    assert refused.status_code == 409, refused.text
    assert "last full API key" in refused.json()["detail"] and "create another full key first" in refused.text.lower()
    assert api.get("/v1/api-keys").status_code == 200
    # and once another full key exists, it may go
    _new_key(api, "platform", "full")
    assert api.post(f"/v1/api-keys/{only_full}/revoke").status_code == 200


def test_r22_two_full_api_keys_revoked_at_once_leave_one(app):
    # given exactly two full keys
    with app.db.transaction() as conn:
        ids = [create_api_key(conn, app.clock.now(), name).id for name in ("a", "b")]
    barrier, outcomes = threading.Barrier(2), []

    def revoke(key_id: str) -> None:
        barrier.wait()
        try:
            with app.db.transaction() as conn:
                revoke_api_key(conn, app.clock.now(), key_id, "tests")
            outcomes.append("revoked")
        except Conflict:
            outcomes.append("refused")

    # when each is revoked at the same moment
    threads = [threading.Thread(target=revoke, args=(i,)) for i in ids]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    # then one revocation wins and the other is refused: a full key is left
    assert sorted(outcomes) == ["refused", "revoked"]
    with app.db.read() as conn:
        live = conn.execute(select(t.api_keys.c.id).where(t.api_keys.c.revoked_at.is_(None))).scalars().all()
    assert len(live) == 1


def test_r22_creating_and_revoking_an_api_key_is_audited_with_its_actor(api, app):
    made = _new_key(api, "platform", "read_only")
    api.post(f"/v1/api-keys/{made['id']}/revoke")
    with app.db.read() as conn:
        rows = conn.execute(
            select(c.audit_log).where(c.audit_log.c.subject == made["id"]).order_by(c.audit_log.c.id)
        ).all()
    assert [(r.action, r.actor, r.subject) for r in rows] == [
        ("api_key.created", "api:tests", made["id"]),
        ("api_key.revoked", "api:tests", made["id"]),
    ]
    assert '"scope": "read_only"' in rows[0].details


# --- last use ---------------------------------------------------------------------------------------


def test_r22_api_key_last_use_is_written_at_most_once_a_minute_not_on_every_request(api, app, clock):
    # given a count of the writes to api_keys
    writes = []

    @event.listens_for(app.db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE API_KEYS"):
            writes.append(statement)

    def last_used() -> datetime:
        listed = next(k for k in api.get("/v1/api-keys").json()["data"] if k["name"] == "tests")
        return datetime.fromisoformat(listed["last_used_at"])

    start = clock.now()
    # when the key is used 30 times within its first minute
    for _ in range(30):
        assert api.get("/v1/plans").status_code == 200
    # then its last use was written once, at its first use
    assert len(writes) == 1 and last_used() == start
    # when the clock moves 59 seconds: still that write
    clock.set(start + timedelta(seconds=59))
    api.get("/v1/plans")
    assert len(writes) == 1
    # when it moves a whole minute past the write: written again, once
    clock.set(start + timedelta(minutes=1))
    for _ in range(5):
        api.get("/v1/plans")
    assert len(writes) == 2 and last_used() == start + timedelta(minutes=1)
    event.remove(app.db.engine, "before_cursor_execute", count)


# --- keys made before scopes ----------------------------------------------------------------------------


def test_r22_an_api_key_of_the_old_format_made_before_scopes_is_a_full_key_and_keeps_working(api, app):
    # given a key as fleetbill made them before: "fb_" and no prefix, no scope, no creator
    old = "fb_" + "x" * 43
    with app.db.transaction() as conn:  # the columns 0001 made: scope takes the migration's default
        conn.execute(
            insert(t.api_keys).values(
                id="0b9e6f1c-6f8f-4a5e-9d38-0a6f5f0d1c2b", name="old", key_hash=_hash(old), created_at=app.clock.now()
            )
        )
    # then it is a full key and may change things
    listed = {k["name"]: k for k in api.get("/v1/api-keys").json()["data"]}
    assert listed["old"]["scope"] == "full" and listed["old"]["created_by"] is None
    made = api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}, headers=_bearer(old))
    assert made.status_code == 201, made.text


# --- the CLI ------------------------------------------------------------------------------------------


def fleetbill(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """`fleetbill ARGS` in a child process, as an operator runs it in an 80-column terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETBILL_")}
    env.update(COLUMNS="80", FLEETBILL_DATABASE_URL=database_url, PYTHONPATH=str(ROOT / "src"))
    program = "import sys; from fleetbill.entrypoints.cli import app; sys.exit(app(prog_name='fleetbill'))"
    return subprocess.run([sys.executable, "-c", program, *args], env=env, capture_output=True, text=True, timeout=120)


def test_r22_api_keys_are_created_listed_and_revoked_with_the_cli(app, database_url):
    # when an operator creates a full key and a read-only one
    full = fleetbill(database_url, "api-key", "create", "platform")
    reader = fleetbill(database_url, "api-key", "create", "reporting dashboard", "--scope", "read-only")
    # then only the secret is on stdout (KEY=$(...) keeps it), the id on stderr
    assert full.returncode == reader.returncode == 0, full.stderr + reader.stderr
    assert full.stdout.strip().startswith("fb_live_") and "\n" not in full.stdout.strip()
    reader_id = reader.stderr.split()[0]
    assert reader_id.startswith("key_") and "(read-only)" in reader.stderr
    # and the list shows both in 80 columns, with their scope and no secret
    listed = fleetbill(database_url, "api-key", "list")
    assert listed.returncode == 0, listed.stderr
    assert all(len(line) <= 80 for line in listed.stdout.splitlines()), listed.stdout
    assert reader_id in listed.stdout and "read-only" in listed.stdout and "never" in listed.stdout
    assert full.stdout.strip() not in listed.stdout
    # when the read-only key is revoked
    revoked = fleetbill(database_url, "api-key", "revoke", reader_id)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    # then the audit says who did it from the command line
    with app.db.read() as conn:
        audit = select(c.audit_log.c.action, c.audit_log.c.actor).where(c.audit_log.c.action.like("api_key.%"))
        rows = sorted(conn.execute(audit).all())
        assert [action for action, _actor in rows] == ["api_key.created", "api_key.created", "api_key.revoked"]
        assert all(actor.startswith("cli:") for _action, actor in rows)
        assert conn.execute(select(t.api_keys.c.revoked_at).where(t.api_keys.c.id == reader_id)).scalar_one()


def test_r22_the_cli_refuses_a_bad_scope_an_unknown_key_and_the_last_full_key_with_exit_2(app, database_url):
    with app.db.transaction() as conn:
        only = create_api_key(conn, app.clock.now(), "platform", Scope.FULL).id
    for args, says in [
        (["create", "x", "--scope", "admin"], "scope is 'full' or 'read_only'"),
        (["revoke", "key_nosuchkey"], "no API key 'key_nosuchkey'"),
        (["revoke", only], "last full API key"),
    ]:
        done = fleetbill(database_url, "api-key", *args)
        assert done.returncode == 2 and says in done.stderr and done.stdout == "", (args, done.stdout, done.stderr)
    with app.db.read() as conn:
        assert conn.execute(select(t.api_keys.c.revoked_at).where(t.api_keys.c.id == only)).scalar_one() is None


# --- the console ------------------------------------------------------------------------------------------


def test_r22_the_console_lists_the_api_keys_read_only_and_never_a_secret(api, app, clock):
    import re

    from fastapi.testclient import TestClient

    from fleetbill.entrypoints.api import create_api
    from fleetbill.services import staff

    # given a read-only key that was used, and a revoked one
    reader = _new_key(api, "reporting", "read_only")
    api.get("/v1/plans", headers=_bearer(reader["secret"]))
    gone = _new_key(api, "old-platform", "full")
    api.post(f"/v1/api-keys/{gone['id']}/revoke")
    with app.db.transaction() as conn:
        staff.create_staff(conn, clock.now(), "hana@example.jp", "Hana Sato", "correct horse battery staple")
    with TestClient(create_api(app), raise_server_exceptions=False) as browser:
        # without a staff session the page sends to the login
        assert browser.get("/console/api-keys", follow_redirects=False).status_code == 303
        form = browser.get("/console/login").text
        token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)
        login = dict(
            email="hana@example.jp", password="correct horse battery staple", login_csrf=token, next="/console"
        )
        assert browser.post("/console/login", data=login, follow_redirects=False).status_code == 303
        # when staff open the page
        page = browser.get("/console/api-keys", headers={"Accept-Language": "en"})
    # then every key is there with its scope, creator, last use and revocation, in the operator's zone
    assert page.status_code == 200, page.text
    rows = {m[0]: m[1] for m in re.findall(r'<tr class="api-key[^"]*" id="([^"]+)">(.*?)</tr>', page.text, re.S)}
    assert set(rows) == {reader["id"], gone["id"], _the_fixture_key_id(app)}
    assert "read-only" in rows[reader["id"]] and "api:tests" in rows[reader["id"]]
    assert "2026-01-05 12:00" in rows[reader["id"]]  # its last use, 03:00Z, in Asia/Tokyo
    assert "status-void" in rows[gone["id"]] and "never" in rows[gone["id"]]
    # and no secret, nor a form that changes anything
    assert reader["secret"] not in page.text and gone["secret"] not in page.text
    assert 'method="post" action="/console/api-keys' not in page.text
