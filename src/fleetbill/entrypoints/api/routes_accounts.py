"""Accounts, their devices (R1-R4), usage now (R20), invoices (R15) and points (R16)."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import and_, or_, select, true
from starlette.exceptions import HTTPException

from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import views
from ...adapters.db.keyset import Seek, beyond
from ...adapters.pdf.invoice_pdf import BankTransfer
from ...domain.account_settings import AccountChanges
from ...domain.errors import InvalidInput, NotFound
from ...domain.invoice import InvoiceDraft
from ...domain.lifecycle import InvoiceStatus
from ...domain.periods import BillingMonth
from ...domain.tax import TaxStatus
from ...services import account_settings as settings_service
from ...services.open_account import NewAccount, open_account
from ...services.points import grant_points, points_view
from ...services.portal_links import LINK_LIFETIME, make_link_token
from ...services.register_device import register_device
from ...services.switch_devices import WHAT_IT_CHANGES, switch_device, switch_devices
from ...services.test_clocks import clock_for_new_account
from ...services.usage_now import usage_now
from ..invoice_files import document_terms, invoice_file
from .context import Operator, account_clock, clock_in, get_app, idempotent, operator, request_id
from .schemas import (
    AccountChangeIn,
    AccountIn,
    AccountOut,
    BillingLinkOut,
    BulkStatusIn,
    DeviceCreated,
    DeviceIn,
    DeviceOut,
    DeviceStatusIn,
    GrantIn,
    InvoiceOut,
    InvoicePage,
    PointsOut,
    StatusChangeOut,
    SwitchOut,
    UsageOut,
)

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)])


@router.post("/accounts", status_code=201, response_model=AccountOut, tags=["accounts"])
async def create_account(body: AccountIn, request: Request, who: Operator = Depends(operator)):
    """Open an account on a plan. A plan with a fixed fee bills its first period at once (R11)."""
    app = get_app(request)
    fields = body.model_dump(exclude={"test_clock"})
    new = NewAccount(**fields | {"tax_status": TaxStatus(body.tax_status), "test_clock_id": body.test_clock})
    if body.test_clock is not None and not app.settings.test_mode:
        raise InvalidInput("test_clock: test clocks exist only in test mode (FLEETBILL_TEST_MODE=1); leave it out")

    def work(conn):
        clock = clock_for_new_account(conn, body.test_clock, app.clock)
        account, _purchase = open_account(conn, clock.now(), app.settings, new)
        return 201, views.account(conn, account.id)  # built as GET builds it (R10: its purchase invoice)

    return await idempotent(request, who, work)


@router.patch("/accounts/{account_id}", response_model=AccountOut, tags=["accounts"])
async def update_account(account_id: str, body: AccountChangeIn, request: Request, who: Operator = Depends(operator)):
    """Change the account's settings: only the fields given. Name, language, billing contacts and
    postal address apply at once; country/region and tax status from its next contract period
    (R13), shown meanwhile as `tax_change`. Each change is audited and told as account.updated
    (R22); a refusal says what to fix and changes nothing."""
    now = account_clock(request, account_id).now()
    changes = account_changes(body)

    def work(conn):
        return 200, settings_service.update_account(conn, now, account_id, changes, who.actor)

    return await idempotent(request, who, work)


def account_changes(body: AccountChangeIn) -> AccountChanges:
    given = body.model_fields_set
    return AccountChanges(
        name=body.name,
        language=body.language,
        billing_emails=body.billing_emails,
        postal_address=body.postal_address,
        clear_address="postal_address" in given and body.postal_address is None,
        country=body.country,
        subdivision=body.subdivision,
        clear_subdivision="subdivision" in given and body.subdivision is None,
        tax_status=body.tax_status,
    )


@router.post("/accounts/{account_id}/billing-links", status_code=201, response_model=BillingLinkOut, tags=["accounts"])
def create_billing_link(account_id: str, request: Request):
    """R20: a short-lived signed link (15 minutes, one use) to the account's billing page, for the
    operator's platform to send its user to; it opens a session for that account alone."""
    app = get_app(request)
    with app.db.read() as conn:
        repo.get_account(conn, account_id)
    now = app.clock.now()
    token = make_link_token(request.app.state.secret_key, account_id, now)
    # NOTE: R20 after "#": a browser never sends the fragment, so the token is in no request line or log.
    return {"url": str(request.base_url) + "billing/open#" + token, "expires_at": now + LINK_LIFETIME}


