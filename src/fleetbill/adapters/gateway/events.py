"""Reading a verified, Stripe-shaped event into the port's WebhookEvent (shared by both adapters)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .port import CardUpdated, InvalidWebhook, WebhookEvent

CARD_AUTOMATICALLY_UPDATED = "payment_method.automatically_updated"


def event_payload(body: bytes) -> dict[str, Any]:
    """The JSON object a webhook's verified body holds, or InvalidWebhook saying why it cannot be
    read: not UTF-8, not JSON, nested too deep for the parser, or not an object."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except RecursionError:  # a signed body of 100,000 nested arrays must be a refusal, not a crash
        raise InvalidWebhook("the webhook's body nests too deeply to be read; an event is a JSON object") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidWebhook(f"the webhook's body is not UTF-8 JSON ({str(error)[:200]})") from None
    if not isinstance(payload, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(payload), "a number")
        raise InvalidWebhook(f"the webhook's body is {kind}; an event is a JSON object")
    return payload


def webhook_event(payload: Any) -> WebhookEvent:
    """The event a verified body carries; a body without the expected fields is refused."""
    try:
        event_id, event_type = str(payload["id"]), str(payload["type"])
        card_update = None
        if event_type == CARD_AUTOMATICALLY_UPDATED:
            card_update = _card_update(payload["data"]["object"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidWebhook(f"the event lacks a field or has a wrong one: {str(error)[:200]!r}") from None
    return WebhookEvent(id=event_id, type=event_type, card_update=card_update)


def _card_update(payment_method: Mapping[str, Any]) -> CardUpdated:
    card = payment_method["card"]
    last4 = str(card["last4"])
    if len(last4) != 4 or not last4.isdigit():
        raise ValueError(f"last4 {last4!r}")
    return CardUpdated(
        token=str(payment_method["id"]),
        last4=last4,
        exp_month=int(card["exp_month"]),
        exp_year=int(card["exp_year"]),
        brand=card.get("brand"),
    )


def card_update_payload(event_id: str, created: int, token: str, card: Mapping[str, Any]) -> dict[str, Any]:
    """A `payment_method.automatically_updated` event as Stripe sends it (the fields fleetbill reads)."""
    return {
        "id": event_id,
        "object": "event",
        "created": created,
        "type": CARD_AUTOMATICALLY_UPDATED,
        "data": {"object": {"id": token, "object": "payment_method", "type": "card", "card": dict(card)}},
    }
