"""One credit note as a PDF: a qualified return invoice (適格返還請求書, R14, R15), in Japanese or
English, drawn as the invoice is (invoice_pdf: same font, same money and dates).

Japan's qualified invoice system asks a return invoice for: the issuer's name and registration
number, the date of the return, the date of the original sale (here the invoice's issue date and
billing period), what was returned, the amount returned per tax rate (with or without tax), the
tax on it per rate, and the rates. All are here, with the credit note's own number, the invoice it
corrects, the reason, and what went back (points, or a refund and how)."""

from __future__ import annotations

from ...domain.line_words import line_description
from .invoice_pdf import FONT, JST, LANGS, _date, _Doc, _period, font_path, money, percent

TEXT = {
    "ja": dict(
        title="適格返還請求書（クレジットノート）",
        number="返還請求書番号",
        issued="返還日",
        invoice="対象の請求書",
        invoice_issued="請求書の発行日（取引日）",
        period="取引の期間",
        honorific="{name} 御中",
        issuer="発行者",
        registration="登録番号",
        reason="理由",
        description="品目",
        quantity="数量",
        rate="税率",
        amount="返還額（税抜）",
        adjustment="値引き",
        subject="{rate}対象の返還額",
        tax="返還する消費税（{rate}）",
        subtotal="返還額合計（税抜）",
        tax_total="返還する消費税合計",
        total="返還額合計（税込）",
        points_back="ポイントで返還",
        refund="返金",
        methods={"card": "カードへの返金", "points": "ポイントで返金", "bank_transfer": "銀行振込で返金"},
    ),
    "en": dict(
        title="Credit Note (Qualified Return Invoice)",
        number="Credit note number",
        issued="Date of return",
        invoice="Invoice corrected",
        invoice_issued="Invoice date (date of sale)",
        period="Period of the sale",
        honorific="To: {name}",
        issuer="Issuer",
        registration="Registration number",
        reason="Reason",
        description="Description",
        quantity="Quantity",
        rate="Tax rate",
        amount="Returned (excl. tax)",
        adjustment="Adjustment",
        subject="Returned subject to {rate}",
        tax="Consumption tax returned ({rate})",
        subtotal="Total returned (excl. tax)",
        tax_total="Total tax returned",
        total="Total returned (incl. tax)",
        points_back="Returned as points",
        refund="Refund",
        methods={"card": "Refund to card", "points": "Refund as points", "bank_transfer": "Refund by bank transfer"},
    ),
}


def render_credit_note_pdf(note: dict, invoice: dict, lang: str = "ja", timezone: str | None = None) -> bytes:
    """The PDF bytes of one credit note (services.credit_notes.credit_note_view) of `invoice`
    (views.invoice): dates in the account's zone (Japan's if not given)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    tx, tz = TEXT[lang], timezone or JST
    m = lambda amount: money(amount, note["currency"], lang)  # noqa: E731
    doc = _Doc(font_path())
    doc.set_title(f"{tx['title']} {note['number']}")
    doc.set_author(invoice["issuer_name"])
    width = doc.w - doc.l_margin - doc.r_margin

    doc.set_font(FONT, "B", 16)
    doc.cell(width, 12, tx["title"], align="C")
    doc.ln(16)
    top = doc.get_y()
    doc.set_font(FONT, "B", 13)
    doc.cell(95, 8, tx["honorific"].format(name=invoice["recipient_name"]))
    doc.ln(9)
    doc.rule(0.4, 90)
    doc.set_y(top)
    facts = [
        (tx["number"], note["number"], False),
        (tx["issued"], _date(note["issued_at"], tz, lang), False),
        (tx["invoice"], invoice["number"], False),
        (tx["invoice_issued"], _date(invoice["issued_at"], tz, lang), False),
        (tx["period"], _period(invoice["period_start"], invoice["period_end"], tz, lang), False),
        (tx["issuer"], invoice["issuer_name"], True),
        (tx["registration"], invoice["issuer_registration_number"], False),
    ]
    for label, value, bold in facts:
        doc.set_x(doc.l_margin + 95)
        doc.text_row([(label, 45, "L"), (value, width - 140, "R")], size=9, bold=bold)
    doc.ln(4)
    doc.text_row([(tx["total"], 70, "L"), (m(note["total"]), width - 70, "R")], size=14, bold=True, h=9)
    doc.set_font(FONT, "", 9)
    doc.multi_cell(width, 5, f"{tx['reason']}: {note['reason']}")
    doc.rule(0.4)
    doc.ln(4)

    cols = [width - 95, 25, 25, 45]
    doc.set_fill_color(235, 235, 235)
    doc.set_font(FONT, "B", 9)
    for text, w, align in zip((tx["description"], tx["quantity"], tx["rate"], tx["amount"]), cols, "LRRR", strict=True):
        doc.cell(w, 7, text, align=align, fill=True)
    doc.ln(7)
    kinds = {i: x["kind"] for i, x in enumerate(invoice["lines"], 1)}  # positions are 1, 2... (R14)
    for line in note["lines"]:
        position = line["invoice_line"]
        text = (
            tx["adjustment"]
            if position is None
            else line_description(kinds.get(position, ""), line["description"], lang)
        )
        doc.text_row(
            [
                (text, cols[0], "L"),
                (f"{line['quantity']:,}", cols[1], "R"),
                (percent(line["tax_rate"]), cols[2], "R"),
                (m(line["amount"]), cols[3], "R"),
            ]
        )
    doc.rule()
    doc.ln(2)

    rows = [(tx["subtotal"], m(note["subtotal"]), False)]
    for tax in note["taxes"]:
        rate = percent(tax["rate"])
        rows.append((tx["subject"].format(rate=rate), m(tax["taxable_amount"]), False))
        rows.append((tx["tax"].format(rate=rate), m(tax["tax"]), False))
    rows += [(tx["tax_total"], m(note["tax_total"]), False), (tx["total"], m(note["total"]), True)]
    if note["points_back"]:
        rows.append((tx["points_back"], m(note["points_back"]), False))
    for refund in note["refunds"]:
        rows.append((tx["methods"][refund["method"]], m(refund["amount"]), False))
    left, right = width - 60, 60
    for label, value, bold in rows:
        doc.set_x(doc.l_margin + left - 60)
        doc.text_row([(label, 60, "L"), (value, right, "R")], bold=bold)
    return bytes(doc.output())
