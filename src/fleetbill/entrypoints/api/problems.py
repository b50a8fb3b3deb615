"""Errors as RFC 9457 problem details: one JSON shape, a message a person can act on."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape
from starlette.exceptions import HTTPException

from ...adapters.gateway.port import GatewayError
from ...domain.errors import BillingError

log = logging.getLogger("fleetbill.api")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, request: Request, **extra) -> Response:
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
    return ".".join(parts) or "request"


def _error(e: dict) -> dict:
    if e.get("type") == "json_invalid":
        why = (e.get("ctx") or {}).get("error", "not JSON")
        return {
            "field": "body",
            "message": f"the body is not valid JSON ({why} at character {e['loc'][-1]}); "
            "send a JSON object with Content-Type: application/json",
        }
    return {"field": _where(e["loc"]), "message": e["msg"]}


def install(app: FastAPI) -> None:
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
        errors = [_error(e) for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid request", detail, request, errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
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


_TITLES = {401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed", 409: "Conflict"}
