"""What an invoice's documents need besides the invoice (R14, R18, R24): the account's zone, the
recipient's postal address as it was at issue, a bank-transfer invoice's due day and the
operator's bank account, and for its email how it is collected (the card's brand and last 4, or
the transfer) and its PDF, rendered when the email is sent, never in the close."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db import views
from ..adapters.pdf.invoice_pdf import BankTransfer, render_invoice_pdf
from ..domain.local_time import local_day
from .account_settings import address_at
from .invoice_terms import bank_transfer_terms


def document_terms(conn: Connection, invoice: dict, bank_account: str) -> tuple[str, BankTransfer | None]:
    """The account's zone and, for an invoice paid by bank transfer, its due day and the
    operator's bank account (R18); the recipient's address at issue is set on `invoice` (R14)."""
    account = repo.get_account(conn, invoice["account_id"])
    invoice["recipient_address"] = address_at(conn, account.id, invoice["issued_at"])
    return account.timezone, bank_transfer_terms(conn, invoice, account.timezone, bank_account)


@dataclass(frozen=True, slots=True)
class InvoiceEmail:
    """What the email of one invoice says besides its amounts, and its PDF."""

    invoice: dict  # views.invoices' dict, with recipient_address
    timezone: str
    transfer: BankTransfer | None  # R18: paid by bank transfer: by when, where
    card: tuple[str, str] | None  # (brand, last 4) of the card charged, or to be
    card_paid: bool  # the card has paid it already
    charge_day: date | None  # the account's day of the next card try, if one is scheduled
    pdf: bytes
    filename: str


def invoice_emails(
    conn: Connection, wanted: Iterable[tuple[str, str]], bank_account: str
) -> dict[tuple[str, str], InvoiceEmail]:
    """(invoice id, language) -> its email's parts, the PDF rendered in that language. Raises
    pdf.FontMissing when the PDF font is missing (nothing can be sent before it is installed)."""
    wanted = set(wanted)
    ids = sorted({invoice_id for invoice_id, _ in wanted})
    if not ids:
        return {}
    invoices = {i["id"]: i for i in views.invoices(conn, t.invoices.c.id.in_(ids), limit=len(ids))}
    c = p.cards
    accounts = {i["account_id"] for i in invoices.values()}
    cards = conn.execute(
        select(c.c.id, c.c.account_id, c.c.brand, c.c.last4, c.c.is_default, c.c.removed_at).where(
            c.c.account_id.in_(accounts)
        )
    ).all()
    out = {}
    terms = {i: document_terms(conn, invoice, bank_account) for i, invoice in invoices.items()}
    for invoice_id, lang in wanted:
        invoice = invoices.get(invoice_id)
        if invoice is None:
            continue
        zone, transfer = terms[invoice_id]
        card, paid, charge_day = _card(invoice, [r for r in cards if r.account_id == invoice["account_id"]], zone)
        out[(invoice_id, lang)] = InvoiceEmail(
            invoice=invoice,
            timezone=zone,
            transfer=transfer,
            card=None if transfer is not None else card,
            card_paid=paid and transfer is None,
            charge_day=charge_day,
            pdf=render_invoice_pdf(invoice, lang, zone, transfer),
            filename=f"{invoice['number']}.pdf",
        )
    return out


def _card(invoice: dict, cards: list, zone: str) -> tuple[tuple[str, str] | None, bool, date | None]:
    """The card that paid the invoice, else the one it will be charged to (the default), and the
    day of its next try."""
    by_id = {r.id: r for r in cards}
    for attempt in invoice.get("attempts") or ():
        if attempt["outcome"] == "succeeded" and attempt["card_id"] in by_id:
            card = by_id[attempt["card_id"]]
            return (card.brand.title(), card.last4), True, None
    collection = invoice.get("collection") or {}
    next_try = collection.get("next_try_at")
    day = local_day(next_try, zone) if next_try else None
    default = next((r for r in cards if r.is_default and r.removed_at is None), None)
    return ((default.brand.title(), default.last4) if default else None), False, day
