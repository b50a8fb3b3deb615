"""A credit note is sent to the customer (R15, issue 10 item 4): a consumer of its published
credit_note.issued event writes the email, in the account's language, and the sender attaches its
return invoice (適格返還請求書) as a PDF, read back with pdftotext. Received by a real SMTP server
(aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import shutil

import pytest

from fleetbill.adapters.gateway.sandbox import tokenize
from fleetbill.domain.account_settings import AccountChanges
from fleetbill.domain.credit_notes import CreditRequest, LineCredit, RefundMethod
from fleetbill.services.account_settings import update_account
from fleetbill.services.cards import add_card
from fleetbill.services.credit_notes import issue_credit_note
from fleetbill.services.refunds import Refunding
from fleetbill.services.run_due_jobs import run_due_jobs
from tests import factories as f
from tests.integration import test_notification_email as mail_server
from tests.integration.test_invoice_email import AFTER_JANUARY, invoice_of, parts, pdf_text, received

start_smtp, smtp = mail_server.start_smtp, mail_server.smtp  # the aiosmtpd fixtures

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        (
            "ja",
            "【返還請求書】{invoice} に対する {note}（110円）",
            ["適格返還請求書", "返還する消費税（10%）", "110円"],
        ),
        ("en", "Credit note {note} for {invoice}: 110 JPY returned", ["Qualified Return Invoice", "110 JPY"]),
    ],
)
def test_r15_r24_a_credit_note_is_emailed_in_the_accounts_language_with_its_return_invoice(
    app, clock, smtp, tmp_path, language, subject, words
):
    inbox, mailer = smtp
    f.device_type(app)
    f.plan(app, "basic")
    acme = f.account(app, "basic", name="Acme Drones", billing_email="billing@acme.example")
    with app.db.transaction() as conn:
        update_account(conn, clock.now(), acme, AccountChanges(language=language), "test")
    f.devices(app, acme, 3)
    add_card(app.db, app.gateway, clock, acme, tokenize("4242424242424242", 12, 2030, "123"))
    clock.set(AFTER_JANUARY)
    run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    invoice = invoice_of(app, acme)
    # when one device of three is credited on the paid invoice, the money back as points
    with app.db.transaction() as conn:
        note = issue_credit_note(
            conn,
            clock.now(),
            invoice.id,
            CreditRequest("billed by mistake", lines=(LineCredit(1, 1),)),
            Refunding(RefundMethod.POINTS),
            "test",
        )
    run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    # then the customer receives it, with its return invoice attached
    [(to, message)] = received(inbox, note["number"])
    assert to == ["billing@acme.example"]
    said = " ".join(str(message["Subject"]).split())  # a long subject is folded onto a second line
    assert said == "[fleetbill] " + subject.format(invoice=invoice.number, note=note["number"])
    plain, _, attachments = parts(message)
    assert note["number"] in plain and invoice.number in plain
    [pdf] = attachments
    assert pdf.get_filename() == f"{note['number']}.pdf"
    text = pdf_text(tmp_path, pdf.get_content())
    for word in [*words, note["number"], invoice.number]:
        assert word in text, (word, text)