STARTING_AFTER = (
    "The id of the last item of the page before: the page after it, in the same order. The database "
    "seeks it in an index, however deep the page; prefer it to `offset`."
)
OFFSET = "Deprecated: skip this many (read and thrown away by the database). Use `starting_after`."


@router.get("/accounts", response_model=list[AccountOut], tags=["accounts"])
def list_accounts(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=100_000_000, deprecated=True, description=OFFSET),
    starting_after: str | None = Query(None, max_length=36, description=STARTING_AFTER),
):
    """Accounts in the order they were created (then id); the next page starts after the last id."""
    a = t.accounts
    with get_app(request).db.read() as conn:
        if starting_after is None:
            return views.accounts(conn, limit=limit, offset=offset)
        key = conn.execute(select(a.c.created_at, a.c.id).where(a.c.id == starting_after)).first()
        if key is None or offset:
            raise InvalidInput("starting_after: give the id of an account listed before, and no offset")
        return views.accounts(conn, beyond((a.c.created_at, a.c.id), tuple(key)), limit=limit)


@router.get("/accounts/{account_id}", response_model=AccountOut, tags=["accounts"])
def get_account(account_id: str, request: Request):
    with get_app(request).db.read() as conn:
        return views.account(conn, account_id)


@router.post("/accounts/{account_id}/devices", status_code=201, response_model=DeviceCreated, tags=["devices"])
async def add_device(account_id: str, body: DeviceIn, request: Request, who: Operator = Depends(operator)):
    """R1: register a device. Its key is in this response only; the device is Active and billable
    from this instant."""
    now, rid = account_clock(request, account_id).now(), request_id(request)

    def work(conn):
        d = register_device(conn, now, account_id, body.device_type_id, body.name, who.actor, rid)
        return 201, DeviceCreated(
            id=d.id,
            account_id=d.account_id,
            device_type_id=d.device_type_id,
            name=d.name,
            key_last4=d.device_key[-4:],
            active=True,
            registered_at=d.registered_at,
            device_key=d.device_key,
        )

    return await idempotent(request, who, work)


@router.get("/accounts/{account_id}/devices", response_model=list[DeviceOut], tags=["devices"])
def list_devices(
    account_id: str,
    request: Request,
    device_type_id: str | None = None,
    active: bool | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=100_000_000, deprecated=True, description=OFFSET),
    starting_after: str | None = Query(None, max_length=36, description=STARTING_AFTER),
):
    """R21: the account's devices in the order they were registered (then name, id), filtered."""
    d = t.devices
    where = [d.c.account_id == account_id]
    if device_type_id is not None:
        where.append(d.c.device_type_id == device_type_id)
    if active is not None:
        where.append(d.c.active == active)
    with get_app(request).db.read() as conn:
        repo.get_account(conn, account_id)
        if starting_after is None:
            return views.devices(conn, and_(*where), limit, offset)
        seen = select(*views.DEVICE_ORDER).where(d.c.account_id == account_id, d.c.id == starting_after)
        key = conn.execute(seen).first()
        if key is None or offset:
            raise InvalidInput(
                "starting_after: give the id of one of the account's devices listed before, and no offset"
            )
        return views.device_page(conn, and_(*where), limit, Seek(tuple(key))).rows


@router.post("/accounts/{account_id}/devices/status", response_model=SwitchOut, tags=["devices"])
async def switch_many(account_id: str, body: BulkStatusIn, request: Request, who: Operator = Depends(operator)):
    """R2: switch many devices at once; all or nothing."""
    now, rid = account_clock(request, account_id).now(), request_id(request)

    def work(conn):
        r = switch_devices(conn, now, account_id, body.device_ids, body.active, who.actor, rid)
        return 200, SwitchOut(
            changed=r.changed, unchanged=r.unchanged, effective_at=now, note=WHAT_IT_CHANGES[body.active]
        )

    return await idempotent(request, who, work)


def _device(conn, device_id: str):
    row = conn.execute(select(t.devices).where(t.devices.c.id == device_id)).first()
    if row is None:
        raise NotFound(f"no device {device_id}")
    return row


@router.get("/devices/{device_id}", response_model=DeviceOut, tags=["devices"])
def get_device(device_id: str, request: Request):
    with get_app(request).db.read() as conn:
        return dict(_device(conn, device_id)._mapping)


