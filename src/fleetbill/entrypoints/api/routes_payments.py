"""Cards (R17), collection and retries (R15, R16, R19), bank transfer (R18), entitlements,
and the gateway's webhooks."""

from __future__ import annotations

import logging
from dataclasses import asdict

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from ...adapters.db import payments_repo as pay
from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import schema_payments as p
from ...adapters.gateway.port import InvalidWebhook
from ...domain.dunning import RetryPolicy
from ...domain.errors import InvalidInput, NotFound
from ...services import cards as card_service
from ...services import change_plan as plan_change_service
from ...services.bank_transfer import record_transfer, set_collection_method
from ...services.buy_plan import charge_purchase
from ...services.card_updates import apply_card_update
from ...services.collect_invoice import collect_due
from ...services.entitlements import entitlements_view
from .context import Operator, account_clock, get_app, idempotent, invoice_clock, operator
from .schemas import (
    CardAdded,
    CardIn,
    CardOut,
    CollectionMethodIn,
    CollectOut,
    EntitlementsOut,
    InvoicePaymentsOut,
    PlanChangeIn,
    PlanChangeOut,
    SandboxCardIn,
    SandboxUpdateIn,
    TransferIn,
    TransferOut,
)

log = logging.getLogger("fleetbill.api")
router = APIRouter(prefix="/v1", dependencies=[Depends(operator)])
webhooks = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


class WebhookRefused(InvalidInput):
    """A webhook whose signature does not verify or whose body cannot be read (R19)."""

    status = 400
    title = "Webhook refused"


def card_out(card, now) -> dict:
    out = asdict(card) | {"expiring_soon": card.expiring_soon(now)}
    del out["account_timezone"]  # the account's, not the card's: only for judging its expiry (R19)
    return out


def policy(app) -> RetryPolicy:
    return RetryPolicy.parse(app.settings.retry_schedule)


@router.get("/accounts/{account_id}/cards", response_model=list[CardOut], tags=["cards"])
def list_cards(account_id: str, request: Request):
    app = get_app(request)
    now = account_clock(request, account_id, changing=False).now()
    with app.db.read() as conn:
        repo.get_account(conn, account_id)
        return [card_out(c, now) for c in pay.load_cards(conn, account_id)]


@router.post("/accounts/{account_id}/cards", status_code=201, response_model=CardAdded, tags=["cards"])
async def add_card(account_id: str, body: CardIn, request: Request, who: Operator = Depends(operator)):
    """R17: register a card by the gateway's token (at most two; the first is the default).
    Unpaid invoices are charged again at once (R19)."""
    app = get_app(request)

    def work(_):
        clock = account_clock(request, account_id)
        card, retried = card_service.add_card_and_retry(
            app.db, app.gateway, clock, policy(app), account_id, body.token, body.default
        )
        return 201, card_out(card, clock.now()) | {"retried_invoices": retried}

    return await idempotent(request, who, work, own_transactions=True)


@router.post("/accounts/{account_id}/cards/{card_id}/default", response_model=CardOut, tags=["cards"])
async def make_default(account_id: str, card_id: str, request: Request, who: Operator = Depends(operator)):
    now = account_clock(request, account_id).now()
    return await idempotent(
        request, who, lambda conn: (200, card_out(card_service.make_default(conn, account_id, card_id), now))
    )


@router.delete("/accounts/{account_id}/cards/{card_id}", status_code=204, tags=["cards"])
def remove_card(account_id: str, card_id: str, request: Request):
    """R17: refused (409) when it would leave an unpaid invoice or a paid plan with no way to pay."""
    app = get_app(request)
    card_service.remove_and_detach(app.db, app.gateway, account_clock(request, account_id), account_id, card_id)
    return Response(status_code=204)


@router.post("/accounts/{account_id}/collection-method", response_model=CollectionMethodIn, tags=["bank transfer"])
async def collection_method(
    account_id: str, body: CollectionMethodIn, request: Request, who: Operator = Depends(operator)
):
    """R18: pay by bank transfer instead of card, where the plan allows it ("talk to us")."""
    now = account_clock(request, account_id).now()
    return await idempotent(
        request,
        who,
        lambda conn: (200, {"method": set_collection_method(conn, now, account_id, body.method, who.actor)}),
    )


@router.post("/invoices/{invoice_id}/transfers", status_code=201, response_model=TransferOut, tags=["bank transfer"])
async def transfer(invoice_id: str, body: TransferIn, request: Request, who: Operator = Depends(operator)):
    """R18: record a bank transfer that arrived, full or partial."""
    now = invoice_clock(request, invoice_id).now()
    return await idempotent(
        request, who, lambda conn: (201, record_transfer(conn, now, invoice_id, body.amount, body.reference, who.actor))
    )


