"""An invoice as a file to download (R14): the PDF (Japanese qualified invoice, or English) or
the CSV of its lines. Shared by the billing page, the console and the API."""

from __future__ import annotations

from fastapi import Response
from starlette.exceptions import HTTPException

from ..adapters.pdf.invoice_csv import render_invoice_csv
from ..adapters.pdf.invoice_pdf import render_invoice_pdf


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def invoice_file(invoice: dict, fmt: str, lang: str, timezone: str) -> Response:
    """`fmt` "pdf" (in `lang`, "ja" or "en", dates in the account's `timezone`) or "csv"."""
    if fmt == "pdf" and lang in ("ja", "en"):
        return attachment(render_invoice_pdf(invoice, lang, timezone), "application/pdf", f"{invoice['number']}.pdf")
    if fmt == "csv":
        return attachment(render_invoice_csv(invoice), "text/csv; charset=utf-8", f"{invoice['number']}.csv")
    raise HTTPException(404, "invoices are offered as .pdf (lang=ja or en) and .csv")
