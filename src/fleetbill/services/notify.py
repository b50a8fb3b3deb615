"""What the account is told by email, as one consumer of the published events (R22): each event
the account must hear about becomes a notification row, its subject in the account's language
(services/email_words); emailing it, with the invoice's PDF where its kind attaches one, is
send_notifications' job. No service writes a notification by hand.

R24: a finalized invoice is emailed (kind "invoice"; "purchase_invoice" for a plan's purchase),
unless its total is 0 and the operator has not asked for those (FLEETBILL_EMAIL_ZERO_INVOICES);
a card payment that settles an invoice sends a receipt (a transfer's own notice says it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.events import EventType
from ..domain.local_time import last_day_before, local_day
from .email_words import ATTACHES_INVOICE, amount, day, month_text, subject

Note = tuple[str, str, dict[str, Any]]  # (kind, subject, what the email lists)


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads the email: the account's zone (for dates) and language, and the operator's choice."""

    zone: str
    lang: str = "en"
    zero_invoices: bool = False  # email an invoice whose total is 0 too


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def _invoice_finalized(p: dict, r: Reader) -> list[Note]:
    invoice = p["invoice"]
    if invoice["total"] == 0 and not r.zero_invoices:
        return []  # nothing to pay and nothing paid: not emailed unless the operator asks
    kind = "invoice" if invoice.get("billing_month") else "purchase_invoice"
    cur = invoice["currency"]
    fields = dict(
        number=invoice["number"],
        month=month_text(invoice.get("billing_month"), r.lang),
        total=amount(invoice["total"], cur, r.lang),
    )
    body = {
        "invoice_id": invoice["id"],
        "invoice": invoice["number"],
        "billing_month": invoice.get("billing_month"),
        "currency": cur,
        "subtotal": invoice["subtotal"],
        "tax_total": invoice["tax_total"],
        "total": invoice["total"],
        "points_applied": invoice["points_applied"],
        "amount_due": invoice["amount_due"],
    }
    return [(kind, subject(kind, r.lang, **fields), body)]


def _invoice_paid(p: dict, r: Reader) -> list[Note]:
    if p.get("method") != "card":  # points at the close: the invoice said so; a transfer: its notice
        return []
    invoice = p["invoice"]
    # R15: what it asked once its credit notes were taken off (a payload from before them has none)
    paid = amount(invoice["amount_due"] - invoice.get("amount_credited", 0), invoice["currency"], r.lang)
    body = {"invoice_id": invoice["id"], "invoice": invoice["number"], "amount": paid}
    return [("receipt", subject("receipt", r.lang, number=invoice["number"], amount=paid), body)]


def _payment_received(p: dict, r: Reader) -> list[Note]:
    invoice, notes = p["invoice"], []
    number, currency = invoice["number"], invoice["currency"]
    if p["overpaid"] > 0:
        said = subject("overpaid", r.lang, number=number, amount=amount(p["overpaid"], currency, r.lang))
        notes.append(("overpaid", said, {"invoice": number, "amount": p["overpaid"]}))
    if p["method"] == "bank_transfer":
        said = subject("payment_received", r.lang, number=number, amount=amount(p["amount"], currency, r.lang))
        notes.append(("payment_received", said, {}))
    # A card payment that settles the invoice: invoice.paid sends the receipt.
    return notes


def _payment_failed(p: dict, r: Reader) -> list[Note]:
    number = p["invoice"]["number"]
    if p.get("paid_by_other_card"):
        card = p["card"]
        said = subject("card_declined", r.lang, brand=card["brand"], last4=card["last4"], number=number)
        return [("card_declined", said, {"card_id": card["id"], "invoice": number})]
    if p.get("extra"):  # one more try at once (a new card): nothing is scheduled by it
        return [("payment_failed", subject("payment_failed", r.lang, number=number), {"reason": p["reason"]})]
    next_try = _instant(p.get("next_try_at"))
    if next_try is None:  # the last try: the suspension (or the cancelled upgrade) says the rest
        return []
    on = day(local_day(next_try, r.zone), r.lang)
    body = {"reason": p["reason"], "next_try_at": next_try.isoformat()}
    return [("payment_failed", subject("payment_retry", r.lang, number=number, day=on), body)]


def _overdue(p: dict, r: Reader) -> list[Note]:
    number = p["invoice"]["number"]
    due_day = last_day_before(_instant(p["due_at"]), r.zone)  # due by the end of this day, the account's
    said = subject("bank_transfer_reminder", r.lang, number=number, day=day(due_day, r.lang))
    return [("bank_transfer_reminder", said, {"invoice": number})]