@router.get("/invoices/{invoice_id}/payments", response_model=InvoicePaymentsOut, tags=["invoices"])
def invoice_payments(invoice_id: str, request: Request):
    """Every attempt (amount, card, gateway reference, outcome, reason) and every payment."""
    with get_app(request).db.read() as conn:
        inv = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id)).first()
        if inv is None:
            raise NotFound(f"no invoice {invoice_id}")
        a, pm, c = p.payment_attempts, p.payments, p.collections
        attempts = conn.execute(select(a).where(a.c.invoice_id == invoice_id).order_by(a.c.attempted_at)).all()
        payments = conn.execute(select(pm).where(pm.c.invoice_id == invoice_id).order_by(pm.c.id)).all()
        collection = conn.execute(select(c).where(c.c.invoice_id == invoice_id)).first()
    return dict(
        invoice_id=inv.id,
        status=inv.status,
        amount_due=inv.amount_due,
        received=sum(x.amount for x in payments),
        collection=dict(collection._mapping) if collection else None,
        attempts=[dict(x._mapping) for x in attempts],
        payments=[dict(x._mapping) for x in payments],
    )


@router.post("/accounts/{account_id}/plan", response_model=PlanChangeOut, tags=["plans"])
async def change_plan(account_id: str, body: PlanChangeIn, request: Request, who: Operator = Depends(operator)):
    """R10: an upgrade is bought at once (its prorated fee charged now; the plan starts when the
    payment is confirmed); a downgrade takes effect at the next renewal."""
    app = get_app(request)

    def work(_):
        clock = account_clock(request, account_id)
        with app.db.transaction() as conn:
            change = plan_change_service.change_plan(
                conn, clock.now(), app.settings, account_id, body.plan_id, who.actor
            )
        change["applied_at"] = charge_purchase(app.db, app.gateway, clock, policy(app), change)
        return 200, change

    return await idempotent(request, who, work, own_transactions=True)


@router.get("/accounts/{account_id}/entitlements", response_model=EntitlementsOut, tags=["entitlements"])
def get_entitlements(account_id: str, request: Request):
    """Each plan feature on or off, and why, for the operator's platform to check."""
    app = get_app(request)
    with app.db.read() as conn:
        return entitlements_view(conn, account_clock(request, account_id, changing=False).now(), account_id)


@router.post("/collect", response_model=CollectOut, tags=["collection"])
async def collect(request: Request, who: Operator = Depends(operator)):
    """Charge every card invoice whose try is due (the worker does this hourly)."""
    app = get_app(request)
    return await idempotent(
        request,
        who,
        lambda _: (
            200,
            asdict(collect_due(app.db, app.gateway, app.clock, policy(app), actor=who.actor, settings=app.settings)),
        ),
        own_transactions=True,
    )


@webhooks.post("/{gateway_name}")
async def receive_webhook(gateway_name: str, request: Request):
    """Events from the payment gateway, verified by their signature (no API key)."""
    app = get_app(request)
    if gateway_name != app.gateway.name:
        raise NotFound(f"this server's gateway is {app.gateway.name!r}, not {gateway_name!r}")
    body = await request.body()
    try:
        event = app.gateway.parse_webhook(body, dict(request.headers))
    except InvalidWebhook as e:  # a bad signature or a body that cannot be read: 400, as Stripe advises
        raise WebhookRefused(f"{e}; nothing was done") from None
    updated = 0
    if event.card_update is not None:
        with app.db.transaction() as conn:
            updated = apply_card_update(conn, app.clock.now(), event.card_update)
    return {"received": event.id, "type": event.type, "cards_updated": updated}


sandbox = APIRouter(prefix="/v1/sandbox", dependencies=[Depends(operator)], tags=["test mode"])


@sandbox.post("/tokens")
def sandbox_token(body: SandboxCardIn, request: Request):
    """Tokenize a test card, as the gateway's page would in a browser (sandbox, test mode only)."""
    try:
        return {"token": get_app(request).gateway.tokenize(body.number, body.exp_month, body.exp_year, body.cvc)}
    except ValueError as e:
        raise InvalidInput(str(e)) from None


@sandbox.post("/account-updater")
def sandbox_account_updater(body: SandboxUpdateIn, request: Request):
    """Simulate the card networks' account updater: a signed event sent to our own webhook path."""
    app = get_app(request)
    with app.db.read() as conn:
        token = conn.execute(select(p.cards.c.token).where(p.cards.c.id == body.card_id)).scalar()
    if token is None:
        raise NotFound(f"no card {body.card_id}")
    payload, headers = app.gateway.account_updater_event(token, body.last4, body.exp_month, body.exp_year)
    event = app.gateway.parse_webhook(payload, headers)
    with app.db.transaction() as conn:
        return {
            "received": event.id,
            "type": event.type,
            "cards_updated": apply_card_update(conn, app.clock.now(), event.card_update),
        }
