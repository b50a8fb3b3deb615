"""Per-request plumbing: the operator's key, and POSTs that are safe to retry (Idempotency-Key)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import TypeAdapter
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ...adapters.db import schema as t
from ...bootstrap import App
from ...clock import Clock
from ...domain.api_keys import Scope, last_use_due, permits
from ...domain.errors import Conflict, InvalidInput
from ...services.api_keys import authenticate, record_use
from ...services.idempotency import (
    CLAIM_TIMEOUT,
    Claimed,
    InProgress,
    Stored,
    claim_key,
    complete_key,
    key_state,
    real_now,
    release_key,
)
from ...services.test_clocks import account_clock as clock_of_account
from .schemas import check_storable_text

bearer = HTTPBearer(auto_error=False, description="An operator API key: `fleetbill api-key create NAME` prints one.")


# A POST that writes nothing (the bill's preview) says so in its OpenAPI operation; a read-only
# key may call it, and it takes no Idempotency-Key (openapi.truthful_openapi).
READS_MARK = "x-fleetbill-reads-only"
READS = {READS_MARK: True}


@dataclass(frozen=True)
class Operator:
    key_id: str
    name: str
    scope: Scope = Scope.FULL

    @property
    def actor(self) -> str:
        return f"api:{self.name}"


def get_app(request: Request) -> App:
    return request.app.state.fleetbill


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def operator(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Operator:
    """The key of every /v1 request: read on every request, so that a revocation stops the next one."""
    if credentials is None:
        raise _unauthorized("send an operator API key as 'Authorization: Bearer <key>'")
    app = get_app(request)
    key = app.db.read_once(lambda conn: authenticate(conn, credentials.credentials))  # one round trip
    if key is None:
        raise _unauthorized("this API key is unknown; create one with `fleetbill api-key create NAME`")
    if key.revoked_at is not None:
        # Says nothing of other keys: only that this one is over, to whoever holds its secret.
        raise _unauthorized(
            f"this API key was revoked at {key.revoked_at:%Y-%m-%d %H:%M} UTC and cannot be used again; "
            "ask the operator for a new one"
        )
    _note_use(app, key.id, key.last_used_at)
    # NOTE: R22 (the operator's platform): a read-only key reads, and nothing else: GET, HEAD, or
    # a POST declared a read (READS: a preview whose plan is too long for a query string).
    reads = (getattr(request.scope.get("route"), "openapi_extra", None) or {}).get(READS_MARK, False)
    if not permits(key.scope, request.method, reads):
        raise HTTPException(
            403,
            f"this API key is read-only: it may only read (GET). {request.method} {request.url.path} needs a full "
            "key; ask the operator for one (`fleetbill api-key create NAME --scope full`)",
        )
    return Operator(key.id, key.name, key.scope)


def _note_use(app: App, key_id: str, last_used_at: datetime | None) -> None:
    """last_used_at, written at most once a minute per key: the hot path reads, it does not write."""
    now = app.clock.now()
    if not last_use_due(last_used_at, now):
        return
    try:
        with app.db.transaction() as conn:
            record_use(conn, key_id, now)
    except OperationalError:  # a hint for the operator, not billing state: never fail a request over it
        logging.getLogger("fleetbill.api").warning("could not record the use of API key %s", key_id, exc_info=True)


# The key doubles as the request id on the status history (R4), whose column holds 64 characters.
MAX_IDEMPOTENCY_KEY = 64
# How long a request waits for another with the same key to finish before answering 409, and
# when it tells the client to retry: a few seconds, as Stripe's clients retry.
WAIT_FOR_CONCURRENT = 5.0
RETRY_AFTER_SECONDS = 2


def request_id(request: Request) -> str:
    return request.headers.get("Idempotency-Key") or str(uuid.uuid4())


def storable_params(request: Request) -> None:
    """Path and query parameters are looked up in the database: refuse what it cannot read."""
    try:
        for value in [*request.path_params.values(), *request.query_params.keys(), *request.query_params.values()]:
            check_storable_text(value)
    except ValueError as e:
        raise InvalidInput(f"path and query parameters: {e}") from None


async def storable_form(request: Request) -> None:
    """The pages' form fields are looked up and stored: refuse text no database can hold (NUL,
    lone surrogates) before any handler sees it, so SQLite and PostgreSQL answer alike."""
    if request.method == "POST" and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        try:
            check_storable_text([v for _, v in (await request.form()).multi_items() if isinstance(v, str)])
        except ValueError as e:
            raise InvalidInput(f"a form field: {e}") from None


async def _fingerprint(request: Request) -> str:
    body = await request.body()
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(request.method.encode() + b" " + request.url.path.encode() + b"\n" + canonical).hexdigest()


def _response_shape(request: Request) -> Callable[[Any], Any]:
    """Serialize through the route's declared response model, so the answer is what OpenAPI says."""
    model = getattr(request.scope.get("route"), "response_model", None)
    if model is None:
        return jsonable_encoder
    adapter = TypeAdapter(model)
    return lambda payload: adapter.dump_python(adapter.validate_python(payload, from_attributes=True), mode="json")


