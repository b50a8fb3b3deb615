"""The REST API (FastAPI): JSON, OpenAPI at /openapi.json, docs at /docs."""

from __future__ import annotations

import logging
import secrets

from fastapi import Depends, FastAPI, Request
from fastapi_offline import FastAPIOffline
from starlette.middleware.sessions import SessionMiddleware

from ...adapters.pdf.invoice_pdf import FontMissing
from ...bootstrap import App
from ...clock import TestClock
from .. import console, web
from ..web import i18n, sandbox_gateway
from . import (
    openapi,
    problems,
    routes_accounts,
    routes_api_keys,
    routes_budgets,
    routes_catalog,
    routes_credit_notes,
    routes_events,
    routes_imports,
    routes_jobs,
    routes_payments,
    routes_peaks,
    routes_test_clocks,
    routes_webhooks,
    routes_what_if,
)
from .context import storable_params

DESCRIPTION = """
fleetbill bills an IoT cloud's customers every month for the **peak number of devices Active at
the same time**, per plan and device type, tax-exclusive, closed at month end in each account's
time zone. Money is an integer in the currency's minor unit (JPY: yen).

* Authenticate with an operator API key: `Authorization: Bearer <key>`.
* Every POST takes an optional `Idempotency-Key` header (1 to 64 characters: a UUID fits): a retry
  with the same key returns the first response and changes nothing.
* Errors are RFC 9457 problem details (`application/problem+json`) whose `detail` says what to do.
"""


def create_api(app: App) -> FastAPI:
    # /docs loads Swagger UI from files installed with fastapi-offline, not a CDN, so the API's
    # reference works with no internet (an operator's closed network). No /redoc: ReDoc's page
    # still fetches its maker's logo from their CDN.
    api: FastAPI = FastAPIOffline(
        title="fleetbill",
        version="0.1.0",
        description=DESCRIPTION,
        dependencies=[Depends(storable_params)],
        static_url="/docs-assets",
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    api.state.fleetbill = app
    # Signs billing-page links and sessions; without a configured key, links last until a restart.
    api.state.secret_key = app.settings.secret_key or secrets.token_urlsafe(32)
    api.add_middleware(
        SessionMiddleware,
        secret_key=api.state.secret_key,
        session_cookie="fleetbill_billing",
        max_age=3600,
        same_site="lax",
        https_only=app.settings.secure_cookies,
    )
    problems.install(api)
    openapi.install(api)  # errors as problems, Idempotency-Key: for every route mounted below
    api.add_exception_handler(FontMissing, pdf_font_missing)
    api.include_router(web.pages)
    api.include_router(i18n.switch)
    if app.gateway.name == "sandbox":  # the page's card form tokenizes there, as at a real gateway (R17)
        api.include_router(sandbox_gateway.router)
    api.include_router(console.router)
    api.include_router(routes_catalog.router)
    api.include_router(routes_accounts.router)
    api.include_router(routes_jobs.router)
    api.include_router(routes_payments.router)
    api.include_router(routes_payments.webhooks)
    api.include_router(routes_events.router)
    api.include_router(routes_imports.router)
    api.include_router(routes_webhooks.router)
    api.include_router(routes_api_keys.router)
    api.include_router(routes_credit_notes.router)
    api.include_router(routes_peaks.router)
    api.include_router(routes_what_if.router)
    api.include_router(routes_budgets.router)
    if app.settings.test_mode:
        api.include_router(routes_test_clocks.clocks)
        if app.gateway.name == "sandbox":
            api.include_router(routes_test_clocks.sandbox)
    if isinstance(app.clock, TestClock) and app.settings.test_mode:
        api.include_router(routes_jobs.test_clock)
        if app.gateway.name == "sandbox":
            api.include_router(routes_payments.sandbox)

    @api.get("/healthz", include_in_schema=False)
    def healthz():
        return {"ok": True}

    return api


async def pdf_font_missing(request: Request, exc: FontMissing):
    """No PDF without its font: a 503 that names the package to install, not a 500 to retry."""
    logging.getLogger("fleetbill.api").error("invoice PDF refused: %s", exc)
    detail = f"{exc}. The invoice's CSV is available meanwhile."
    return problems.problem(503, "Invoice PDF unavailable", detail, request)


__all__ = ["create_api"]
