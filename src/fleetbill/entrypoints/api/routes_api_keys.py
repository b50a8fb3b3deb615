"""Operator API keys through the API (R22's "the operator's platform"): list, create, revoke."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ...services.api_keys import MAX_NAME, create_api_key, get_api_key, list_api_keys, revoke_api_key
from .context import Operator, get_app, idempotent, operator
from .schemas import In

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)], tags=["api keys"])


class ApiKeyIn(In):
    name: str = Field(min_length=1, max_length=MAX_NAME, examples=["reporting"], description="Who uses it.")
    scope: Literal["full", "read_only"] = Field(
        description="`read_only`: GET only; `full`: everything, including managing keys."
    )


class ApiKeyOut(BaseModel):
    id: str = Field(examples=["key_mfrggzdfmz"])
    name: str
    scope: Literal["full", "read_only"]
    created_at: datetime
    created_by: str | None = Field(description="Who made it (`api:<key name>`, `cli:<login>`); null: not recorded.")
    last_used_at: datetime | None = Field(description="To the minute: written at most once a minute; null: never.")
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    secret: str | None = Field(
        description="Send as `Authorization: Bearer <secret>`. Shown this once: fleetbill keeps only its hash. "
        "null in a replay (the same Idempotency-Key again): if the first response was lost, revoke this key "
        "and create another.",
        examples=["fb_live_3q2-7wEXAMPLEj0Q"],
    )


class ApiKeyList(BaseModel):
    data: list[ApiKeyOut]


@router.get("/api-keys", response_model=ApiKeyList, operation_id="list_api_keys")
def api_keys(request: Request):
    """Every key, live ones first: never a secret."""
    with get_app(request).db.read() as conn:
        return {"data": [asdict(k) for k in list_api_keys(conn)]}


@router.post("/api-keys", status_code=201, response_model=ApiKeyCreated, operation_id="create_api_key")
async def create_key(body: ApiKeyIn, request: Request, who: Operator = Depends(operator)):
    """A new key; its `secret` is in this response and never again. Needs a full key."""
    app = get_app(request)

    def work(conn):
        now = app.clock.now()
        made = create_api_key(conn, now, body.name, body.scope, actor=who.actor, test_mode=app.settings.test_mode)
        return 201, asdict(get_api_key(conn, made.id)) | {"secret": made.secret}

    # A replay gets the key without its secret: a stored response would keep it in the clear.
    return await idempotent(request, who, work, kept=lambda content: content | {"secret": None})


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut, operation_id="revoke_api_key")
async def revoke_key(key_id: str, request: Request, who: Operator = Depends(operator)):
    """Revoke a key: its next request is refused. A key may revoke itself, but not the last full key
    (409): without one, the API could not be managed. A revoked key's revocation changes nothing."""
    app = get_app(request)

    def work(conn):
        return 200, asdict(revoke_api_key(conn, app.clock.now(), key_id, who.actor))

    return await idempotent(request, who, work)
