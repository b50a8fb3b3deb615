"""Credit notes from the console (R15): issued from an invoice's page through the same use case
as the API, shown there with their refunds and their return invoice, refused with the reason and
nothing written, and a form sent twice issues one."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from fleetbill.adapters.db import schema_credit_notes as cn
from tests.integration.test_console import close_january, form_fields, january_invoice


def test_r15_a_credit_note_issued_in_the_console_lowers_what_is_left_and_a_double_submit_issues_one(
    console, app, clock, books
):
    """Kyoto's January: 3 devices, 300 + 30 tax = 330, by transfer, nothing received. One device
    credited (100 + 10% = 110): 220 left; the same form sent twice issues one note."""
    close_january(console, clock)
    invoice = january_invoice(app, books["kyoto"])
    page = f"/console/invoices/{invoice.id}"
    action = f"{page}/credit-notes"
    hidden = form_fields(console.get(page).text, action)
    fields = hidden | {"line": "1", "quantity": "1", "reason": "one device billed by mistake"}
    first = console.post(action, data=fields, follow_redirects=False)
    second = console.post(action, data=fields, follow_redirects=False)
    assert first.status_code == 303 and second.status_code == 409
    shown = console.get(page).text
    assert 'id="left">220 JPY' in shown and 'id="credited">−110 JPY' in shown
    assert "one device billed by mistake" in shown and "−110 JPY" in shown
    with app.db.read() as conn:
        (note,) = conn.execute(select(cn.credit_notes).where(cn.credit_notes.c.invoice_id == invoice.id)).all()
    assert (note.subtotal, note.tax_total, note.total, note.actor) == (100, 10, 110, "staff:hana@example.jp")
    pdf = console.get(f"/console/credit-notes/{note.id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "適格返還請求書" in text and note.number in text and invoice.number in text


def test_r15_a_credit_note_the_console_cannot_issue_is_refused_with_its_reason(console, app, clock, books):
    close_january(console, clock)
    invoice = january_invoice(app, books["kyoto"])
    page = f"/console/invoices/{invoice.id}"
    action = f"{page}/credit-notes"
    hidden = form_fields(console.get(page).text, action)
    refused = console.post(action, data=hidden | {"line": "1", "quantity": "4", "reason": "too many"})
    assert refused.status_code == 422 and "has 3 of 3 left to credit, not 4" in refused.text
    assert 'value="too many"' in refused.text  # the form comes back as it was sent
    with app.db.read() as conn:
        assert conn.execute(select(cn.credit_notes)).all() == []
