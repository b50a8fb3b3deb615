"""One finalized invoice as a PDF: a Japanese qualified invoice (適格請求書, R14), in Japanese or English.

Why fpdf2 and not WeasyPrint: fpdf2 is pure Python (one wheel plus fontTools), needs no Pango,
Cairo or other system libraries, and draws the few boxes and rows an invoice has directly; the
only system file it needs is the font. WeasyPrint would give HTML and CSS templates, at the cost
of native libraries in every environment that renders invoices.

The font is Debian's `fonts-ipaexfont-gothic` (IPAexGothic), found by its path; set
FLEETBILL_PDF_FONT to use another TrueType/OpenType file with Japanese glyphs. It is registered
in the regular and the bold style (the same file): fpdf2 needs both for bold text.

R14 asks for: the issuer's name and registration number, the date, the lines, the amount and tax
per rate, the rate, and the recipient's name. All are here, with the number, the period, points
and the amount left to pay, and the note of an exempt or reverse-charge invoice. An invoice paid by
bank transfer (R18) also says its due date and the operator's bank account.

Every line is in the document's language (`domain.line_words`), every date is the account's day
(`domain.local_time`), and money is written as the pages write it: "1,900 JPY" in English, 1,900円
in Japanese.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from ...domain.line_words import line_description, peak_words
from ...domain.local_time import day_text, local_text
from ...domain.rating import TierCharge, describe_tier, tier_rows

DEFAULT_FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
FONT_ENV = "FLEETBILL_PDF_FONT"
FONT = "InvoiceFont"
JST = "Asia/Tokyo"
LANGS = ("ja", "en")


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class BankTransfer:
    """R18: what an invoice paid by bank transfer adds: the last day to pay, and where to pay."""

    due_day: date  # the account's calendar day
    bank_account: str  # the operator's (FLEETBILL_BANK_ACCOUNT), lines as written; empty: not set


def font_path() -> Path:
    """The font file: FLEETBILL_PDF_FONT, or IPAexGothic where Debian installs it."""
    path = Path(os.environ.get(FONT_ENV) or DEFAULT_FONT)
    if not path.is_file():
        raise FontMissing(
            f"the invoice PDF font {path} is missing: install it (apt-get install fonts-ipaexfont-gothic) "
            f"or set {FONT_ENV} to a TrueType/OpenType font file with Japanese glyphs"
        )
    return path


TEXT = {
    "ja": dict(
        title="適格請求書",
        number="請求書番号",
        issued="発行日",
        period="請求期間",
        honorific="{name} 御中",
        issuer="発行者",
        registration="登録番号",
        description="品目",
        quantity="数量",
        rate="税率",
        amount="金額（税抜）",
        subject="{rate}対象",
        tax="消費税（{rate}）",
        subtotal="小計（税抜）",
        tax_total="消費税合計",
        total="合計（税込）",
        points="ポイント充当",
        due="ご請求額",
        due_date="お支払期限",
        transfer_to="お振込先",
        transfer_unknown="お振込先は発行者にお問い合わせください。",
        transfer_reference="お振込の際は、ご依頼人名の前に請求書番号 {number} をご記入ください。",
    ),
    "en": dict(
        title="Invoice (Qualified Invoice)",
        number="Invoice number",
        issued="Issue date",
        period="Billing period",
        honorific="Bill to: {name}",
        issuer="Issuer",
        registration="Registration number",
        description="Description",
        quantity="Quantity",
        rate="Tax rate",
        amount="Amount (excl. tax)",
        subject="Subject to {rate}",
        tax="Consumption tax ({rate})",
        subtotal="Subtotal (excl. tax)",
        tax_total="Total tax",
        total="Total (incl. tax)",
        points="Points applied",
        due="Amount to pay",
        due_date="Payment due by",
        transfer_to="Pay by bank transfer to",
        transfer_unknown="Ask the issuer for the bank account to pay into.",
        transfer_reference="Quote the invoice number {number} with your transfer.",
    ),
}

# The notes the core writes in English (domain.tax.NO_TAX_NOTES), in Japanese.
NOTES_JA = {
    "Tax exempt: no consumption tax is charged.": "非課税：消費税は課されません。",
    "Reverse charge: the recipient accounts for the tax.": "リバースチャージ：消費税は受領者が申告・納付します。",
}


def money(amount: int, currency: str, lang: str) -> str:
    """Integers with thousands separators: 1,900円 in Japanese; in English, by the currency's
    code after the amount, "1,900 JPY", as the pages and emails write it (docs/decisions.md)."""
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if currency == "JPY" and lang == "ja":
        return f"{sign}{amount:,}円"
    return f"{sign}{amount:,} {currency}"


def percent(rate) -> str:
    return format((Decimal(str(rate)) * 100).normalize(), "f") + "%"


def _date(at: datetime, tz: str, lang: str) -> str:
    return local_text(at, tz, "day", lang)


def _period(start: datetime, end: datetime, tz: str, lang: str) -> str:
    last = end - timedelta(microseconds=1)  # the period's end is exclusive: show its last day
    sep = "〜" if lang == "ja" else " to "
    return f"{_date(start, tz, lang)}{sep}{_date(last, tz, lang)}"


class _Doc(FPDF):
    def __init__(self, font: Path):
        super().__init__(format="A4", unit="mm")
        self.add_font(FONT, "", str(font))
        self.add_font(FONT, "B", str(font))  # same file: fpdf2 needs a bold style registered
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=15)
        self.add_page()

    def text_row(self, cells: list[tuple[str, float, str]], size: float = 9.5, bold: bool = False, h: float = 6):
        self.set_font(FONT, "B" if bold else "", size)
        for text, width, align in cells:
            self.cell(width, h, text, align=align)
        self.ln(h)

    def rule(self, weight: float = 0.2, width: float | None = None):
        self.set_line_width(weight)
        y = self.get_y()
        self.line(self.l_margin, y, self.l_margin + width if width else self.w - self.r_margin, y)


def _transfer_block(doc: _Doc, transfer: BankTransfer, number: str, lang: str, width: float) -> None:
    """R18: where to pay a bank-transfer invoice, boxed, with the reference that matches the payment to it."""
    tx = TEXT[lang]
    doc.ln(6)
    doc.text_row([(tx["transfer_to"], width, "L")], size=10, bold=True)
    doc.set_font(FONT, "", 10)
    doc.set_draw_color(120, 120, 120)
    doc.multi_cell(width, 5.5, transfer.bank_account or tx["transfer_unknown"], border=1, padding=2)
    doc.set_draw_color(0, 0, 0)
    doc.ln(1)
    doc.set_font(FONT, "", 9)
    doc.multi_cell(width, 5, tx["transfer_reference"].format(number=number))


def render_invoice_pdf(
    invoice: dict, lang: str = "ja", timezone: str | None = None, transfer: BankTransfer | None = None
) -> bytes:
    """The PDF bytes of one finalized invoice (the dict of `views.invoice`).

    Dates are in `timezone` (the account's), or in Japan's time if it is not given. `transfer`:
    the invoice is paid by bank transfer, and says by when and where (R18)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    tx, cur = TEXT[lang], invoice["currency"]
    tz = timezone or JST
    m = lambda amount: money(amount, cur, lang)  # noqa: E731
    doc = _Doc(font_path())
    doc.set_title(f"{tx['title']} {invoice['number']}")
    doc.set_author(invoice["issuer_name"])
    width = doc.w - doc.l_margin - doc.r_margin

    doc.set_font(FONT, "B", 18)
    doc.cell(width, 12, tx["title"], align="C")
    doc.ln(16)

    # The recipient on the left, the invoice's number and dates on the right.
    top = doc.get_y()
    doc.set_font(FONT, "B", 13)
    doc.cell(100, 8, tx["honorific"].format(name=invoice["recipient_name"]))
    doc.ln(9)
    doc.rule(0.4, 95)
    # The recipient's postal address as it was when the invoice was issued (services/invoice_delivery).
    for line in (invoice.get("recipient_address") or "").splitlines():
        doc.set_font(FONT, "", 9)
        doc.cell(95, 5, line)
        doc.ln(5)
    left_bottom = doc.get_y()
    doc.set_y(top)
    for label, value in (
        (tx["number"], invoice["number"]),
        (tx["issued"], _date(invoice["issued_at"], tz, lang)),
        (tx["period"], _period(invoice["period_start"], invoice["period_end"], tz, lang)),
    ):
        doc.set_x(doc.l_margin + 100)
        doc.text_row([(label, 30, "L"), (value, width - 130, "R")], size=9)
    doc.ln(2)
    doc.set_x(doc.l_margin + 100)
    doc.text_row([(tx["issuer"], 30, "L"), (invoice["issuer_name"], width - 130, "R")], size=9, bold=True)
    doc.set_x(doc.l_margin + 100)
    doc.text_row([(tx["registration"], 30, "L"), (invoice["issuer_registration_number"], width - 130, "R")], size=9)
    doc.set_y(max(doc.get_y(), left_bottom))
    doc.ln(6)

    # The amount to pay, large, then the lines.
    doc.text_row([(tx["due"], 60, "L"), (m(invoice["amount_due"]), width - 60, "R")], size=14, bold=True, h=9)
    if transfer is not None:
        doc.text_row([(tx["due_date"], 60, "L"), (day_text(transfer.due_day, lang), width - 60, "R")], 11, True, h=7)
    doc.rule(0.4)
    doc.ln(4)
    cols = [width - 95, 25, 25, 45]
    doc.set_fill_color(235, 235, 235)
    doc.set_font(FONT, "B", 9)
    for text, w, align in zip((tx["description"], tx["quantity"], tx["rate"], tx["amount"]), cols, "LRRR", strict=True):
        doc.cell(w, 7, text, align=align, fill=True)
    doc.ln(7)
    for line in invoice["lines"]:
        doc.text_row(
            [
                (line_description(line["kind"], line["description"], lang), cols[0], "L"),
                (f"{line['quantity']:,}", cols[1], "R"),
                (percent(line["tax_rate"]), cols[2], "R"),
                (m(line["amount"]), cols[3], "R"),
            ]
        )
        if line.get("peak_at") is not None:  # R5 explained (issue 12): when the peak was first reached
            words = peak_words(line["quantity"], line["peak_at"], invoice["period_start"], tz, lang)
            doc.set_text_color(90, 90, 90)
            doc.text_row([("    " + words, cols[0] + cols[1] + cols[2], "L")], 8, h=5)
            doc.set_text_color(0, 0, 0)
        charges = [TierCharge(x["first"], x["last"] or x["first"], x["unit_price"], x["amount"]) for x in line["tiers"]]
        for tier in tier_rows(charges):  # the estimate on the billing page shows the same rows
            label = describe_tier(tier, lang, m(tier.unit_price))
            doc.set_text_color(90, 90, 90)
            doc.text_row([("    " + label, cols[0] + cols[1] + cols[2], "L"), (m(tier.amount), cols[3], "R")], 8, h=5)
            doc.set_text_color(0, 0, 0)
    doc.rule()
    doc.ln(2)

    # Amount and tax per rate (R14), then the totals.
    left, right = width - 60, 60
    rows = [(tx["subtotal"], m(invoice["subtotal"]), False)]
    for tax in invoice["taxes"]:
        rate = percent(tax["rate"])
        rows.append((tx["subject"].format(rate=rate), m(tax["taxable_amount"]), False))
        rows.append((tx["tax"].format(rate=rate), m(tax["tax"]), False))
    rows += [
        (tx["tax_total"], m(invoice["tax_total"]), False),
        (tx["total"], m(invoice["total"]), True),
        (tx["points"], m(-invoice["points_applied"]), False),
        (tx["due"], m(invoice["amount_due"]), True),
    ]
    for label, value, bold in rows:
        doc.set_x(doc.l_margin + left - 50)
        doc.text_row([(label, 50, "L"), (value, right, "R")], bold=bold)

    note = invoice.get("tax_note")
    if note:
        doc.ln(4)
        doc.set_font(FONT, "", 9)
        doc.multi_cell(width, 5, NOTES_JA.get(note, note) if lang == "ja" else note)
    if transfer is not None:
        _transfer_block(doc, transfer, invoice["number"], lang, width)
    return bytes(doc.output())
