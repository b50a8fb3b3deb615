"""The customer's pages (R20 billing, R21 device settings), server-rendered, reached by a signed
link that opens a session scoped to one account: no page takes an account id from the URL."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import and_, func, select
from starlette.exceptions import HTTPException

from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import views
from ...adapters.pdf.invoice_csv import render_invoice_csv
from ...adapters.pdf.invoice_pdf import render_invoice_pdf
from ...domain.errors import InvalidInput
from ...services.portal_links import read_link_token
from ...services.switch_devices import WHAT_IT_CHANGES, switch_devices
from ..api.context import get_app
from .billing_page import billing_context
from .rendering import templates

pages = APIRouter(prefix="/billing", include_in_schema=False)
PAGE_SIZE = 50


def session_account(request: Request) -> str:
    account_id = request.session.get("account")
    if not account_id:
        raise HTTPException(401, "open the billing page from the link in your console; sessions last an hour")
    return account_id


def check_csrf(request: Request, csrf: str) -> None:
    if not secrets.compare_digest(csrf, request.session.get("csrf", "")):
        raise HTTPException(403, "this form has expired; reload the page and try again")


@pages.get("/open")
def open_link(request: Request, token: str):
    """A billing link from the operator's platform: starts a session for that account alone."""
    app = get_app(request)
    account_id = read_link_token(request.app.state.secret_key, token, app.clock.now())
    request.session.clear()
    request.session.update(account=account_id, csrf=secrets.token_urlsafe(24))
    return RedirectResponse("/billing", status_code=303)


@pages.get("", response_class=HTMLResponse)
def billing(request: Request, account_id: str = Depends(session_account)):
    app = get_app(request)
    with app.db.read() as conn:
        context = billing_context(conn, app, account_id)
    return templates.TemplateResponse(request, "billing.html", context)


@pages.get("/invoices/{invoice_id}.{fmt}")
def invoice_file(
    request: Request, invoice_id: str, fmt: str, account_id: str = Depends(session_account), lang: str = "ja"
):
    """R20: an invoice of this session's account as a PDF (ja or en) or a CSV of its lines."""
    app = get_app(request)
    with app.db.read() as conn:
        found = views.invoices(conn, and_(t.invoices.c.id == invoice_id, t.invoices.c.account_id == account_id), 1)
        timezone = repo.get_account(conn, account_id).timezone
    if not found or fmt not in ("pdf", "csv") or lang not in ("ja", "en"):
        raise HTTPException(404, "no such invoice for this account")
    invoice = found[0]
    if fmt == "pdf":
        body, media = render_invoice_pdf(invoice, lang, timezone), "application/pdf"
    else:
        body, media = render_invoice_csv(invoice), "text/csv; charset=utf-8"
    disposition = f'attachment; filename="{invoice["number"]}.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@pages.get("/devices", response_class=HTMLResponse)
def devices(
    request: Request,
    account_id: str = Depends(session_account),
    page: int = Query(1, ge=1, le=1_000_000),
    device_type: str = "",
    status: str = Query("", pattern="^(|active|inactive)$"),
    note: str = "",
):
    """R21: the device list, a page at a time, filtered by type and status."""
    app, d = get_app(request), t.devices
    where = [d.c.account_id == account_id]
    if device_type:
        where.append(d.c.device_type_id == device_type)
    if status:
        where.append(d.c.active == (status == "active"))
    with app.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(d).where(and_(*where))).scalar()
        rows = views.devices(conn, and_(*where), PAGE_SIZE, (page - 1) * PAGE_SIZE)
        types = conn.execute(select(d.c.device_type_id).where(d.c.account_id == account_id).distinct()).scalars()
        types = sorted(types)
    pages_count = max(1, -(-total // PAGE_SIZE))
    query = {"device_type": device_type, "status": status}
    return templates.TemplateResponse(
        request,
        "devices.html",
        dict(
            devices=rows,
            total=total,
            page=page,
            pages=pages_count,
            types=types,
            device_type=device_type,
            status=status,
            note=WHAT_IT_CHANGES[note == "active"] if note else None,
            csrf=request.session["csrf"],
            link=lambda p: "/billing/devices?" + urlencode(query | {"page": p}),
        ),
    )


@pages.post("/devices/switch")
def switch(
    request: Request,
    account_id: str = Depends(session_account),
    csrf: str = Form(...),
    device_ids: list[str] = Form(default=[]),
    active: str = Form(..., pattern="^(true|false)$"),
):
    """R2: switch the chosen devices; only this session's account's devices can be named."""
    check_csrf(request, csrf)
    if not device_ids:
        raise InvalidInput("choose at least one device to switch")
    app = get_app(request)
    with app.db.transaction() as conn:
        switch_devices(conn, app.clock.now(), account_id, device_ids, active == "true", "billing-page")
    return RedirectResponse(f"/billing/devices?note={'active' if active == 'true' else 'inactive'}", status_code=303)
