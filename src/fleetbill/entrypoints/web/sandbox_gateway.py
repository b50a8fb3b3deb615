"""The sandbox gateway's own tokenization endpoint, as a card processor hosts it for browsers
(Stripe: `POST /v1/tokens` with a publishable key). The billing page's card form posts the card
here and sends fleetbill only the token it gets back (R17).

It stands for the gateway, not for fleetbill: it keeps nothing, logs nothing, and is mounted only
when the app's gateway is the sandbox. Sent with the card form's setup secret (as Stripe.js confirms a
SetupIntent), the token belongs to that form's customer alone. Its answers are Stripe-shaped JSON, not fleetbill's problems.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ...adapters.gateway.sandbox import tokenize
from ..api.context import get_app

router = APIRouter(prefix="/sandbox-gateway", include_in_schema=False)
TOKENS = "/sandbox-gateway/v1/tokens"


class CardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(max_length=32)
    exp_month: int
    exp_year: int
    cvc: str = Field(max_length=8)
    setup: str | None = Field(None, max_length=300)  # the card form's setup secret: the token is that customer's


def _refused(message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": "card_error", "code": "invalid_card", "message": message}}, status_code=400)


@router.post("/v1/tokens")
async def create_token(request: Request) -> JSONResponse:
    """A token for a test card; the number, checked here, is never kept nor repeated."""
    try:
        checked = CardIn.model_validate_json(await request.body())
    except ValueError:  # a pydantic error may quote what it was sent: say only what is expected
        return _refused("send the card number, expiry month and year, and security code (CVC)")
    card = (checked.number, checked.exp_month, checked.exp_year, checked.cvc)
    gateway = get_app(request).gateway
    try:
        # NOTE: R17 with the form's setup secret, the token belongs to that account's customer alone.
        token = gateway.tokenize_for_setup(checked.setup, *card) if checked.setup else tokenize(*card)
    except ValueError as e:
        return _refused(str(e))
    return JSONResponse({"id": token, "object": "token"})