def _card_expiring(p: dict, r: Reader) -> list[Note]:
    card = p["card"]
    expiry = f"{card['exp_month']:02d}/{card['exp_year']}"
    if r.lang == "ja":
        expiry = f"{card['exp_year']}年{card['exp_month']}月"
    said = subject("card_expiring", r.lang, brand=card["brand"], last4=card["last4"], expiry=expiry)
    return [("card_expiring", said, {"card_id": card["id"]})]


def _plan_changed(p: dict, r: Reader) -> list[Note]:
    if p["status"] != "cancelled" or p.get("invoice") is None:
        return []
    number = p["invoice"]["number"]
    return [("upgrade_cancelled", subject("upgrade_cancelled", r.lang, number=number), {"invoice": number})]


def _price_change(p: dict, r: Reader) -> list[Note]:
    said = subject("price_change", r.lang, plan=p["plan"], month=month_text(p["effective_month"], r.lang))
    return [("price_change", said, p)]


def _suspended(p: dict, r: Reader) -> list[Note]:
    said = subject("suspended", r.lang, number=p["invoice"]["number"])
    return [("suspended", said, {"reason": p["reason"]})]


def _credit_note(p: dict, r: Reader) -> list[Note]:
    """R15: the customer is sent the credit note, its return invoice attached when it is sent."""
    invoice, currency = p["invoice"], p["invoice"]["currency"]
    total = amount(p["total"], currency, r.lang)
    body = {"credit_note_id": p["id"], "credit_note": p["number"], "invoice": invoice["number"], "returned": total}
    if p.get("points_back"):
        body["points_back"] = f"{p['points_back']:,}"
    if p.get("refund_due"):
        body["refund"] = amount(p["refund_due"], currency, r.lang)
    said = subject("credit_note", r.lang, number=p["number"], invoice=invoice["number"], total=total)
    return [("credit_note", said, body)]


def _budget(p: dict, r: Reader) -> list[Note]:
    """R20: the month's projected bill reached a threshold of the budget (told once a month)."""
    cur, month = p["currency"], month_text(p["billing_month"], r.lang)
    fields = dict(month=month, threshold=p["threshold"], projection=amount(p["projection"], cur, r.lang))
    body = {
        "billing_month": month,
        "projected_bill": fields["projection"],
        "budget": amount(p["budget"], cur, r.lang),
        "share_of_budget": f"{p['share']}%",
    }
    return [("budget_threshold", subject("budget_threshold", r.lang, **fields), body)]


CONSUMERS: dict[str, Callable[[dict, Reader], list[Note]]] = {
    EventType.BUDGET_THRESHOLD_REACHED: _budget,
    EventType.CREDIT_NOTE_ISSUED: _credit_note,
    EventType.INVOICE_FINALIZED: _invoice_finalized,
    EventType.INVOICE_PAID: _invoice_paid,
    EventType.PAYMENT_RECEIVED: _payment_received,
    EventType.INVOICE_PAYMENT_FAILED: _payment_failed,
    EventType.INVOICE_OVERDUE: _overdue,
    EventType.ACCOUNT_SUSPENDED: _suspended,
    EventType.ACCOUNT_REINSTATED: lambda p, r: [("reinstated", subject("reinstated", r.lang), {})],
    EventType.CARD_EXPIRING: _card_expiring,
    EventType.PLAN_CHANGED: _plan_changed,
    EventType.PRICE_VERSION_ANNOUNCED: _price_change,
}


def notifications_for(
    event_type: str, account_id: str | None, payload: dict, reader: Reader | str, occurred_at: datetime
) -> list[dict]:
    """The notification rows an event makes for its account (none for most), dated when it
    happened, written for `reader` (the account's zone and language; a zone alone: English)."""
    consume = CONSUMERS.get(event_type)
    if consume is None or account_id is None:
        return []
    reader = Reader(reader) if isinstance(reader, str) else reader
    rows = []
    for kind, said, body in consume(payload, reader):
        invoice_id = body.pop("invoice_id", None) if kind in ATTACHES_INVOICE or kind == "receipt" else None
        rows.append(
            dict(
                account_id=account_id,
                kind=kind,
                subject=said[:300],
                body=json.dumps(body, default=str, ensure_ascii=False),
                created_at=occurred_at,
                language=reader.lang,
                invoice_id=invoice_id,
            )
        )
    return rows
