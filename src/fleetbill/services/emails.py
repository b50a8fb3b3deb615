"""One notification as the email its account receives (R24): in the account's language, a plain
text part and an HTML part saying the same, to every billing contact, and for an invoice its PDF
attached. Its Message-ID is the notification's own, the same on every try, so a message sent
again after a crash (at least once) is seen by mail programs as the same message."""

from __future__ import annotations

import json
from email.headerregistry import Address
from email.message import EmailMessage
from html import escape

from ..domain.local_time import instant_in_text
from .email_words import WORDS, amount, day, label, month_text
from .invoice_delivery import InvoiceEmail


def message_id(row) -> str:
    """The notification's Message-ID: its number and its account's id (unique across installations)."""
    return f"<notification-{row.id}.{row.account_id}@fleetbill>"


def recipients(row) -> list[str]:
    """Every billing contact of the account, the first first."""
    return list(json.loads(row.billing_emails or "[]")) or [row.billing_email]


def compose(
    row, sender: str, document: InvoiceEmail | None = None, attachment: tuple[bytes, str] | None = None
) -> EmailMessage:
    """The email for one notification; ValueError (or UnicodeError) when it cannot be written.
    `document`: the invoice it is about, laid out and attached; `attachment`: (PDF, file name)."""
    lang = row.language if row.language in WORDS else "en"
    words = WORDS[lang]
    message = EmailMessage()
    message["From"] = sender
    # A name may hold a line break or a tab (sign-up allows them): one line here, so that it can
    # neither end the To: header nor inject another, and the email still goes.
    name = " ".join(row.name.split())
    # Address, not formataddr: it takes an address that is not ASCII (経理@example.jp), which
    # SMTPUTF8 carries, and refuses CR and LF in any part.
    message["To"] = [_address(name, email) for email in recipients(row)]
    message["Subject"] = f"[fleetbill] {row.subject}"
    message["Message-ID"] = message_id(row)
    body = json.loads(row.body or "{}")
    lead = row.subject if lang == "ja" else row.subject + "."
    if document is not None:
        lead = words["invoice_intro"].format(number=body["invoice"])
        rows, after = _invoice_block(body, document, lang)
    else:
        rows, after = _details(body, row.timezone, lang), []
    greeting = words["greeting"].format(name=name)
    message.set_content(_text(greeting, lead, rows, after, words["closing"]))
    message.add_alternative(_html(greeting, lead, rows, after, words["closing"], lang), subtype="html")
    if document is not None:
        message.add_attachment(document.pdf, maintype="application", subtype="pdf", filename=document.filename)
    if attachment is not None:
        message.add_attachment(attachment[0], maintype="application", subtype="pdf", filename=attachment[1])
    return message


def _address(name: str, email: str) -> Address:
    username, _, domain = email.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)


def _details(body: dict, zone: str, lang: str) -> list[tuple[str, str | list]]:
    """What the notification lists, labelled in `lang`; an instant on the account's clock, named."""
    out = []
    for key, value in body.items():
        if value in (None, "", []) or key.endswith("_id"):
            continue
        if isinstance(value, list):
            out.append((label(key, lang), [str(v) for v in value]))
            continue
        shown = instant_in_text(value, zone)
        out.append((label(key, lang), f"{shown} ({zone})" if shown else str(value)))
    return out


def _invoice_block(body: dict, doc: InvoiceEmail, lang: str) -> tuple[list, list[str]]:
    """R24: the amounts (as finalized), what points paid, and how and when the rest is collected."""
    w, cur = WORDS[lang], body["currency"]
    rows: list[tuple[str, str | list]] = []
    if body.get("billing_month"):
        rows.append((w["month"], month_text(body["billing_month"], lang)))
    rows += [
        (w["subtotal"], amount(body["subtotal"], cur, lang)),
        (w["tax"], amount(body["tax_total"], cur, lang)),
        (w["total"], amount(body["total"], cur, lang)),
    ]
    if body["points_applied"]:
        rows.append((w["points"], amount(body["points_applied"], cur, lang)))
    rows.append((w["due"], amount(body["amount_due"], cur, lang)))
    number = body["invoice"]
    if body["amount_due"] == 0:
        after = [w["nothing_due"]]
    elif doc.transfer is not None:
        due = day(doc.transfer.due_day, lang)
        if doc.transfer.bank_account:
            bank = ("    " + line for line in doc.transfer.bank_account.splitlines())
            after = [w["transfer"].format(day=due, number=number), *bank]
        else:
            after = [w["transfer_unknown"].format(day=due, number=number)]
    elif doc.card is None:
        after = [w["card_missing"]]
    else:
        brand, last4 = doc.card
        if doc.card_paid:
            after = [w["card_paid"].format(brand=brand, last4=last4)]
        elif doc.charge_day is not None:
            after = [w["card_on"].format(brand=brand, last4=last4, day=day(doc.charge_day, lang))]
        else:
            after = [w["card"].format(brand=brand, last4=last4)]
    return rows, [*after, "", w["attached"].format(file=doc.filename)]


def _text(greeting: str, lead: str, rows: list, after: list[str], closing: list[str]) -> str:
    lines = [greeting, "", lead]
    if rows:
        lines.append("")
        for key, value in rows:
            if isinstance(value, list):
                lines += [f"  {key}:", *(f"    {item}" for item in value)]
            else:
                lines.append(f"  {key}: {value}")
    if after:
        lines += ["", *after]
    return "\n".join([*lines, "", *closing])


def _html(greeting: str, lead: str, rows: list, after: list[str], closing: list[str], lang: str) -> str:
    cells = []
    for key, value in rows:
        shown = "<br>".join(escape(v) for v in value) if isinstance(value, list) else escape(value)
        cells.append(
            f'<tr><th style="text-align:left;padding:2px 16px 2px 0;font-weight:normal;color:#555">{escape(key)}</th>'
            f'<td style="text-align:right;padding:2px 0">{shown}</td></tr>'
        )
    paragraphs = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in _joined(after) if p.strip())
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head>'
        '<body style="font-family:sans-serif;font-size:14px;color:#222;max-width:600px">'
        f"<p>{escape(greeting)}</p><p><strong>{escape(lead)}</strong></p>"
        + (f'<table style="border-collapse:collapse">{"".join(cells)}</table>' if cells else "")
        + paragraphs
        + f'<p style="color:#555;font-size:12px">{"<br>".join(escape(c) for c in closing if c)}</p>'
        "</body></html>"
    )


def _joined(after: list[str]) -> list[str]:
    """Paragraphs: a line indented under another (a bank account's) joins it, on a line of its own."""
    out: list[str] = []
    for line in after:
        if line.startswith("    ") and out:
            out[-1] += "\n" + line.strip()
        else:
            out.append(line)
    return out
