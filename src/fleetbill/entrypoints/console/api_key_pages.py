"""The console's API keys page (R22's "the operator's platform"): the keys, read only. Keys are
made and revoked with `fleetbill api-key` or the API, where a secret can be shown once to whoever
asked for it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ...services import staff
from ...services.api_keys import list_api_keys
from ..api.context import get_app
from .auth import staff_session
from .pages import render

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/api-keys")
def api_keys(request: Request, session: staff.Session = Depends(staff_session)):
    """Every key, live ones first: name, id, scope, who made it and when, its last use, its revocation."""
    with get_app(request).db.read() as conn:
        keys = list_api_keys(conn)
    return render(request, session, "console_api_keys.html", keys=keys)