async def idempotent(
    request: Request,
    who: Operator,
    work: Callable[[Connection], tuple[int, Any]],
    own_transactions: bool = False,
    kept: Callable[[Any], Any] | None = None,
) -> JSONResponse:
    """Run a POST once per Idempotency-Key: a retry gets the first response and changes nothing.

    The key is claimed in the work's own transaction, which stores the response with it: one
    transaction, one commit (issue 11 item 4). Requests sent at once with one key wait on the
    key's unique index for the first to end, then replay its response; if it failed (errors are
    not stored, nothing was written), the next one runs. `own_transactions` is for work that
    commits in steps of its own (the close, the test clock): it is idempotent by itself; its key
    is claimed in a committed row first, so requests sent at once with it wait
    (WAIT_FOR_CONCURRENT) and replay its response, or get a 409 saying it is in progress; a crash
    leaves only the claim, taken over after CLAIM_TIMEOUT, and the response is stored after the
    work. `kept` gives the response as stored for replays, when part of it is shown once (a key's
    secret).
    """
    app = get_app(request)
    shape = _response_shape(request)
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return await _run(lambda: _execute(app, shape, work, own_transactions, None))
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters (a UUID fits)")
    fingerprint = await _fingerprint(request)
    if not own_transactions:
        answer = await _run(
            lambda: app.db.run(lambda conn: _claim_and_execute(conn, who, key, fingerprint, shape, work, kept))
        )
        if not isinstance(answer, InProgress):
            return answer
        # the key is held by work that commits in steps of its own: wait for it as such work does
    claimed = await _claim(app, who, key, fingerprint)
    if isinstance(claimed, JSONResponse):
        return claimed
    claim = _KeyClaim(who.key_id, key, claimed.token)

    def run_claimed() -> JSONResponse:
        try:
            return _execute(app, shape, work, own_transactions, claim, kept)
        except Exception:
            with app.db.transaction() as conn:
                release_key(conn, claim.api_key_id, claim.key, claim.token)
            raise

    return await _run(run_claimed)


def _claim_and_execute(
    conn: Connection,
    who: Operator,
    key: str,
    fingerprint: str,
    shape: Callable[[Any], Any],
    work: Callable[[Connection], tuple[int, Any]],
    kept: Callable[[Any], Any] | None,
) -> JSONResponse | InProgress:
    """Claim the key, run the work and store its response, all in `conn`'s one transaction."""
    state = claim_key(conn, who.key_id, key, fingerprint)
    if isinstance(state, Stored):
        return _replay(state)
    if isinstance(state, InProgress):
        return state
    status, payload = work(conn)
    content = shape(payload)
    complete_key(conn, who.key_id, key, state.token, status, json.dumps((kept or (lambda c: c))(content)))
    return JSONResponse(content, status_code=status)


def _replay(state: Stored) -> JSONResponse:
    return JSONResponse(
        json.loads(state.response_body), status_code=state.status_code, headers={"Idempotent-Replayed": "true"}
    )


async def _run(run: Callable[[], Any]) -> Any:
    try:
        return await run_in_threadpool(run)
    except IntegrityError:
        # A concurrent request took what this one wanted; this one was rolled back whole.
        raise Conflict("a concurrent request changed the same thing first; nothing was written; retry") from None


@dataclass(frozen=True)
class _KeyClaim:
    api_key_id: str
    key: str
    token: str