@router.post("/devices/{device_id}/status", response_model=SwitchOut, tags=["devices"])
async def switch_one(device_id: str, body: DeviceStatusIn, request: Request, who: Operator = Depends(operator)):
    """R2: switch one device Active or Inactive."""
    rid, test_mode = request_id(request), get_app(request).settings.test_mode

    def work(conn):
        # NOTE: issue 11 item 4: the switch finds the device's account itself; only a test clock
        # (test mode: the account's own "now") needs it read first.
        account_clock = clock_in(request, conn, _device(conn, device_id).account_id) if test_mode else None
        now = (account_clock or get_app(request).clock).now()
        r = switch_device(conn, now, device_id, body.active, who.actor, rid)
        return 200, SwitchOut(
            changed=r.changed, unchanged=r.unchanged, effective_at=now, note=WHAT_IT_CHANGES[body.active]
        )

    return await idempotent(request, who, work)


@router.get("/devices/{device_id}/history", response_model=list[StatusChangeOut], tags=["devices"])
def device_history(device_id: str, request: Request):
    """R4: every status change of the device, oldest first."""
    sc = t.status_changes
    with get_app(request).db.read() as conn:
        _device(conn, device_id)
        rows = conn.execute(select(sc).where(sc.c.device_id == device_id).order_by(sc.c.effective_at, sc.c.id))
        return [dict(r._mapping) for r in rows]


@router.delete("/devices/{device_id}", status_code=405, tags=["devices"])
def delete_device(device_id: str, request: Request):
    """R3: devices cannot be deleted. Switch the device Inactive to stop paying for it."""
    with get_app(request).db.read() as conn:
        _device(conn, device_id)
    raise HTTPException(  # not NotAllowed: a 405 must name the methods allowed (RFC 9110, Allow)
        405,
        "a registered device can never be deleted or cancelled; switch it Inactive "
        f'(POST /v1/devices/{device_id}/status with {{"active": false}}) and it is not charged from next month',
        headers={"Allow": "GET"},
    )


def estimate_out(draft: InvoiceDraft, peak_at: dict | None = None) -> dict:
    """An invoice draft as the API shows it; `peak_at`: when each usage line's peak was first
    reached (R5 explained, issue 12), by device type."""
    peak_at = peak_at or {}
    return dict(
        currency=draft.currency,
        subtotal=draft.subtotal,
        tax_total=draft.tax_total,
        total=draft.total,
        points_applied=draft.points_applied,
        amount_due=draft.amount_due,
        tax_note=draft.tax_note,
        taxes=[asdict(x) for x in draft.taxes],
        lines=[
            dict(
                kind=x.kind,
                description=x.description,
                device_type_id=x.device_type,
                quantity=x.quantity,
                amount=x.amount,
                tax_rate=x.tax_rate,
                period_start=x.period_start,
                period_end=x.period_end,
                tiers=[asdict(c) for c in x.tiers],
                peak_at=peak_at.get(x.device_type) if x.kind == "usage" else None,
            )
            for x in draft.lines
        ],
    )


@router.get("/accounts/{account_id}/usage", response_model=UsageOut, tags=["usage"])
def get_usage(account_id: str, request: Request):
    """R20: this month so far: the running billable count per device type, devices Active now,
    and the estimated charge with tax and the points that would pay it."""
    app = get_app(request)
    with app.db.read() as conn:
        u = usage_now(conn, account_clock(request, account_id, changing=False).now(), app.settings, account_id)
    return dict(
        account_id=u.account_id,
        month=str(u.month),
        period_start=u.period_start,
        period_end=u.period_end,
        as_of=u.as_of,
        counting_mode=u.counting_mode,
        billable_devices=u.quantities,
        active_now=u.active_now,
        estimate=estimate_out(u.estimate, u.peak_at),
    )


@router.get("/accounts/{account_id}/invoices", response_model=list[InvoiceOut], tags=["invoices"])
def list_account_invoices(account_id: str, request: Request, limit: int = Query(100, ge=1, le=1000)):
    with get_app(request).db.read() as conn:
        repo.get_account(conn, account_id)
        return views.invoices(conn, t.invoices.c.account_id == account_id, limit)


CURSOR = re.compile(r"(\d{1,18})\.([0-9A-Za-z-]{1,36})")


