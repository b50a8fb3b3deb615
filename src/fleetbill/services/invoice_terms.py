"""R18: how an invoice is to be paid, as its documents say it: by bank transfer, by when and where."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..adapters.db import payments_repo as pay
from ..adapters.db import schema_payments as p
from ..adapters.pdf.invoice_pdf import BankTransfer
from ..domain.lifecycle import InvoiceState
from ..domain.local_time import last_day_before
from ..domain.periods import BillingMonth
from .open_collections import bank_transfer_due


def bank_transfer_terms(conn: Connection, invoice: dict, timezone: str, bank_account: str) -> BankTransfer | None:
    """The due day (the account's) and the operator's bank account of an invoice paid by transfer:
    its collection's method and due date once opened, else the account's method and the due date
    it will get. None for a card invoice, a void one, or one with nothing left to pay at issue."""
    if invoice["status"] in (InvoiceState.VOID, InvoiceState.CREDITED) or invoice["amount_due"] <= 0:
        return None
    c = p.collections
    opened = conn.execute(select(c.c.method, c.c.due_at).where(c.c.invoice_id == invoice["id"])).first()
    method = opened.method if opened else pay.collection_method(conn, invoice["account_id"])
    if method != "bank_transfer":
        return None
    # NOTE: R18 due at the end of the month after the billing month, in the account's zone
    due_at = opened.due_at if opened and opened.due_at else None
    if due_at is None:
        month = BillingMonth.parse(invoice["billing_month"]).index if invoice["billing_month"] else None
        due_at = bank_transfer_due(invoice["issued_at"], month, timezone)
    return BankTransfer(last_day_before(due_at, timezone), bank_account)