def _execute(
    app: App,
    shape: Callable[[Any], Any],
    work: Callable[[Connection], tuple[int, Any]],
    own_transactions: bool,
    claim: _KeyClaim | None,
    kept: Callable[[Any], Any] | None = None,
) -> JSONResponse:
    """Run the work and, under a claimed key, store its response (as `kept` gives it) with it."""
    stored = kept or (lambda content: content)
    if own_transactions:
        status, payload = work(None)
        content = shape(payload)
        if claim:
            with app.db.transaction() as conn:
                # Lost only past CLAIM_TIMEOUT; this work is idempotent by itself, so answer anyway.
                complete_key(conn, claim.api_key_id, claim.key, claim.token, status, json.dumps(stored(content)))
        return JSONResponse(content, status_code=status)

    def in_transaction(conn: Connection) -> JSONResponse:
        status, payload = work(conn)
        content = shape(payload)
        body = json.dumps(stored(content))
        if claim and not complete_key(conn, claim.api_key_id, claim.key, claim.token, status, body):
            raise Conflict(
                f"this request ran longer than {CLAIM_TIMEOUT} and another one with Idempotency-Key "
                f"{claim.key!r} took over; nothing was written here; retry with the same key to get its response"
            )
        return JSONResponse(content, status_code=status)

    return app.db.run(in_transaction)


async def _claim(app: App, who: Operator, key: str, fingerprint: str) -> Claimed | JSONResponse:
    """Claim the key, or wait a few seconds for the request that holds it and replay its response."""
    deadline = time.monotonic() + WAIT_FOR_CONCURRENT
    pause = 0.02
    while True:
        state = await run_in_threadpool(_claim_once, app, who.key_id, key, fingerprint)
        while isinstance(state, InProgress):
            if time.monotonic() >= deadline:
                raise _in_progress(key, state.since)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.25)
            state = await run_in_threadpool(_peek, app, who.key_id, key, fingerprint)
        if isinstance(state, Stored):
            return _replay(state)
        if isinstance(state, Claimed):
            return state
        # None: the holder failed (its key was released) or died: claim it now


def _claim_once(app: App, api_key_id: str, key: str, fingerprint: str) -> Claimed | Stored | InProgress:
    for _ in range(2):
        try:
            with app.db.transaction() as conn:
                return claim_key(conn, api_key_id, key, fingerprint)
        except IntegrityError:  # two took over an expired key at once (PostgreSQL): read what it holds
            continue
    return InProgress(real_now())


def _peek(app: App, api_key_id: str, key: str, fingerprint: str) -> Stored | InProgress | None:
    with app.db.read() as conn:
        return key_state(conn, api_key_id, key, fingerprint)


def _in_progress(key: str, since: datetime) -> HTTPException:
    """Stripe's answer to a key whose first request is still running: 409, retry later."""
    return HTTPException(
        409,
        f"a request with Idempotency-Key {key!r} is still in progress (since {since.isoformat()}); "
        f"retry in {RETRY_AFTER_SECONDS} seconds with the same key and body to get its response",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def account_clock(request: Request, account_id: str, *, changing: bool = True) -> Clock:
    """The clock a request about an account runs at: the server's, or in test mode the test clock
    the account lives on (its frozen time). A change while that clock is advancing is a 409."""
    app = get_app(request)
    if not app.settings.test_mode:
        return app.clock  # no test clocks outside test mode: not even a query
    with app.db.read() as conn:
        return clock_of_account(conn, account_id, app.clock, changing=changing)


def clock_in(request: Request, conn: Connection, account_id: str, *, changing: bool = True) -> Clock:
    """account_clock, read in the caller's transaction."""
    app = get_app(request)
    return clock_of_account(conn, account_id, app.clock, changing=changing) if app.settings.test_mode else app.clock


def invoice_clock(request: Request, invoice_id: str) -> Clock:
    """The clock of the account an invoice belongs to (the server's for an unknown invoice: the
    use case answers its 404)."""
    app = get_app(request)
    if not app.settings.test_mode:
        return app.clock
    with app.db.read() as conn:
        account_id = conn.execute(select(t.invoices.c.account_id).where(t.invoices.c.id == invoice_id)).scalar()
    return app.clock if account_id is None else account_clock(request, account_id)
