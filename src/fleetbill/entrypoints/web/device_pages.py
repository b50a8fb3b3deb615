"""Device settings (R21): the devices a page at a time, filtered; switch one or many; register one
and show its key once."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import and_, func, select

from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import views
from ...domain.errors import BillingError, InvalidInput, NotFound
from ...domain.line_words import month_ja
from ...domain.what_if import PlannedSwitch
from ...domain.what_if_words import month_name, what_it_changes
from ...services.register_device import register_device
from ...services.switch_devices import WHAT_IT_CHANGES, switch_devices
from ...services.test_clocks import account_clock
from ...services.what_if import preview as preview_bills
from ..api.context import get_app
from . import paging
from .i18n import N_, language
from .rendering import templates
from .session import check_csrf, session_account

router = APIRouter()
PAGE_SIZE = 50
ACTOR = "billing-page"
SWITCHED = {False: N_("{n} devices switched Inactive."), True: N_("{n} devices switched Active.")}
SWITCHED_ONE = {False: N_("1 device switched Inactive."), True: N_("1 device switched Active.")}
ALREADY_SENT = N_("This form was sent already: the device it registered is in the list, and its key was shown then.")


def _registrable_types(conn, account_id: str) -> list[tuple[str, str]]:
    """(id, name) of the device types the account's plan has a price for: the only ones it can add."""
    plan_id = repo.get_account(conn, account_id).plan_id
    priced = {dt for v in repo.load_price_versions(conn, [plan_id])[plan_id] for dt in v.tiers}
    names = repo.device_type_names(conn)
    return sorted((dt, names.get(dt, dt)) for dt in priced)


def _render(
    request: Request, account_id: str, *, seek=None, device_type="", status="", note=None, error=None, code=200
):
    app, d = get_app(request), t.devices
    where = [d.c.account_id == account_id]
    if device_type:
        where.append(d.c.device_type_id == device_type)
    if status:
        where.append(d.c.active == (status == "active"))
    with app.db.read() as conn:
        # The count stays: one account's devices, read from its index (10,000 at the scale measured).
        total = conn.execute(select(func.count()).select_from(d).where(and_(*where))).scalar()
        found = views.device_page(conn, and_(*where), PAGE_SIZE, seek)
        types = select(d.c.device_type_id).where(d.c.account_id == account_id).distinct()
        types = sorted(conn.execute(types).scalars())
        registrable = _registrable_types(conn, account_id)
        zone = repo.get_account(conn, account_id).timezone  # dates on the page are the account's days
    query = {"device_type": device_type, "status": status}
    return templates.TemplateResponse(
        request,
        "devices.html",
        dict(
            devices=found.rows,
            total=total,
            pager=paging.links(request, "/billing/devices", "billing.devices", found, query),
            types=types,
            registrable=registrable,
            device_type=device_type,
            status=status,
            note=note,
            error=error,
            csrf=request.session["csrf"],
            form_id=secrets.token_urlsafe(16),  # one registration per form, however often it is sent
            zone=zone,
        ),
        status_code=code,
    )


@router.get("/devices")
def devices(
    request: Request,
    account_id: str = Depends(session_account),
    cursor: str = Query("", max_length=paging.MAX_CURSOR),
    device_type: str = Query("", max_length=64),
    status: str = Query("", pattern="^(|active|inactive)$"),
    note: str = Query("", pattern="^(|active|inactive|already)$"),
    changed: int = Query(0, ge=0, le=1_000_000),
):
    """R21: the device list, 50 a page in the order they were registered, filtered by type and status."""
    notes = []
    if note in ("active", "inactive"):
        active = note == "active"
        switched = SWITCHED_ONE[active] if changed == 1 else SWITCHED[active]
        notes = [(switched, {"n": changed}), (WHAT_IT_CHANGES[active], {})]
    elif note == "already":
        notes = [(ALREADY_SENT, {})]
    seek = paging.decode(request, "billing.devices", cursor, 3)
    return _render(request, account_id, seek=seek, device_type=device_type, status=status, note=notes)


def _refused(request: Request, account_id: str, error: BillingError):
    """A refusal shown on the device page; another account's device is simply not found."""
    if isinstance(error, NotFound):
        raise error
    return _render(request, account_id, error=error.detail, code=error.status)


