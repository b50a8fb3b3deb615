"""Per-request plumbing: the operator's key, and POSTs that are safe to retry (Idempotency-Key)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import TypeAdapter
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ...adapters.db import schema as t
from ...bootstrap import App
from ...domain.errors import Conflict, InvalidInput
from ...services.api_keys import authenticate
from ...services.idempotency import purge_idempotency_records
from .schemas import check_storable_text

bearer = HTTPBearer(auto_error=False, description="An operator API key: `fleetbill api-key create NAME` prints one.")


@dataclass(frozen=True)
class Operator:
    key_id: str
    name: str

    @property
    def actor(self) -> str:
        return f"api:{self.name}"


def get_app(request: Request) -> App:
    return request.app.state.fleetbill


def operator(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Operator:
    if credentials is None:
        raise HTTPException(
            401, "send an operator API key as 'Authorization: Bearer <key>'", headers={"WWW-Authenticate": "Bearer"}
        )
    with get_app(request).db.read() as conn:
        found = authenticate(conn, credentials.credentials)
    if found is None:
        raise HTTPException(
            401,
            "this API key is unknown or revoked; create one with `fleetbill api-key create`",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Operator(*found)


# The key doubles as the request id on the status history (R4), whose column holds 64 characters.
MAX_IDEMPOTENCY_KEY = 64


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


def _replay(conn: Connection, app: App, who: Operator, key: str, fingerprint: str) -> JSONResponse | None:
    purge_idempotency_records(conn, app.clock.now(), who.key_id, key)  # an expired key is a new request
    r = t.idempotency_records
    row = conn.execute(
        select(r.c.request_fingerprint, r.c.status_code, r.c.response_body).where(
            r.c.api_key_id == who.key_id, r.c.key == key
        )
    ).first()
    if row is None:
        return None
    if row.request_fingerprint != fingerprint:
        raise InvalidInput(f"Idempotency-Key {key!r} was used for a different request; use a new key for a new request")
    return JSONResponse(
        json.loads(row.response_body), status_code=row.status_code, headers={"Idempotent-Replayed": "true"}
    )


def _record(conn: Connection, app: App, who: Operator, key: str, fingerprint: str, status: int, content: Any) -> None:
    conn.execute(
        insert(t.idempotency_records),
        dict(
            api_key_id=who.key_id,
            key=key,
            request_fingerprint=fingerprint,
            status_code=status,
            response_body=json.dumps(content),
            created_at=app.clock.now(),
        ),
    )


def _response_shape(request: Request) -> Callable[[Any], Any]:
    """Serialize through the route's declared response model, so the answer is what OpenAPI says."""
    model = getattr(request.scope.get("route"), "response_model", None)
    if model is None:
        return jsonable_encoder
    adapter = TypeAdapter(model)
    return lambda payload: adapter.dump_python(adapter.validate_python(payload, from_attributes=True), mode="json")


async def idempotent(
    request: Request, who: Operator, work: Callable[[Connection], tuple[int, Any]], own_transactions: bool = False
) -> JSONResponse:
    """Run a POST once per Idempotency-Key: a retry gets the first response and changes nothing.

    The stored response commits in the same transaction as the work, so a crash leaves neither.
    Errors are not stored: a failed request changed nothing, and may be retried as it is.
    `own_transactions` is for work that commits in steps of its own (the close): it is
    idempotent by itself, and the response is stored after it.
    """
    app = get_app(request)
    shape = _response_shape(request)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters (a UUID fits)")
    fingerprint = await _fingerprint(request) if key else ""

    def run() -> JSONResponse:
        if own_transactions:
            if key:
                with app.db.transaction() as conn:
                    if (replayed := _replay(conn, app, who, key, fingerprint)) is not None:
                        return replayed
            status, payload = work(None)
            content = shape(payload)
            if key:
                with app.db.transaction() as conn:
                    _record(conn, app, who, key, fingerprint, status, content)
            return JSONResponse(content, status_code=status)
        with app.db.transaction() as conn:
            if key and (replayed := _replay(conn, app, who, key, fingerprint)) is not None:
                return replayed
            status, payload = work(conn)
            content = shape(payload)
            if key:
                _record(conn, app, who, key, fingerprint, status, content)
        return JSONResponse(content, status_code=status)

    try:
        return await run_in_threadpool(run)
    except IntegrityError:
        # Another request with the same key committed first: answer as it did. Otherwise a
        # concurrent request took what this one wanted; this one was rolled back whole.
        if key:
            with app.db.transaction() as conn:
                if (replayed := _replay(conn, app, who, key, fingerprint)) is not None:
                    return replayed
        raise Conflict("a concurrent request changed the same thing first; nothing was written; retry") from None
