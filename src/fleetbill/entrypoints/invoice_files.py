"""An invoice as a file to download (R14): the PDF (Japanese qualified invoice, or English) or
the CSV of its lines. Shared by the billing page, the console and the API."""

from __future__ import annotations

from fastapi import Response
from sqlalchemy import Connection
from starlette.exceptions import HTTPException

from ..adapters.pdf.invoice_csv import render_invoice_csv
from ..adapters.pdf.invoice_pdf import BankTransfer, render_invoice_pdf
from ..services import invoice_delivery


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def document_terms(conn: Connection, invoice: dict, bank_account: str) -> tuple[str, BankTransfer | None]:
    """What an invoice's PDF needs besides the invoice: the account's zone, and for an invoice paid
    by bank transfer its due day and the operator's bank account (R18); the recipient's postal
    address as it was at issue is set on `invoice` (R14)."""
    return invoice_delivery.document_terms(conn, invoice, bank_account)


def invoice_file(invoice: dict, fmt: str, lang: str, timezone: str, transfer: BankTransfer | None = None) -> Response:
    """`fmt` "pdf" (in `lang`, "ja" or "en", dates in the account's `timezone`, with the `transfer`
    terms of a bank-transfer invoice) or "csv"."""
    if fmt == "pdf" and lang in ("ja", "en"):
        pdf = render_invoice_pdf(invoice, lang, timezone, transfer)
        return attachment(pdf, "application/pdf", f"{invoice['number']}.pdf")
    if fmt == "csv":
        return attachment(render_invoice_csv(invoice, timezone), "text/csv; charset=utf-8", f"{invoice['number']}.csv")
    raise HTTPException(404, "invoices are offered as .pdf (lang=ja or en) and .csv")
