"""The payment gateway port: what fleetbill asks of a card processor, in its own terms.

Adapters (Stripe, the sandbox) turn SDK calls and exceptions into these dataclasses; nothing
outside an adapter sees an SDK type or catches an SDK exception. Card numbers never cross this
port: the card's owner tokenizes the card with the gateway, and fleetbill sees only the token,
the brand, the last 4 digits and the expiry (R17).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable


# The refusal of a card that belongs to another customer, the same from every adapter (R17).
ATTACHED_ELSEWHERE = "payment_method_attached_to_another_customer"
ATTACHED_ELSEWHERE_MESSAGE = "This card belongs to another customer; it cannot be attached to this one."


class ChargeOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"  # the card was refused: retrying later, or another card, may work
    UNKNOWN = "unknown"  # no answer (timeout, connection lost): ask again with the same key


@dataclass(frozen=True, slots=True)
class Card:
    """A card as the gateway saved it for a customer: never the number."""

    token: str  # the gateway's id for the saved card (Stripe: a PaymentMethod id)
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True, slots=True)
class CardRejected:
    """The gateway refused to save the card (invalid, declined at attach...)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    customer: str  # the gateway's customer id
    card_token: str
    amount: int  # minor units
    currency: str
    idempotency_key: str  # the same key always means the same charge: never a second one
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """Money back to the card a charge took it from (R15: a credit note's refund)."""

    payment_reference: str  # the charge's reference (Stripe: its PaymentIntent)
    amount: int  # minor units, at most what is left of the charge
    currency: str
    idempotency_key: str  # the same key always means the same refund: never a second one


@dataclass(frozen=True, slots=True)
class ChargeResult:
    outcome: ChargeOutcome
    reference: str | None = None  # the gateway's id for the payment (Stripe: a PaymentIntent id)
    code: str | None = None  # why it was declined or unknown, e.g. "card_declined", "expired_card", "timeout"
    message: str | None = None


@dataclass(frozen=True, slots=True)
class CardUpdated:
    """The card networks' account updater changed a saved card (new expiry, new last 4)."""

    token: str
    last4: str
    exp_month: int
    exp_year: int
    brand: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified event from the gateway; `card_update` is set for account-updater events."""

    id: str
    type: str
    card_update: CardUpdated | None = None


class InvalidWebhook(Exception):
    """The body or its signature did not verify: the event is refused, nothing is done."""


class GatewayError(Exception):
    """The gateway gave no usable answer to a call other than a charge (no answer, credentials
    refused, request refused): nothing fleetbill can decide from, so it is raised, not returned."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code  # e.g. "timeout", "connection", "authentication_error", "resource_missing"
        self.message = message


@runtime_checkable
class PaymentGateway(Protocol):
    name: str

    def create_customer(self, account_id: str, email: str, idempotency_key: str) -> str:
        """A customer for the account at the gateway; returns its id, or raises GatewayError."""
        ...

    def card_owner(self, token: str) -> str | None:
        """The customer a tokenized card belongs to at the gateway (the one it is attached to, or
        whose card setup made it), or None when it belongs to none yet or is unknown (R17). Raises
        GatewayError when the gateway does not answer."""
        ...

    def attach_card(self, customer: str, token: str, idempotency_key: str) -> Card | CardRejected:
        """Save a tokenized card to the customer, for charges made without them present. A card that
        belongs to another customer is refused, as every refusal is: returned (CardRejected); no
        usable answer at all raises GatewayError."""
        ...

    def detach_card(self, token: str, idempotency_key: str) -> None:
        """Forget a saved card at the gateway, or raise GatewayError."""
        ...

    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Charge a saved card off-session. Sending the same idempotency key again never charges
        again: it answers with the first attempt's result (this is how an UNKNOWN is resolved)."""
        ...

    def refund(self, request: RefundRequest) -> ChargeResult:
        """Send money back to the card a charge used: SUCCEEDED with the refund's reference,
        DECLINED when refused (nothing moved), UNKNOWN without an answer (ask again, same key)."""
        ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify the signature and read the event, or raise InvalidWebhook."""
        ...
