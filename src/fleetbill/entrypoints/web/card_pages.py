"""Cards on the billing page (R17): add one through the gateway's tokenization, make one the
default, remove one. The card number goes from the browser to the gateway; fleetbill gets the token."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...adapters.db import payments_repo as pay
from ...adapters.db import repository as repo
from ...domain.cards import MAX_CARDS
from ...domain.dunning import RetryPolicy
from ...domain.errors import BillingError, NotFound
from ...services import cards as card_service
from ...services.test_clocks import account_clock
from ..api.context import get_app
from .billing_page import render_billing
from .i18n import language
from .rendering import templates
from .sandbox_gateway import TOKENS
from .session import check_csrf, session_account

router = APIRouter()


def _done(what: str) -> RedirectResponse:
    return RedirectResponse(f"/billing?done={what}#cards", status_code=303)


def _refused(request: Request, account_id: str, error: BillingError):
    """A refusal is shown beside the cards, with what to do; another account's card is not found."""
    if isinstance(error, NotFound):
        raise error
    return render_billing(request, account_id, status_code=error.status, card_error=error.detail)


@router.get("/cards/new")
def new_card(request: Request, account_id: str = Depends(session_account)):
    """The card form. Sandbox: a few lines of script post the card to the sandbox gateway's token
    endpoint. Stripe: Stripe.js takes the card and confirms a SetupIntent made here for the customer."""
    app = get_app(request)
    with app.db.read() as conn:
        account = repo.get_account(conn, account_id)
        on_file = pay.load_cards(conn, account_id)
    context = dict(csrf=request.session["csrf"], full=len(on_file) >= MAX_CARDS, first=not on_file)
    if app.gateway.name == "stripe":
        settings = app.settings
        context.update(gateway="stripe", stripe_key=settings.stripe_publishable_key, stripe_js=settings.stripe_js_url)
    else:
        context.update(gateway="sandbox", tokens_url=TOKENS)
    setup = getattr(app.gateway, "card_setup_secret", None)
    if setup is not None and not context["full"]:
        # NOTE: R17 the card the form saves belongs to this account's customer alone (a SetupIntent).
        customer = card_service.gateway_customer(app.db, app.gateway, app.clock, account)
        context["setup_secret"] = setup(customer, f"setup:{account_id}:{secrets.token_hex(8)}")
    context["stripe_locale"] = language(request)
    return templates.TemplateResponse(request, "card_new.html", context, headers={"Cache-Control": "no-store"})


@router.post("/cards")
def add_card(
    request: Request,
    account_id: str = Depends(session_account),
    csrf: str = Form(...),
    token: str = Form("", max_length=255),
    default: str = Form(""),
):
    """R17: keep the card the gateway tokenized; R19: unpaid invoices are charged to it at once."""
    check_csrf(request, csrf)
    app = get_app(request)
    policy = RetryPolicy.parse(app.settings.retry_schedule)
    try:
        with app.db.read() as conn:
            clock = account_clock(conn, account_id, app.clock, changing=True)
        _, retried = card_service.add_card_and_retry(
            app.db, app.gateway, clock, policy, account_id, token, default == "true"
        )
    except BillingError as e:
        return _refused(request, account_id, e)
    return _done("card-added-retried" if retried else "card-added")


@router.post("/cards/{card_id}/default")
def make_default(request: Request, card_id: str, account_id: str = Depends(session_account), csrf: str = Form(...)):
    """The card charged first (R19: then the other one)."""
    check_csrf(request, csrf)
    app = get_app(request)
    try:
        with app.db.transaction() as conn:
            card_service.make_default(conn, account_id, card_id)
    except BillingError as e:
        return _refused(request, account_id, e)
    return _done("card-default")


@router.post("/cards/{card_id}/remove")
def remove_card(request: Request, card_id: str, account_id: str = Depends(session_account), csrf: str = Form(...)):
    """R17: refused while it is the only card that can pay an unpaid invoice or a paid plan."""
    check_csrf(request, csrf)
    app = get_app(request)
    try:
        with app.db.read() as conn:
            clock = account_clock(conn, account_id, app.clock, changing=True)
        card_service.remove_and_detach(app.db, app.gateway, clock, account_id, card_id)
    except BillingError as e:
        return _refused(request, account_id, e)
    return _done("card-removed")
