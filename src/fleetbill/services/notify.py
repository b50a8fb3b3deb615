"""What the account is told by email, as one consumer of the published events (R22): each event
the account must hear about becomes a notification row; emailing it is send_notifications' job.
No service writes a notification by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.events import EventType
from ..domain.local_time import last_day_before, local_day

Note = tuple[str, str, dict[str, Any]]  # (kind, subject, what the email lists)


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def _payment_received(p: dict, zone: str) -> list[Note]:
    invoice, notes = p["invoice"], []
    number, currency = invoice["number"], invoice["currency"]
    if p["overpaid"] > 0:
        subject = f"{number} was paid {p['overpaid']:,} {currency} too much; it will be refunded"
        notes.append(("overpaid", subject, {"invoice": number, "amount": p["overpaid"]}))
    if p["method"] == "bank_transfer":
        notes.append(("payment_received", f"Transfer of {p['amount']:,} {currency} received for {number}", {}))
    elif p["paid"]:
        notes.append(("payment_received", f"Payment received for {number}", {"invoice": number, "amount": p["amount"]}))
    return notes


def _payment_failed(p: dict, zone: str) -> list[Note]:
    number = p["invoice"]["number"]
    if p.get("paid_by_other_card"):
        card = p["card"]
        subject = (
            f"Your {card['brand']} card ending {card['last4']} was declined; {number} was paid with your other card"
        )
        return [("card_declined", subject, {"card_id": card["id"], "invoice": number})]
    if p.get("extra"):  # one more try at once (a new card): nothing is scheduled by it
        return [("payment_failed", f"Payment for {number} failed", {"reason": p["reason"]})]
    next_try = _instant(p.get("next_try_at"))
    if next_try is None:  # the last try: the suspension (or the cancelled upgrade) says the rest
        return []
    day = local_day(next_try, zone).isoformat()
    body = {"reason": p["reason"], "next_try_at": next_try.isoformat()}
    return [("payment_failed", f"Payment for {number} failed; we retry on {day}", body)]


def _overdue(p: dict, zone: str) -> list[Note]:
    number = p["invoice"]["number"]
    due_day = last_day_before(_instant(p["due_at"]), zone)  # due by the end of this day, the account's
    return [("bank_transfer_reminder", f"{number} was due on {due_day}", {"invoice": number})]


def _card_expiring(p: dict, zone: str) -> list[Note]:
    card = p["card"]
    subject = (
        f"Your {card['brand']} card ending {card['last4']} expires at the end of "
        f"{card['exp_month']:02d}/{card['exp_year']}; add a new card"
    )
    return [("card_expiring", subject, {"card_id": card["id"]})]


def _plan_changed(p: dict, zone: str) -> list[Note]:
    if p["status"] != "cancelled" or p.get("invoice") is None:
        return []
    number = p["invoice"]["number"]
    subject = f"Your upgrade was cancelled: {number} could not be paid; your plan stays as it was"
    return [("upgrade_cancelled", subject, {"invoice": number})]


def _price_change(p: dict, zone: str) -> list[Note]:
    return [("price_change", f"New prices for {p['plan']} from {p['effective_month']}", p)]


CONSUMERS: dict[str, Callable[[dict, str], list[Note]]] = {
    EventType.PAYMENT_RECEIVED: _payment_received,
    EventType.INVOICE_PAYMENT_FAILED: _payment_failed,
    EventType.INVOICE_OVERDUE: _overdue,
    EventType.ACCOUNT_SUSPENDED: lambda p, zone: [
        ("suspended", f"Features disabled: {p['invoice']['number']} is unpaid", {"reason": p["reason"]})
    ],
    EventType.ACCOUNT_REINSTATED: lambda p, zone: [("reinstated", "Your plan's features are back on", {})],
    EventType.CARD_EXPIRING: _card_expiring,
    EventType.PLAN_CHANGED: _plan_changed,
    EventType.PRICE_VERSION_ANNOUNCED: _price_change,
}


def notifications_for(
    event_type: str, account_id: str | None, payload: dict, zone: str, occurred_at: datetime
) -> list[dict]:
    """The notification rows an event makes for its account (none for most), dated when it
    happened: dates in `zone`, the account's own."""
    consume = CONSUMERS.get(event_type)
    if consume is None or account_id is None:
        return []
    return [
        dict(
            account_id=account_id,
            kind=kind,
            subject=subject,
            body=json.dumps(body, default=str),
            created_at=occurred_at,
        )
        for kind, subject, body in consume(payload, zone)
    ]
