"""The operator's console: accounts, invoices, bank transfers, points, plans and prices, tax
rates, the close and the collection by hand, suspended accounts, and the audit log.

Every page needs a staff session; every form posts its CSRF token; the forms that move money
also carry a one-time nonce (auth.once), so a double click cannot record a transfer twice. A
refused action shows the page again with the reason and a 4xx status, and changes nothing:
the service's checks run inside the transaction that would have written.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from ...adapters.db import payments_repo as pay
from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import schema_console as c
from ...adapters.db import schema_credit_notes as cn
from ...adapters.db import schema_payments as p
from ...adapters.db import views, views_emails
from ...adapters.db.audit import ACTIONS
from ...adapters.db.keyset import Page, Seek, seek_page
from ...adapters.db.views_credit_notes import credit_notes_view
from ...domain.dunning import RetryPolicy
from ...domain.errors import BillingError, InvalidInput
from ...domain.lifecycle import CollectionState, InvoiceState
from ...domain.local_time import last_day_before
from ...domain.periods import BillingMonth
from ...domain.rating import Tier
from ...domain.tax import TaxRate
from ...services import staff
from ...services.announce_price_change import announce_price_change
from ...services.bank_transfer import record_transfer, set_collection_method
from ...services.billing_state import account_billing_state, billing_states
from ...services.buy_plan import charge_purchase
from ...services.change_plan import change_plan
from ...services.close_month import CloseRunning, close_due_months
from ...services.collect_invoice import collect_due
from ...services.points import grant_points, points_view
from ...services.price_impact import price_impact
from ...services.tax_table import add_tax_rate
from .. import invoice_files
from ..api.context import get_app, storable_form
from ..api.schemas import MAX_AMOUNT, MAX_DEVICES
from ..web import paging
from ..web.paging import MAX_CURSOR
from ..web.rendering import templates
from .auth import check_csrf, once, staff_session

router = APIRouter(prefix="/console", include_in_schema=False, dependencies=[Depends(storable_form)])
PAGE = 50
MIN_YEAR, MAX_YEAR = 2000, 2200  # dates typed in forms outside these are mistakes
INVOICE_NUMBER = re.compile(r"[A-Za-z]{1,10}-\d{1,12}")


def render(request: Request, session: staff.Session, name: str, http_status: int = 200, **context) -> Response:
    # Every date shown, and every date typed (point expiry, a tax rate's start), is the operator's.
    zone = get_app(request).settings.operator_timezone
    context |= dict(staff=session.staff, csrf=session.csrf, nonce=secrets.token_urlsafe(24), zone=zone)
    return templates.TemplateResponse(request, name, context, status_code=http_status)


# --- accounts --------------------------------------------------------------------------------------


@router.get("")
def home(session: staff.Session = Depends(staff_session)):
    return RedirectResponse("/console/accounts", status_code=303)


def _suspended():
    s = p.suspensions
    return exists().where(s.c.account_id == t.accounts.c.id, s.c.lifted_at.is_(None))


@router.get("/accounts")
def accounts(
    request: Request,
    session: staff.Session = Depends(staff_session),
    q: str = Query("", max_length=200),
    status: str = Query("", pattern="^(|suspended|bank_transfer)$"),
    cursor: str = Query("", max_length=MAX_CURSOR),
):
    """Search by name, email or id; filter the suspended ones, or those paying by transfer; by
    name, 50 a page. The count stays: one pass over the accounts (100,000 at the scale measured),
    not over their invoices or history."""
    a, bs = t.accounts, p.billing_settings
    method = func.coalesce(bs.c.collection_method, "card")
    where = []
    if q.strip():
        text = q.strip()
        where.append(
            or_(
                a.c.name.icontains(text, autoescape=True),
                a.c.billing_email.icontains(text, autoescape=True),
                a.c.id == text,
            )
        )
    if status == "suspended":
        where.append(_suspended())
    elif status == "bank_transfer":
        where.append(method == "bank_transfer")
    base = select(a.c.id).outerjoin(bs, bs.c.account_id == a.c.id).where(and_(true(), *where))
    app = get_app(request)
    seek = paging.decode(request, "console.accounts", cursor, 2)
    with app.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(base.subquery())).scalar()
        listed = select(a.c.id, a.c.name, a.c.billing_email, a.c.plan_id, a.c.country, method.label("method"))
        listed = listed.outerjoin(bs, bs.c.account_id == a.c.id).where(and_(true(), *where))
        found = seek_page(conn, listed, [a.c.name, a.c.id], PAGE, seek)
        # NOTE: R19 each row's state as its page, the API and the customer's page say it
        states = billing_states(conn, app.clock.now(), [r.id for r in found.rows])
    pager = paging.links(request, "/console/accounts", "console.accounts", found, {"q": q, "status": status})
    return render(
        request,
        session,
        "console_accounts.html",
        accounts=found.rows,
        states=states,
        total=total,
        q=q,
        status=status,
        pager=pager,
    )


def _account_page(request: Request, session: staff.Session, account_id: str, status: int = 200, error=None):
    app = get_app(request)
    now = app.clock.now()
    with app.db.read() as conn:
        account = repo.get_account(conn, account_id)
        standing = account_billing_state(conn, now, account_id)
        s = p.suspensions
        suspension = conn.execute(
            select(s.c.reason, s.c.suspended_at).where(s.c.account_id == account_id, s.c.lifted_at.is_(None))
        ).first()
        context = dict(
            account=account,
            method=pay.collection_method(conn, account_id),
            suspension=suspension,
            standing=standing,
            cards=pay.load_cards(conn, account_id),
            invoices=_invoice_rows(conn, t.invoices.c.account_id == account_id, 24).rows,
            points=points_view(conn, now, account_id),
            plans=sorted(repo.load_plans(conn).values(), key=lambda plan: plan.id),
            # issue 10: a tax change waiting for the next period (R13), and the latest emails (R24)
            tax_change=views.pending_tax_changes(conn, [account_id]).get(account_id),
            emails=views_emails.emails(conn, t.notifications.c.account_id == account_id, 10).rows,
        )
    return render(request, session, "console_account.html", status, error=error, **context)


@router.get("/accounts/{account_id}")
def account(request: Request, account_id: str, session: staff.Session = Depends(staff_session)):
    return _account_page(request, session, account_id)


def _act(request: Request, session: staff.Session, nonce: str | None, action: str, work, again):
    """Run a form's work in one transaction (with its one-time nonce if it moves money); on a
    refusal show the page again, via `again(status, error)`, with nothing changed."""
    app = get_app(request)
    try:
        with app.db.transaction() as conn:
            if nonce is not None:
                once(conn, request, session, nonce, action)
            return work(conn, app)
    except BillingError as refused:
        return again(refused.status, refused.detail)
    except IntegrityError:  # the same thing written at the same instant by someone else
        return again(409, "someone else just made the same change; reload the page to see it")


@router.post("/accounts/{account_id}/points")
def grant(
    request: Request,
    account_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    amount: str = Form(""),
    reason: str = Form(""),
    expires_on: str = Form(""),
):
    """R16: grant points (1 point = 1 JPY), optionally expiring at the start of a day (the operator's)."""
    check_csrf(session, csrf)
    again = lambda status, error: _account_page(request, session, account_id, status, error)  # noqa: E731

    def work(conn, app):
        expires = _start_of_day(expires_on, app.settings.operator_timezone) if expires_on.strip() else None
        grant_points(conn, app.clock.now(), account_id, _whole(amount, "points"), reason, session.staff.actor, expires)
        return RedirectResponse(f"/console/accounts/{account_id}?done=points#points", status_code=303)

    return _act(request, session, nonce, "points.granted", work, again)


@router.post("/accounts/{account_id}/collection-method")
def collection_method(
    request: Request,
    account_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    method: str = Form(""),
):
    """R18: card or bank transfer, on plans that allow it."""
    check_csrf(session, csrf)
    again = lambda status, error: _account_page(request, session, account_id, status, error)  # noqa: E731

    def work(conn, app):
        set_collection_method(conn, app.clock.now(), account_id, method, session.staff.actor)
        return RedirectResponse(f"/console/accounts/{account_id}?done=method", status_code=303)

    return _act(request, session, None, "collection_method.changed", work, again)


@router.post("/accounts/{account_id}/plan")
def plan_change(
    request: Request,
    account_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    plan_id: str = Form(""),
):
    """R10: an upgrade invoices its prorated first period, charged at once, and starts when paid;
    a downgrade waits for the renewal."""
    check_csrf(session, csrf)
    again = lambda status, error: _account_page(request, session, account_id, status, error)  # noqa: E731

    def work(conn, app):
        return change_plan(conn, app.clock.now(), app.settings, account_id, plan_id, session.staff.actor)

    change = _act(request, session, nonce, "plan.change_requested", work, again)
    if isinstance(change, Response):  # refused: the page again, with why
        return change
    app = get_app(request)
    charge_purchase(app.db, app.gateway, app.clock, RetryPolicy.parse(app.settings.retry_schedule), change)
    return RedirectResponse(f"/console/accounts/{account_id}?done=plan", status_code=303)


# --- invoices --------------------------------------------------------------------------------------


def _invoice_rows(conn, where, limit: int, seek: Seek | None = None) -> Page:
    """Invoices as the console lists them, newest first (by their number's sequence, then id)."""
    inv, a, col = t.invoices, t.accounts, p.collections
    received = (
        select(func.coalesce(func.sum(p.payments.c.amount), 0))
        .where(p.payments.c.invoice_id == inv.c.id)
        .scalar_subquery()
    )
    listed = (
        select(
            inv.c.id,
            inv.c.number,
            inv.c.account_id,
            a.c.name.label("account_name"),
            a.c.timezone,
            inv.c.billing_month,
            inv.c.kind,
            inv.c.total,
            inv.c.amount_due,
            inv.c.currency,
            inv.c.status,
            inv.c.issued_at,
            received.label("received"),
            col.c.method,
            col.c.state,
            col.c.due_at,
        )
        .join(a, a.c.id == inv.c.account_id)
        .outerjoin(col, col.c.invoice_id == inv.c.id)
        .where(where)
    )
    found = seek_page(conn, listed, [inv.c.sequence, inv.c.id], limit, seek, descending=True)
    rows = [
        dict(r._mapping)
        | {
            "billing_month": str(BillingMonth(r.billing_month)) if r.billing_month is not None else None,
            # due at the start of a day in the account's zone: the last day to pay is the one before
            "due_day": last_day_before(r.due_at, r.timezone) if r.due_at else None,
        }
        for r in found.rows
    ]
    return Page(rows, found.previous, found.next)


@router.get("/invoices")
def invoices(
    request: Request,
    session: staff.Session = Depends(staff_session),
    q: str = Query("", max_length=100),
    status: str = Query("", pattern="^(|open|paid|void|overdue)$"),
    cursor: str = Query("", max_length=MAX_CURSOR),
):
    """Every invoice, newest first; by number or account name; open, paid, void, or overdue
    (a failed card collection or a transfer past its due date). No count beyond one page: it
    would read every invoice of every month on each page (1.2 million a year at 100,000
    accounts); the "next" link says whether more follow."""
    inv, a, col = t.invoices, t.accounts, p.collections
    app = get_app(request)
    where = [true()]
    if q.strip():
        text = q.strip()
        if INVOICE_NUMBER.fullmatch(text):  # FB-00000042: the index finds it at once
            where.append(inv.c.number == text.upper())
        else:
            where.append(a.c.name.icontains(text, autoescape=True))
    if status == "overdue":
        where.append(
            and_(
                inv.c.status == InvoiceState.OPEN,
                or_(
                    col.c.state == CollectionState.FAILED,
                    and_(col.c.due_at.is_not(None), col.c.due_at < app.clock.now()),
                ),
            )
        )
    elif status:
        where.append(inv.c.status == status)
    seek = paging.decode(request, "console.invoices", cursor, 2)
    with app.db.read() as conn:
        found = _invoice_rows(conn, and_(*where), PAGE, seek)
    pager = paging.links(request, "/console/invoices", "console.invoices", found, {"q": q, "status": status})
    return render(request, session, "console_invoices.html", invoices=found.rows, q=q, status=status, pager=pager)


def _invoice_page(request: Request, session: staff.Session, invoice_id: str, status: int = 200, error=None, form=None):
    app = get_app(request)
    with app.db.read() as conn:
        invoice = views.invoice(conn, invoice_id)
        account = repo.get_account(conn, invoice["account_id"])
        pm = p.payments
        payments = conn.execute(
            select(pm).where(pm.c.invoice_id == invoice_id).order_by(pm.c.received_at, pm.c.id)
        ).all()
        attempts = conn.execute(
            select(p.payment_attempts)
            .where(p.payment_attempts.c.invoice_id == invoice_id)
            .order_by(p.payment_attempts.c.attempted_at)
        ).all()
        collection = conn.execute(select(p.collections).where(p.collections.c.invoice_id == invoice_id)).first()
        notes = conn.execute(
            select(cn.credit_notes)
            .where(cn.credit_notes.c.invoice_id == invoice_id)
            .order_by(cn.credit_notes.c.sequence)
        ).all()
        credit_notes = credit_notes_view(conn, notes) if notes else []
    return render(
        request,
        session,
        "console_invoice.html",
        status,
        error=error,
        invoice=invoice,
        account=account,
        payments=payments,
        attempts=attempts,
        collection=collection,
        received=invoice["amount_paid"],  # R15: less what was sent back
        left=invoice["amount_left"],  # R15: after its credit notes
        credit_notes=credit_notes,
        form=form or {},
    )


@router.get("/invoices/{invoice_id}.{fmt}")
def invoice_file(
    request: Request, invoice_id: str, fmt: str, lang: str = "ja", session: staff.Session = Depends(staff_session)
):
    """R14: the invoice as the customer gets it: PDF (ja or en) or CSV of its lines."""
    app = get_app(request)
    with app.db.read() as conn:
        found = views.invoice(conn, invoice_id)
        timezone, transfer = invoice_files.document_terms(conn, found, app.settings.bank_account)
    return invoice_files.invoice_file(found, fmt, lang, timezone, transfer)


@router.get("/invoices/{invoice_id}")
def invoice(request: Request, invoice_id: str, session: staff.Session = Depends(staff_session)):
    return _invoice_page(request, session, invoice_id)


@router.post("/invoices/{invoice_id}/transfers")
def transfer(
    request: Request,
    invoice_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    amount: str = Form(""),
    reference: str = Form(""),
):
    """R18: a bank transfer that arrived, full or partial; the invoice is paid when covered."""
    check_csrf(session, csrf)
    form = dict(amount=amount, reference=reference)
    again = lambda status, error: _invoice_page(request, session, invoice_id, status, error, form)  # noqa: E731

    def work(conn, app):
        record_transfer(conn, app.clock.now(), invoice_id, _whole(amount, "JPY"), reference, session.staff.actor)
        return RedirectResponse(f"/console/invoices/{invoice_id}?done=transfer", status_code=303)

    return _act(request, session, nonce, "payment.received", work, again)


# --- plans and prices, tax rates ---------------------------------------------------------------


def _plans_page(request: Request, session: staff.Session, status: int = 200, error=None, form=None, impact=None):
    app = get_app(request)
    with app.db.read() as conn:
        plans = [views.plan(conn, plan_id) for plan_id in sorted(repo.load_plans(conn))]
    return render(
        request,
        session,
        "console_plans.html",
        status,
        error=error,
        plans=plans,
        form=form or {},
        now=app.clock.now(),
        impact=impact,
    )


@router.get("/plans")
def plans(request: Request, session: staff.Session = Depends(staff_session)):
    return _plans_page(request, session)


def parse_prices(text: str) -> dict[str, list[Tier]]:
    """One tier a line: `<device type> <up to, or "-" for no limit> <JPY a device a month>`,
    e.g. `esp32 3 0` then `esp32 - 300` (first 3 free, then 300)."""
    prices: dict[str, list[Tier]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3:
            raise InvalidInput(f"prices, line {number}: write '<device type> <up to or -> <price>', e.g. 'esp32 - 300'")
        device_type, up_to, price = parts
        prices.setdefault(device_type, []).append(
            Tier(
                None if up_to == "-" else _whole(up_to, f"devices (line {number})", most=MAX_DEVICES),
                _whole(price, f"JPY (line {number})", zero=True),
            )
        )
    if not prices:
        raise InvalidInput("prices: give at least one device type's price")
    return prices


@router.post("/plans/{plan_id}/price-versions")
def announce(
    request: Request,
    plan_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    effective_month: str = Form(""),
    fixed_fee: str = Form("0"),
    prices: str = Form(""),
):
    """R9: new prices from a month's start, refused inside the plan's notice period."""
    check_csrf(session, csrf)
    form = dict(plan_id=plan_id, effective_month=effective_month, fixed_fee=fixed_fee, prices=prices)
    again = lambda status, error: _plans_page(request, session, status, error, form)  # noqa: E731

    def work(conn, app):
        month = BillingMonth.parse(effective_month.strip())
        fee = _whole(fixed_fee or "0", "JPY fixed fee", zero=True)
        announce_price_change(conn, app.clock.now(), plan_id, month, fee, parse_prices(prices), session.staff.actor)
        return RedirectResponse("/console/plans?done=prices", status_code=303)

    return _act(request, session, nonce, "price_version.announced", work, again)


@router.post("/plans/{plan_id}/price-versions/preview")
def preview_prices(
    request: Request,
    plan_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    effective_month: str = Form(""),
    fixed_fee: str = Form("0"),
    prices: str = Form(""),
):
    """R9: the announcement form again, its impact over each account's last three closed months
    beside its notice-period check; nothing is written (Announce then posts the same values)."""
    check_csrf(session, csrf)
    form = dict(plan_id=plan_id, effective_month=effective_month, fixed_fee=fixed_fee, prices=prices)
    app = get_app(request)
    try:
        month = BillingMonth.parse(effective_month.strip())
        fee = _whole(fixed_fee or "0", "JPY fixed fee", zero=True)
        with app.db.read() as conn:
            impact = price_impact(conn, app.clock.now(), plan_id, month, fee, parse_prices(prices))
    except BillingError as refused:
        return _plans_page(request, session, refused.status, refused.detail, form)
    return _plans_page(request, session, form=form, impact=impact)


def _tax_page(request: Request, session: staff.Session, status: int = 200, error=None, form=None):
    app = get_app(request)
    with app.db.read() as conn:
        rates = sorted(repo.load_tax_rates(conn), key=lambda r: (r.country, r.subdivision or "", r.valid_from))
    return render(request, session, "console_tax.html", status, error=error, rates=rates, form=form or {})


@router.get("/tax-rates")
def tax_rates(request: Request, session: staff.Session = Depends(staff_session)):
    return _tax_page(request, session)


@router.post("/tax-rates")
def add_rate(
    request: Request,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    country: str = Form(""),
    subdivision: str = Form(""),
    percent: str = Form(""),
    valid_from: str = Form(""),
):
    """R12, R13: a dated rate; accounts take it at their next renewal."""
    check_csrf(session, csrf)
    form = dict(country=country, subdivision=subdivision, percent=percent, valid_from=valid_from)
    again = lambda status, error: _tax_page(request, session, status, error, form)  # noqa: E731

    def work(conn, app):
        start = _instant(valid_from, app.settings.operator_timezone)
        rate = TaxRate(country.strip().upper(), subdivision.strip().upper() or None, _percent(percent), start)
        add_tax_rate(conn, rate, session.staff.actor, app.clock.now())
        return RedirectResponse("/console/tax-rates?done=rate", status_code=303)

    return _act(request, session, nonce, "tax_rate.added", work, again)


# --- jobs and the audit log ----------------------------------------------------------------------


@router.get("/jobs")
def jobs(request: Request, session: staff.Session = Depends(staff_session)):
    return render(request, session, "console_jobs.html", result=None)


@router.post("/jobs/close")
def run_close(request: Request, session: staff.Session = Depends(staff_session), csrf: str = Form("")):
    """R15: close every ended month still open (idempotent: a second run finds nothing to do)."""
    check_csrf(session, csrf)
    app = get_app(request)
    try:
        report = close_due_months(app.db, app.clock, app.settings, actor=session.staff.actor)
    except CloseRunning as busy:
        return render(request, session, "console_jobs.html", busy.status, result=None, error=busy.detail)
    result = dict(
        kind="close",
        months=report.months,
        invoices=report.invoices,
        billed=report.billed,
        opened=report.collections_opened,
        downgrades=report.downgrades_applied,
        remaining=report.months_remaining,
        skipped=report.skipped,
    )
    return render(request, session, "console_jobs.html", result=result)


@router.post("/jobs/collect")
def run_collection(request: Request, session: staff.Session = Depends(staff_session), csrf: str = Form("")):
    """R15, R19: charge every card invoice whose try is due now (no invoice is charged twice)."""
    check_csrf(session, csrf)
    app = get_app(request)
    report = collect_due(
        app.db,
        app.gateway,
        app.clock,
        RetryPolicy.parse(app.settings.retry_schedule),
        actor=session.staff.actor,
        settings=app.settings,
    )
    result = dict(kind="collect") | report.counts()
    return render(request, session, "console_jobs.html", result=result)


@router.get("/audit")
def audit_log(
    request: Request,
    session: staff.Session = Depends(staff_session),
    account: str = Query("", max_length=36),
    action: str = Query("", max_length=40),
    actor: str = Query("", max_length=100),
    cursor: str = Query("", max_length=MAX_CURSOR),
):
    """Who moved money, when, how much: newest first, by account, action or actor. No count: the
    log only grows (every transfer, grant, change and close), and counting it would read it all;
    a list that fits one page says how many it has."""
    log, a = c.audit_log, t.accounts
    where = [true()]
    if account:
        where.append(log.c.account_id == account)
    if action:
        where.append(log.c.action == action)
    if actor:
        where.append(log.c.actor.icontains(actor, autoescape=True))
    app = get_app(request)
    seek = paging.decode(request, "console.audit", cursor, 1)
    with app.db.read() as conn:
        listed = select(log, a.c.name.label("account_name")).outerjoin(a, a.c.id == log.c.account_id)
        found = seek_page(conn, listed.where(and_(*where)), [log.c.id], PAGE, seek, descending=True)
    entries = [dict(r._mapping) | {"details": json.loads(r.details)} for r in found.rows]
    query = {"account": account, "action": action, "actor": actor}
    return render(
        request,
        session,
        "console_audit.html",
        entries=entries,
        pager=paging.links(request, "/console/audit", "console.audit", found, query),
        actions=sorted(ACTIONS),
        account=account,
        action=action,
        actor=actor,
    )


# --- form fields ---------------------------------------------------------------------------------


def _whole(text: str, unit: str, zero: bool = False, most: int = MAX_AMOUNT) -> int:
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 16:
        raise InvalidInput(f"{text[:40]!r} is not a whole number of {unit}")
    value = int(cleaned)
    if value == 0 and not zero:
        raise InvalidInput(f"give a positive number of {unit}, not 0")
    if value > most:
        raise InvalidInput(f"{value:,} {unit} is more than the {most:,} fleetbill can hold")
    return value


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not a percentage, e.g. 10 or 8.5") from None
    if not value.is_finite():
        raise InvalidInput(f"{text!r} is not a percentage, e.g. 10 or 8.5")
    return value / 100


def _instant(text: str, zone: str) -> datetime:
    """An ISO date-time with its offset, or a date (midnight in the operator's `zone`)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date (2027-04-01) or a date-time with offset (2027-04-01T00:00+09:00)"
        ) from None
    if not MIN_YEAR <= value.year < MAX_YEAR:
        raise InvalidInput(f"{text!r} is not between {MIN_YEAR} and {MAX_YEAR - 1}")
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))


def _start_of_day(text: str, zone: str) -> datetime:
    """Points that "expire on 2026-02-01" expire at 00:00 that day in the operator's `zone` (Tokyo:
    the instant January ends there): usable up to, not at, that instant (R16), so they do not pay January."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date like 2026-12-31") from None
    if not MIN_YEAR <= day.year < MAX_YEAR:
        raise InvalidInput(f"{text!r} is not a date between {MIN_YEAR} and {MAX_YEAR - 1}")
    return datetime.combine(day, time(0), ZoneInfo(zone))
