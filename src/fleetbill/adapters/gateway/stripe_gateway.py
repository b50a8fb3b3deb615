"""The Stripe gateway: customers, saved card PaymentMethods and off-session PaymentIntents through
the official SDK. Every call carries an idempotency key; no SDK exception leaves this module."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
import stripe

from .events import event_payload, webhook_event
from .port import (
    ATTACHED_ELSEWHERE,
    ATTACHED_ELSEWHERE_MESSAGE,
    Card,
    CardRejected,
    ChargeOutcome,
    ChargeRequest,
    ChargeResult,
    GatewayError,
    InvalidWebhook,
    RefundRequest,
    WebhookEvent,
)

SIGNATURE_HEADER = "stripe-signature"
WEBHOOK_TOLERANCE = stripe.Webhook.DEFAULT_TOLERANCE  # seconds a signature stays good (Stripe: 300)


class StripeGateway:
    """A PaymentGateway on Stripe (or on any server that speaks its API, such as localstripe)."""

    name = "stripe"

    def __init__(self, api_key: str, webhook_secret: str, api_base: str | None = None, timeout: float = 30.0) -> None:
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            # NOTE: R17. No retries inside the SDK: a lost answer must reach fleetbill as UNKNOWN, which
            # asks again later with the same idempotency key, where it is recorded and visible.
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def create_customer(self, account_id: str, email: str, idempotency_key: str) -> str:
        """A Stripe Customer for the account, tagged with its id."""
        try:
            customer = self._client.v1.customers.create(
                params={"email": email, "metadata": {"account_id": account_id}},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise _gateway_error(error) from error
        return customer.id

    def card_setup_secret(self, customer: str, idempotency_key: str) -> str:
        """A SetupIntent's client secret, for Stripe.js to save a card for this customer's later
        off-session charges (the billing page's card form): the number goes from the browser to Stripe."""
        try:
            intent = self._client.v1.setup_intents.create(
                params={"customer": customer, "payment_method_types": ["card"], "usage": "off_session"},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise _gateway_error(error) from error
        return intent.client_secret or ""

    def card_owner(self, token: str) -> str | None:
        """The Customer the PaymentMethod is attached to; None for an unattached or unknown one."""
        try:
            method = self._client.v1.payment_methods.retrieve(token)
        except stripe.InvalidRequestError:
            return None  # no such PaymentMethod: attaching it is refused with Stripe's own words
        except stripe.StripeError as error:
            raise _gateway_error(error) from error
        return _id(getattr(method, "customer", None))

    def attach_card(self, customer: str, token: str, idempotency_key: str) -> Card | CardRejected:
        """Attach a PaymentMethod made by Stripe.js to the customer; Stripe checks the card then.
        One that a SetupIntent of this customer already attached is taken as it is; one attached to
        another customer is refused here, as Stripe refuses it (localstripe would move it)."""
        try:
            method = self._client.v1.payment_methods.retrieve(token)
            owner = _id(getattr(method, "customer", None))
            if owner not in (None, customer):
                # NOTE: R17 a saved card is its customer's alone.
                return CardRejected(ATTACHED_ELSEWHERE, ATTACHED_ELSEWHERE_MESSAGE)
            if owner != customer:
                method = self._client.v1.payment_methods.attach(
                    token, params={"customer": customer}, options={"idempotency_key": idempotency_key}
                )
        except stripe.CardError as error:
            return CardRejected(_decline_code(error), _message(error))
        except stripe.InvalidRequestError as error:  # no such PaymentMethod, already someone else's...
            return CardRejected(_error_code(error), _message(error))
        except stripe.StripeError as error:
            raise _gateway_error(error) from error
        card = getattr(method, "card", None)
        if card is None:
            return CardRejected("payment_method_not_card", f"{token} is not a card.")
        # int(): localstripe keeps the expiry as the browser sent it, a string.
        return Card(method.id, card.brand, card.last4, int(card.exp_month), int(card.exp_year))

    def detach_card(self, token: str, idempotency_key: str) -> None:
        """Detach the PaymentMethod: Stripe can charge it no more."""
        try:
            self._client.v1.payment_methods.detach(token, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise _gateway_error(error) from error

    def charge(self, request: ChargeRequest) -> ChargeResult:
        """An off-session PaymentIntent, created and confirmed in one idempotent call."""
        params: dict[str, Any] = {
            "amount": request.amount,  # minor units; JPY has none, so this is yen
            "currency": request.currency.lower(),
            "customer": request.customer,
            "payment_method": request.card_token,
            # Naming the type keeps Stripe from offering redirect methods, which would need a return_url.
            "payment_method_types": ["card"],
            "confirm": True,
            "off_session": True,
            "metadata": dict(request.metadata),
        }
        try:
            intent = self._client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.CardError as error:
            return ChargeResult(
                ChargeOutcome.DECLINED, self._failed_intent_id(error), _decline_code(error), _message(error)
            )
        except stripe.APIConnectionError as error:
            return ChargeResult(ChargeOutcome.UNKNOWN, code=_connection_code(error), message=_message(error))
        except (stripe.InvalidRequestError, stripe.IdempotencyError) as error:
            # Refused before any money moved (no such card, bad amount, key reused for another charge):
            # this attempt is over; a new attempt needs a new key.
            return ChargeResult(ChargeOutcome.DECLINED, code=_error_code(error), message=_message(error))
        except stripe.StripeError as error:
            # Credentials, rate limit or Stripe's own error: not known to have failed, so it is asked again.
            return ChargeResult(ChargeOutcome.UNKNOWN, code=_error_code(error), message=_message(error))
        return self._result_of(intent)

    def refund(self, request: RefundRequest) -> ChargeResult:
        """A Refund of the PaymentIntent, in one idempotent call (Stripe Refunds)."""
        params: dict[str, Any] = {"payment_intent": request.payment_reference, "amount": request.amount}
        try:
            refund = self._client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.APIConnectionError as error:
            return ChargeResult(ChargeOutcome.UNKNOWN, code=_connection_code(error), message=_message(error))
        except (stripe.InvalidRequestError, stripe.IdempotencyError, stripe.CardError) as error:
            return ChargeResult(ChargeOutcome.DECLINED, code=_error_code(error), message=_message(error))
        except stripe.StripeError as error:
            return ChargeResult(ChargeOutcome.UNKNOWN, code=_error_code(error), message=_message(error))
        if refund.status in ("succeeded", "pending"):  # pending: accepted, the bank settles it later
            return ChargeResult(ChargeOutcome.SUCCEEDED, reference=refund.id)
        return ChargeResult(ChargeOutcome.DECLINED, refund.id, f"refund_{refund.status}", "The refund was refused.")

    def _result_of(self, intent: stripe.PaymentIntent) -> ChargeResult:
        if intent.status == "processing":
            # Cards settle at once but the API allows it: look once more rather than guess.
            refreshed = self._retrieve_intent(intent.id)
            intent = refreshed or intent
        status = intent.status
        if status == "succeeded":
            return ChargeResult(ChargeOutcome.SUCCEEDED, reference=intent.id)
        if status == "requires_action":
            return ChargeResult(
                ChargeOutcome.DECLINED, intent.id, "authentication_required", "The bank asks for the cardholder."
            )
        if status == "requires_payment_method":
            # Declined without an exception (Stripe raises CardError for these, but the state is legal).
            error = getattr(intent, "last_payment_error", None)
            code = _field(error, "decline_code") or _field(error, "code") or "card_declined"
            return ChargeResult(ChargeOutcome.DECLINED, intent.id, code, _field(error, "message"))
        return ChargeResult(ChargeOutcome.UNKNOWN, intent.id, f"status_{status}", f"The payment is {status}.")

    def _retrieve_intent(self, intent_id: str) -> stripe.PaymentIntent | None:
        try:
            return self._client.v1.payment_intents.retrieve(intent_id)
        except stripe.StripeError:
            return None

    def _failed_intent_id(self, error: stripe.CardError) -> str | None:
        """The declined PaymentIntent: Stripe puts it in the error; localstripe only names the charge."""
        details = error.error
        if details is None:
            return None
        intent = getattr(details, "payment_intent", None)
        if intent is not None:
            return intent if isinstance(intent, str) else intent.id
        charge_id = getattr(details, "charge", None)
        if not charge_id:
            return None
        try:
            intent_id = self._client.v1.charges.retrieve(charge_id).payment_intent
        except stripe.StripeError:
            return None  # the decline stands; only its reference is missing
        return intent_id if isinstance(intent_id, str) or intent_id is None else intent_id.id

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify the `Stripe-Signature` header and read the event, or raise InvalidWebhook."""
        signature = next((value for name, value in headers.items() if name.lower() == SIGNATURE_HEADER), None)
        try:
            stripe.WebhookSignature.verify_header(body, signature, self._webhook_secret, WEBHOOK_TOLERANCE)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise InvalidWebhook(f"the webhook's signature did not verify: {error}") from None
        # Not construct_event: its json.loads lets a RecursionError (a deeply nested body) out.
        return webhook_event(event_payload(body))


def _gateway_error(error: stripe.StripeError) -> GatewayError:
    if isinstance(error, stripe.APIConnectionError):
        return GatewayError(_connection_code(error), _message(error))
    return GatewayError(_error_code(error), _message(error))


def _decline_code(error: stripe.StripeError) -> str:
    """The most telling code: Stripe's decline_code (insufficient_funds...) unless it is generic."""
    details = error.error
    decline = _field(details, "decline_code")
    if decline and decline != "generic_decline":
        return decline
    return error.code or "card_declined"


def _connection_code(error: stripe.APIConnectionError) -> str:
    return "timeout" if isinstance(error.__cause__, requests.exceptions.Timeout) else "connection"


def _error_code(error: stripe.StripeError) -> str:
    if error.code:
        return error.code
    kinds = {
        stripe.AuthenticationError: "authentication_error",
        stripe.PermissionError: "permission_error",
        stripe.RateLimitError: "rate_limit",
        stripe.InvalidRequestError: "invalid_request",
        stripe.IdempotencyError: "idempotency_error",
    }
    return next((code for kind, code in kinds.items() if isinstance(error, kind)), "api_error")


def _id(obj: Any) -> str | None:
    """An expandable field's id, whether Stripe sent the id or the object."""
    return obj if isinstance(obj, str) or obj is None else obj.id


def _field(obj: Any, name: str) -> Any:
    # Stripe objects raise AttributeError for a field the server left out, and have no .get().
    return getattr(obj, name, None)


def _message(error: stripe.StripeError) -> str:
    return error.user_message or str(error)