@router.get("/invoices", response_model=InvoicePage, tags=["invoices"])
def list_invoices(
    request: Request,
    account_id: str | None = Query(None, max_length=36),
    month: str | None = Query(None, max_length=7, description="The month billed, YYYY-MM (monthly invoices)."),
    status: InvoiceStatus | None = None,
    cursor: str | None = Query(None, max_length=60, description="`next_cursor` of the page before."),
    limit: int = Query(100, ge=1, le=1000),
):
    """Invoices of every account, newest first, a page at a time: a cursor, not an offset, so an
    invoice issued while paging neither repeats nor hides one."""
    inv = t.invoices
    where = [true()]
    if account_id is not None:
        where.append(inv.c.account_id == account_id)
    if month is not None:
        where.append(inv.c.billing_month == BillingMonth.parse(month).index)
    if status is not None:
        where.append(views.invoice_has_status(status))
    if cursor is not None:
        if not (found := CURSOR.fullmatch(cursor)):
            raise InvalidInput("cursor is not one this API gave: pass next_cursor from the page before, unchanged")
        sequence, invoice_id = int(found[1]), found[2]
        where.append(or_(inv.c.sequence < sequence, and_(inv.c.sequence == sequence, inv.c.id < invoice_id)))
    with get_app(request).db.read() as conn:
        page = views.invoices(conn, and_(*where), limit + 1)
    more = len(page) > limit
    last = page[limit - 1] if more else None
    return {"data": page[:limit], "next_cursor": f"{last['sequence']}.{last['id']}" if last else None}


def _invoice_document(request: Request, invoice_id: str) -> tuple[dict, str, BankTransfer | None]:
    """The invoice, its account's zone, and its bank-transfer terms (R18)."""
    app = get_app(request)
    with app.db.read() as conn:
        invoice = views.invoice(conn, invoice_id)
        return invoice, *document_terms(conn, invoice, app.settings.bank_account)


# Before /invoices/{invoice_id}, whose parameter would otherwise take "ID.pdf" whole.
@router.get(
    "/invoices/{invoice_id}.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The invoice as a PDF file.",
        },
        503: {"description": "The PDF's font is not installed on the server; the CSV is available meanwhile."},
    },
    tags=["invoices"],
)
def get_invoice_pdf(invoice_id: str, request: Request, lang: Literal["ja", "en"] = Query("ja")):
    """R14: the qualified invoice (適格請求書) as a PDF, in Japanese (default) or English."""
    invoice, timezone, transfer = _invoice_document(request, invoice_id)
    return invoice_file(invoice, "pdf", lang, timezone, transfer)


@router.get(
    "/invoices/{invoice_id}.csv",
    response_class=Response,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The invoice's lines, one row per tier.",
        }
    },
    tags=["invoices"],
)
def get_invoice_csv(invoice_id: str, request: Request):
    """R14: the invoice's lines as CSV (UTF-8 with a BOM), one row per tier of a usage line."""
    invoice, timezone, _ = _invoice_document(request, invoice_id)
    return invoice_file(invoice, "csv", "ja", timezone)


@router.get("/invoices/{invoice_id}", response_model=InvoiceOut, tags=["invoices"])
def get_invoice(invoice_id: str, request: Request):
    with get_app(request).db.read() as conn:
        return views.invoice(conn, invoice_id)


@router.post("/accounts/{account_id}/points", status_code=201, response_model=PointsOut, tags=["points"])
async def grant_account_points(account_id: str, body: GrantIn, request: Request, who: Operator = Depends(operator)):
    """R16: grant credit points (1 point = 1 JPY), optionally expiring."""
    now = account_clock(request, account_id).now()

    def work(conn):
        grant_points(conn, now, account_id, body.amount, body.reason, who.actor, body.expires_at)
        v = points_view(conn, now, account_id)
        return 201, dict(account_id=account_id, balance=v.balance, ledger=v.ledger)

    return await idempotent(request, who, work)


@router.get("/accounts/{account_id}/points", response_model=PointsOut, tags=["points"])
def get_points(account_id: str, request: Request):
    """R16: the usable balance and every grant, use and expiry."""
    app = get_app(request)
    with app.db.read() as conn:
        v = points_view(conn, account_clock(request, account_id, changing=False).now(), account_id)
    return dict(account_id=account_id, balance=v.balance, ledger=v.ledger)