@router.post("/devices/switch")
def switch(
    request: Request,
    account_id: str = Depends(session_account),
    csrf: str = Form(...),
    device_ids: list[str] = Form(default=[]),
    active: str = Form("", pattern="^(|true|false)$"),
    only: str = Form("", pattern="^(|.+:(true|false))$", max_length=100),
):
    """R2: switch the chosen devices (or the one whose own button was pressed: `only` is
    "<device id>:<true|false>"); only this session's account's devices can be named."""
    check_csrf(request, csrf)
    if only:
        device, _, active = only.rpartition(":")
        device_ids = [device]
    app, on = get_app(request), active == "true"
    try:
        if not device_ids or not active:
            raise InvalidInput("choose at least one device to switch, then Switch Active or Switch Inactive")
        with app.db.transaction() as conn:
            now = account_clock(conn, account_id, app.clock, changing=True).now()
            result = switch_devices(conn, now, account_id, device_ids, on, ACTOR)
    except BillingError as e:
        return _refused(request, account_id, e)
    note = urlencode({"note": "active" if on else "inactive", "changed": len(result.changed)})
    return RedirectResponse(f"/billing/devices?{note}", status_code=303)


@router.post("/devices/preview")
def preview(
    request: Request,
    account_id: str = Depends(session_account),
    csrf: str = Form(...),
    device_ids: list[str] = Form(default=[]),
    active: str = Form("", pattern="^(|true|false)$"),
):
    """R21, R25: before a bulk switch is confirmed, this month's and next month's bill now and
    after it, and the difference; writes nothing. The page's form confirms it (the switch above)."""
    check_csrf(request, csrf)
    app, on = get_app(request), active == "true"
    ids = list(dict.fromkeys(device_ids))
    try:
        if not ids or not active:
            raise InvalidInput("choose at least one device to switch, then Switch Active or Switch Inactive")
        with app.db.read() as conn:
            now = account_clock(conn, account_id, app.clock, changing=False).now()
            w = preview_bills(conn, now, app.settings, account_id, [PlannedSwitch(i, on, now) for i in ids])
    except BillingError as e:
        return _refused(request, account_id, e)
    lang = language(request)
    rows = []
    for month, before, after in (
        (w.month, w.before.this_month, w.after.this_month),
        (w.month.next(), w.before.next_month, w.after.next_month),
    ):
        label = f"{month_ja(str(month))}分" if lang == "ja" else f"{month_name(month, 'en')} {month.year}"
        rows.append(dict(label=label, before=before.total, after=after.total, difference=after.total - before.total))
    return templates.TemplateResponse(
        request,
        "device_preview.html",
        dict(
            summary=what_it_changes(w, lang),
            rows=rows,
            count=len(ids),
            active=on,
            device_ids=ids,
            csrf=request.session["csrf"],
        ),
    )


@router.post("/devices/register")
def register(
    request: Request,
    account_id: str = Depends(session_account),
    csrf: str = Form(...),
    device_type: str = Form(..., max_length=64),
    name: str = Form("", max_length=200),
    form_id: str = Form(..., min_length=16, max_length=40),
):
    """R1, R21: register a device; its key is on this answer only (only its hash is kept)."""
    check_csrf(request, csrf)
    app = get_app(request)
    # NOTE: R1 a device is billable from its key: a form sent twice (a double click, a reload) must not
    # register a second one. The form's id is the request id on the device's first status record.
    request_id = f"{ACTOR}:{form_id}"
    sc = t.status_changes
    try:
        with app.db.transaction() as conn:
            # Two copies of the form at once: the account's row lock makes the second wait, then see the first.
            repo.lock_account(conn, account_id)
            sent = select(sc.c.id).where(sc.c.account_id == account_id, sc.c.request_id == request_id)
            if conn.execute(sent).first() is not None:
                return RedirectResponse("/billing/devices?note=already", status_code=303)
            now = account_clock(conn, account_id, app.clock, changing=True).now()
            device = register_device(conn, now, account_id, device_type, name, ACTOR, request_id)
    except BillingError as e:
        return _refused(request, account_id, e)
    return templates.TemplateResponse(
        request, "device_key.html", dict(device=device), headers={"Cache-Control": "no-store"}
    )
