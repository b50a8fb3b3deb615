"""Errors as RFC 9457 problem details: one JSON shape, a message a person can act on."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...adapters.gateway.port import GatewayError
from ...domain.errors import BillingError

log = logging.getLogger("fleetbill.api")
PROBLEM = "application/problem+json"
# A problem lists this many of a request's errors and counts the rest, and names a field in at
# most MAX_FIELD characters: a body with 100,000 unknown keys gets a short answer, not 10 MB.
MAX_ERRORS_LISTED = 20
MAX_FIELD = 100
# A detail that quotes what was sent (a 500 kB time zone) is cut: the start says what is wrong.
MAX_DETAIL = 4_000
# The largest request body accepted. No request needs more: a bulk switch of its most, 10,000
# device ids, takes about 400 kB.
MAX_BODY = 1024 * 1024


def problem(status: int, title: str, detail: str, request: Request, **extra) -> Response:
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 1] + "…"
    path = request.url.path
    if path.startswith("/console") and status == 401 and request.method == "GET":
        here = path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/console/login?next={quote(here)}", status_code=303)
    if path.startswith(("/billing", "/console")):
        return _page(status, title, detail)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.url.path}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _page(status: int, title: str, detail: str) -> HTMLResponse:
    """The customer's pages and the console answer errors as a page a person reads, with the same message."""
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{escape(title)} · fleetbill</title></head>'
        f'<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">'
        f"<h1>{escape(title)}</h1><p>{escape(detail)}</p></body></html>",
        status_code=status,
    )


def _where(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    where = ".".join(parts) or "request"
    return where if len(where) <= MAX_FIELD else where[: MAX_FIELD - 1] + "…"


def _error(e: dict) -> dict:
    if e.get("type") == "json_invalid":
        why = (e.get("ctx") or {}).get("error", "not JSON")
        return {
            "field": "body",
            "message": f"the body is not valid JSON ({why} at character {e['loc'][-1]}); "
            "send a JSON object with Content-Type: application/json",
        }
    return {"field": _where(e["loc"]), "message": e["msg"]}


def _body_too_large() -> str:
    return (
        f"the request body is over {MAX_BODY // (1024 * 1024)} MiB, the most fleetbill accepts; send less at "
        "once (a bulk switch takes up to 10,000 device ids)"
    )


class BodyLimit:
    """Refuse a request body over MAX_BODY with a 413, declared (Content-Length) or sent in
    chunks, before it is held in memory whole."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > MAX_BODY:
            response = problem(413, _TITLES[413], _body_too_large(), Request(scope))
            return await response(scope, receive, send)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY:  # raised where the body is read: the handlers answer it
                raise HTTPException(413, _body_too_large())
            return message

        await self.app(scope, counted, send)


def install(app: FastAPI) -> None:
    """Errors as problems, including a body too large, refused before any route reads it."""
    app.add_middleware(BodyLimit)

    @app.exception_handler(BillingError)
    async def billing_error(request: Request, exc: BillingError):
        return problem(exc.status, exc.title, exc.detail, request)

    @app.exception_handler(GatewayError)
    async def gateway_error(request: Request, exc: GatewayError):
        return problem(
            502,
            "Payment gateway unavailable",
            f"the payment gateway did not complete the request ({exc.code}); nothing was saved; retry in a moment",
            request,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        found = exc.errors()
        errors = [_error(e) for e in found[:MAX_ERRORS_LISTED]]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        if not_listed := len(found) - len(errors):
            detail += f"; and {not_listed:,} more errors (the first {len(errors)} are listed)"
            return problem(422, "Invalid request", detail, request, errors=errors, errors_not_listed=not_listed)
        return problem(422, "Invalid request", detail, request, errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 400 and detail == FASTAPI_UNREADABLE_BODY:
            detail = UNREADABLE_BODY
        response = problem(exc.status_code, _TITLES.get(exc.status_code, "Error"), detail, request)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        page = request.url.path.startswith(("/billing", "/console"))
        retry = "Reload the page and try again" if page else "Retry with the same Idempotency-Key"
        return problem(
            500,
            "Internal error",
            f"fleetbill failed to handle this request; nothing was changed. {retry}, and report it if it persists.",
            request,
        )


# What FastAPI says of a body it cannot decode (not UTF-8), and what a person can act on instead.
FASTAPI_UNREADABLE_BODY = "There was an error parsing the body"
UNREADABLE_BODY = (
    "the body cannot be read: send a JSON object encoded in UTF-8 with Content-Type: application/json; "
    "nothing was changed"
)
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
}
