"""The payment gateway: its port, the embedded sandbox (the default) and Stripe."""

from __future__ import annotations

from typing import Any

from .port import (
    ATTACHED_ELSEWHERE,
    ATTACHED_ELSEWHERE_MESSAGE,
    Card,
    CardRejected,
    CardUpdated,
    ChargeOutcome,
    ChargeRequest,
    ChargeResult,
    GatewayError,
    InvalidWebhook,
    PaymentGateway,
    WebhookEvent,
)
from .sandbox import SandboxGateway

__all__ = [
    "ATTACHED_ELSEWHERE",
    "ATTACHED_ELSEWHERE_MESSAGE",
    "Card",
    "CardRejected",
    "CardUpdated",
    "ChargeOutcome",
    "ChargeRequest",
    "ChargeResult",
    "GatewayError",
    "InvalidWebhook",
    "PaymentGateway",
    "SandboxGateway",
    "StripeGateway",
    "WebhookEvent",
    "make_gateway",
]


def make_gateway(name: str = "sandbox", **settings: Any) -> PaymentGateway:
    """The gateway called `name` ("sandbox" or "stripe"), built from its settings."""
    if name == "sandbox":
        return SandboxGateway(**settings)
    if name == "stripe":
        from .stripe_gateway import StripeGateway

        return StripeGateway(**settings)
    raise ValueError(f"unknown payment gateway {name!r}: use 'sandbox' or 'stripe'")


def __getattr__(name: str) -> Any:
    # The Stripe SDK takes a while to import: load it only for those who use it.
    if name == "StripeGateway":
        from .stripe_gateway import StripeGateway

        return StripeGateway
    raise AttributeError(name)
