"""Invoices delivered (R24, issue 10 item 4): a finalized invoice is emailed, as a consumer of its
published invoice.finalized event, to every billing contact of the account, in its language, with
an HTML and a plain-text part and the invoice's PDF attached (read back with pdftotext); a card
payment sends a receipt; a zero invoice sends nothing unless the operator asks; delivery is at
least once, with the same Message-ID when a crash makes it send again. Received by a real SMTP
server (aiosmtpd on 127.0.0.1).

Catalog: esp32 at 100 JPY a device a month, JP tax 10%; accounts in Tokyo signed up
2026-01-05T03:00Z; January closes at 2026-01-31T15:00Z.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.gateway.sandbox import tokenize
from fleetbill.domain.account_settings import AccountChanges
from fleetbill.services import send_notifications as sending
from fleetbill.services.account_settings import update_account
from fleetbill.services.bank_transfer import set_collection_method
from fleetbill.services.cards import add_card
from fleetbill.services.events import publish_events
from fleetbill.services.points import grant_points
from fleetbill.services.run_due_jobs import run_due_jobs
from fleetbill.services.send_notifications import send_notifications
from tests import factories as f
from tests.integration import test_notification_email as mail_server

SENDER = mail_server.SENDER
start_smtp, smtp = mail_server.start_smtp, mail_server.smtp  # the aiosmtpd fixtures

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")

AFTER_JANUARY = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)  # 01:00 on Feb 1 in Tokyo
BANK = "MUFG Bank, Shibuya Branch (三菱UFJ銀行 渋谷支店)\nOrdinary 1234567\nfleetbill IoT Cloud K.K."


def pdf_text(tmp_path, data: bytes, name: str = "attached.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def parts(message) -> tuple[str, str, list]:
    """(plain text, HTML, attachments) of a received email."""
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    return plain, html, list(message.iter_attachments())


def received(inbox, kind_word: str) -> list:
    return [(to, m) for to, m in inbox.messages if kind_word in m["Subject"]]


def invoice_of(app, account_id: str):
    with app.db.read() as conn:
        return conn.execute(select(t.invoices).where(t.invoices.c.account_id == account_id)).one()


def test_r24_r14_r16_r17_an_invoice_is_emailed_in_english_to_every_contact_with_its_pdf(app, clock, smtp, tmp_path):
    inbox, mailer = smtp
    f.device_type(app)
    f.plan(app, "basic")
    acme = f.account(app, "basic", name="Acme Drones", billing_email="billing@acme.example")
    f.devices(app, acme, 3)  # 300 JPY + 10% = 330 JPY
    with app.db.transaction() as conn:
        grant_points(conn, clock.now(), acme, 100, "welcome", "test")
        update_account(
            conn,
            clock.now(),
            acme,
            AccountChanges(
                billing_emails=["billing@acme.example", "cfo@acme.example"],
                postal_address="1-2-3 Shibuya\nTokyo 150-0002",
            ),
            "test",
        )
    add_card(app.db, app.gateway, clock, acme, tokenize("4242424242424242", 12, 2030, "123"))
    # when January closes, the card is charged and the worker's run emails what it published
    clock.set(AFTER_JANUARY)
    report = run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    invoice = invoice_of(app, acme)
    assert (invoice.total, invoice.points_applied, invoice.amount_due) == (330, 100, 230)
    # then both contacts get one email, in English, about the invoice, and one receipt
    assert report.mail.failed is None
    [(to, message)] = received(inbox, "Invoice")
    assert sorted(to) == ["billing@acme.example", "cfo@acme.example"]
    assert message["Subject"] == f"[fleetbill] Invoice {invoice.number} for 2026-01: 330 JPY"
    assert message["To"] == "Acme Drones <billing@acme.example>, Acme Drones <cfo@acme.example>"
    plain, html, attachments = parts(message)
    for line in (
        "  Billing month: 2026-01",
        "  Subtotal (tax excluded): 300 JPY",
        "  Consumption tax: 30 JPY",
        "  Total (tax included): 330 JPY",
        "  Paid with credit points: 100 JPY",  # R16
        "  Amount to pay: 230 JPY",
        "It was paid with your Visa card ending 4242.",  # R17: collected in the same run
        f"The invoice is attached as a PDF ({invoice.number}.pdf).",
    ):
        assert line in plain
    assert "230 JPY" in html and "Visa card ending 4242" in html and html.startswith("<!doctype html>")
    # and the PDF is the invoice, with its address as it was at issue (R14)
    [pdf] = attachments
    assert (pdf.get_content_type(), pdf.get_filename()) == ("application/pdf", f"{invoice.number}.pdf")
    text = pdf_text(tmp_path, pdf.get_content())
    assert invoice.number in text and "1-2-3 Shibuya" in text and "Tokyo 150-0002" in text
    assert "230 JPY" in text and "Acme Drones" in text
    [(_, receipt)] = received(inbox, "Receipt")
    assert receipt["Subject"] == f"[fleetbill] Receipt: 230 JPY paid for {invoice.number}"
    assert not list(receipt.iter_attachments())
    # and the console's list says what went to whom (R24)
    with app.db.read() as conn:
        n = t.notifications
        rows = conn.execute(select(n.c.kind, n.c.language, n.c.invoice_id, n.c.sent_to).order_by(n.c.id)).all()
    assert [(r.kind, r.language, r.invoice_id) for r in rows] == [
        ("invoice", "en", invoice.id),
        ("receipt", "en", invoice.id),
    ]
    assert rows[0].sent_to == '["Acme Drones <billing@acme.example>", "Acme Drones <cfo@acme.example>"]'


def test_r24_r18_a_bank_transfer_invoice_is_emailed_in_japanese_with_its_due_date_and_bank_account(
    app, clock, smtp, tmp_path
):
    inbox, mailer = smtp
    settings = replace(app.settings, bank_account=BANK)
    f.device_type(app)
    f.plan(app, "invoiced", allow_bank_transfer=True)
    sakura = f.account(
        app, "invoiced", name="さくらロボティクス株式会社", billing_email="keiri@sakura.example.jp", language="ja"
    )
    f.devices(app, sakura, 3)
    with app.db.transaction() as conn:
        set_collection_method(conn, clock.now(), sakura, "bank_transfer", "staff:hana@example.jp")
        update_account(conn, clock.now(), sakura, AccountChanges(postal_address="東京都渋谷区神南1-2-3"), "test")
    clock.set(AFTER_JANUARY)
    run_due_jobs(app.db, clock, settings, app.gateway, mailer=mailer)
    invoice = invoice_of(app, sakura)
    [(to, message)] = inbox.messages
    assert to == ["keiri@sakura.example.jp"]
    assert message["Subject"] == f"[fleetbill] 【請求書】2026年1月分 {invoice.number}（330円）"
    plain, html, [pdf] = parts(message)
    assert plain.startswith("さくらロボティクス株式会社 御中\n")
    for line in (
        "  請求月: 2026年1月",
        "  合計（税込）: 330円",
        "  ご請求額: 330円",
        # R18: due at the end of February in Tokyo, to the operator's account
        f"2026年2月28日までに、下記の口座へお振込みください（振込名義に {invoice.number} を添えてください）。",
        "    MUFG Bank, Shibuya Branch (三菱UFJ銀行 渋谷支店)",
        "    Ordinary 1234567",
        f"請求書を PDF で添付しています（{invoice.number}.pdf）。",
    ):
        assert line in plain
    assert "(三菱UFJ銀行 渋谷支店)<br>Ordinary 1234567" in html and 'lang="ja"' in html
    text = pdf_text(tmp_path, pdf.get_content())
    assert "適格請求書" in text and "東京都渋谷区神南1-2-3" in text and "330円" in text
    assert "2026年2月28日" in text and "Ordinary 1234567" in text


def test_r24_a_zero_invoice_is_not_emailed_unless_the_operator_turns_it_on(app, clock, smtp):
    inbox, mailer = smtp
    f.device_type(app)
    f.plan(app, "basic")
    quiet = f.account(app, "basic", name="Quiet", billing_email="quiet@example.jp")  # no device: 0 JPY
    clock.set(AFTER_JANUARY)
    # when January closes with the default settings
    run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    assert invoice_of(app, quiet).total == 0
    # then nothing is written or sent
    assert inbox.messages == []
    with app.db.read() as conn:
        assert conn.execute(select(t.notifications.c.id)).all() == []
    # when the operator turns it on (FLEETBILL_EMAIL_ZERO_INVOICES=true), the next month's is sent
    clock.set(datetime(2026, 2, 28, 16, tzinfo=UTC))
    run_due_jobs(app.db, clock, replace(app.settings, email_zero_invoices=True), app.gateway, mailer=mailer)
    [(_, message)] = inbox.messages
    assert "for 2026-02: 0 JPY" in message["Subject"]
    assert "Nothing is left to pay" in parts(message)[0]


def test_r24_a_crash_between_sending_and_recording_sends_again_with_the_same_message_id(app, clock, smtp, monkeypatch):
    inbox, mailer = smtp
    f.device_type(app)
    f.plan(app, "basic")
    acme = f.account(app, "basic", name="Acme", billing_email="billing@acme.example")
    f.devices(app, acme, 1)
    clock.set(AFTER_JANUARY)
    run_due_jobs(app.db, clock, app.settings, app.gateway)  # no mail server yet: the emails wait
    publish_events(app.db, clock.now())
    # when the sender dies after the server took the invoice's email, before it recorded that
    record = sending._record

    def crash(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(sending, "_record", crash)
    with pytest.raises(SystemExit):
        send_notifications(app.db, mailer, clock, SENDER, batch=1)
    monkeypatch.setattr(sending, "_record", record)
    [(_, first)] = inbox.messages
    assert "Invoice" in first["Subject"]
    # then the claim holds it for 10 minutes, and the next run after that sends it again (at least once)
    send_notifications(app.db, mailer, clock, SENDER)  # the others go; this one is still claimed
    assert [m["Subject"] for _, m in inbox.messages].count(first["Subject"]) == 1
    clock.set(clock.now() + timedelta(minutes=11))
    send_notifications(app.db, mailer, clock, SENDER)
    [again] = [m for _, m in inbox.messages[1:] if m["Subject"] == first["Subject"]]
    assert first["Message-ID"] == again["Message-ID"] == message_id_of(app, first)
    assert len(list(again.iter_attachments())) == 1
    # and once recorded, it is not sent a third time
    clock.set(clock.now() + timedelta(minutes=11))
    assert send_notifications(app.db, mailer, clock, SENDER).sent == 0


def message_id_of(app, message) -> str:
    """The Message-ID the notification of `message` has: its number and its account's id."""
    n = t.notifications
    with app.db.read() as conn:
        row = conn.execute(select(n.c.id, n.c.account_id).where(n.c.kind == "invoice")).one()
    return f"<notification-{row.id}.{row.account_id}@fleetbill>"


def test_r24_r19_the_payment_failure_email_is_in_the_accounts_language(app, clock, smtp):
    inbox, mailer = smtp
    f.device_type(app)
    f.plan(app, "basic")
    sakura = f.account(app, "basic", name="さくら", billing_email="keiri@sakura.example.jp", language="ja")
    f.devices(app, sakura, 1)
    add_card(app.db, app.gateway, clock, sakura, tokenize("4000000000000341", 12, 2030, "123"))  # declines
    clock.set(AFTER_JANUARY)
    run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    invoice = invoice_of(app, sakura)
    subjects = [m["Subject"] for _, m in inbox.messages]
    assert f"[fleetbill] {invoice.number} のお支払いができませんでした。2026年2月4日に再度お手続きします" in subjects
    [failed] = [m for _, m in inbox.messages if "再度" in m["Subject"]]
    assert "  理由: " in parts(failed)[0] and "  次回のお手続き: 2026-02-04 01:00 (Asia/Tokyo)" in parts(failed)[0]
    # the invoice's own email says when the card is tried again
    [(_, mail)] = received(inbox, "請求書")
    assert "2026年2月4日に、ご登録の Visa カード（末尾 0341）に請求します。" in parts(mail)[0]
