"""Notifications emailed through a real SMTP server (aiosmtpd on 127.0.0.1): announced prices
reach every account on the plan with the new prices (R9), payments received and suspensions are
told (R18, R19); each is sent once, an SMTP server that is down loses nothing, one bad recipient
does not stop the others, sending holds no lock, and two senders never send the same message.

Catalog: esp32 at 100 JPY a device a month; accounts in Tokyo signed up 2026-01-05T03:00Z.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import OperationalError

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.mail import SmtpMailer
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.services import send_notifications as sending
from fleetbill.services.announce_price_change import announce_price_change
from fleetbill.services.bank_transfer import record_transfer, set_collection_method
from fleetbill.services.close_month import close_due_months
from fleetbill.services.events import publish_events
from fleetbill.services.run_due_jobs import run_due_jobs
from fleetbill.services.send_notifications import send_notifications
from tests import factories as f
from tests.conftest import on_postgres

SENDER = "fleetbill billing <billing@example.jp>"
FEB_1 = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)  # January has ended in Tokyo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """The SMTP server's side: what it received, on how many connections; it can refuse an
    address at RCPT or at DATA with the answer given, and run something while it holds a message."""

    def __init__(self) -> None:
        self.messages = []
        self.refuse: dict[str, tuple[str, str]] = {}  # address -> ("RCPT" or "DATA", answer)
        self.asked: list[str] = []  # every RCPT, accepted or not
        self.peers: set = set()  # one per connection
        self.while_receiving = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        self.asked.append(address)
        self.peers.add(session.peer)
        command, answer = self.refuse.get(address, ("", ""))
        if command == "RCPT":
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        for to in envelope.rcpt_tos:
            command, answer = self.refuse.get(to, ("", ""))
            if command == "DATA":
                return answer
        if self.while_receiving:
            self.while_receiving()
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self) -> list[str]:
        return sorted(to for (to,), _ in self.messages)

    def notification_ids(self) -> list[int]:
        return sorted(int(re.search(r"notification-(\d+)", m["Message-ID"])[1]) for _, m in self.messages)


@pytest.fixture
def start_smtp():
    controllers = []

    def start(**server) -> tuple[Inbox, SmtpMailer]:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **server)
        controller.start()
        controllers.append(controller)
        return inbox, SmtpMailer(f"smtp://127.0.0.1:{controller.port}", timeout=5)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp(start_smtp):
    return start_smtp()


@pytest.fixture
def plan_with_two_accounts(app):
    f.device_type(app)
    f.plan(app, "basic")
    return [
        f.account(app, "basic", name="Sakura Robotics", billing_email="billing@sakura.example.jp"),
        f.account(app, "basic", name="Kyoto Sensors", billing_email="ap@kyoto.example.jp"),
    ]


@pytest.fixture
def three_accounts(app):
    """Accounts a, b and c on "basic", billed at a@example.jp, b@example.jp and c@example.jp."""
    f.device_type(app)
    f.plan(app, "basic")
    return [f.account(app, "basic", name=n.upper(), billing_email=f"{n}@example.jp") for n in "abc"]


def told(app, account_id: str, kind: str = "payment_failed", subject: str = "Payment for FB-00000001 failed") -> int:
    """A notification waiting to be emailed, as the events' consumer (services/notify) writes one."""
    body = json.dumps({"reason": "card_declined"})
    row = dict(account_id=account_id, kind=kind, subject=subject, body=body, created_at=app.clock.now())
    with app.db.transaction() as conn:
        return conn.execute(insert(t.notifications).returning(t.notifications.c.id), row).scalar_one()


def announce(app, plan_id: str = "basic", fixed_fee: int = 0, prices=None) -> None:
    with app.db.transaction() as conn:
        announce_price_change(
            conn,
            app.clock.now(),
            plan_id,
            BillingMonth.parse("2026-04"),
            fixed_fee,
            prices or {"esp32": [Tier(None, 120)]},
            "test",
        )
    publish_events(app.db, app.clock.now())  # as the worker does: the emails follow the published events


def content(message) -> str:
    """The plain-text part (every email also has an HTML part saying the same)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def unsent(app) -> int:
    with app.db.read() as conn:
        return len(conn.execute(select(t.notifications.c.id).where(t.notifications.c.sent_at.is_(None))).all())


def states(app) -> dict[int, tuple]:
    """id -> (sent, failed for good, attempts, last_error, claimed)."""
    n = t.notifications
    with app.db.read() as conn:
        rows = conn.execute(select(n).order_by(n.c.id)).all()
    return {
        r.id: (r.sent_at is not None, r.failed_at is not None, r.attempts, r.last_error, r.claimed_at is not None)
        for r in rows
    }


# --- what is sent ---------------------------------------------------------------------------------


def test_r9_an_announced_price_change_is_emailed_to_every_account_on_the_plan_once(app, smtp, plan_with_two_accounts):
    inbox, mailer = smtp
    announce(app, fixed_fee=500, prices={"esp32": [Tier(3, 0), Tier(None, 120)]})
    # when the due jobs run with a mail server
    report = run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=mailer)
    # then each account got one email, to its billing address, saying from when and what it costs
    assert (report.mail.sent, report.mail.refused, report.mail.failed) == (2, 0, None)
    assert inbox.to() == ["ap@kyoto.example.jp", "billing@sakura.example.jp"]
    [message] = [m for (to,), m in inbox.messages if to == "billing@sakura.example.jp"]
    assert message["Subject"] == "[fleetbill] New prices for Basic from 2026-04"
    assert message["To"] == "Sakura Robotics <billing@sakura.example.jp>"
    body = content(message)
    assert "  plan: Basic\n  effective month: 2026-04\n  fixed fee: 500 JPY a month\n" in body
    assert "  prices:\n    esp32: first 3 free, then 120 JPY a device a month\n" in body
    assert "  tax: not included; added on the invoice\n" in body
    assert "price version" not in body and "plan id" not in body  # ids are for the code, not the customer
    # and a second run sends nothing again
    assert run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=mailer).mail.sent == 0
    assert len(inbox.messages) == 2 and unsent(app) == 0


def test_r9_the_price_change_notice_keeps_its_ids_and_says_each_device_types_tiers(app):
    f.device_type(app)
    f.device_type(app, "m5stack", "M5Stack")
    f.plan(app, "basic", {"esp32": [Tier(None, 100)], "m5stack": [Tier(None, 100)]})
    f.account(app, "basic")
    prices = {
        "m5stack": [Tier(1, 0), Tier(10, 200), Tier(None, 150)],
        "esp32": [Tier(None, 0)],
    }
    announce(app, fixed_fee=0, prices=prices)
    with app.db.read() as conn:
        [row] = conn.execute(select(t.notifications.c.kind, t.notifications.c.body)).all()
        pv = t.price_versions
        april = BillingMonth.parse("2026-04").index
        version = conn.execute(select(pv.c.id).where(pv.c.effective_month == april)).scalar_one()
    body = json.loads(row.body)
    assert row.kind == "price_change"
    assert (body["plan_id"], body["effective_month"], body["price_version_id"]) == ("basic", "2026-04", version)
    assert body["fixed_fee"] == "none"
    assert body["prices"] == [
        "esp32: free",
        "m5stack: first device free, 2 to 10 at 200 JPY, then 150 JPY a device a month",
    ]


def test_r18_a_bank_transfer_received_is_emailed_once_to_the_payer(app, clock, smtp):
    inbox, mailer = smtp
    account = invoiced_account(app, clock, name="Kyoto Sensors", billing_email="ap@kyoto.example.jp")
    f.account(app, "invoiced", name="Other", billing_email="other@example.jp")
    clock.set(FEB_1)
    close_due_months(app.db, clock, app.settings)
    with app.db.transaction() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == account)).one()
    assert invoice.amount_due == 330  # 3 x 100 + 10%
    publish_events(app.db, clock.now())  # the invoices' own emails (R24), sent and set aside
    send_notifications(app.db, mailer, clock, SENDER)
    inbox.messages.clear()
    # when the transfer arrives
    with app.db.transaction() as conn:
        record_transfer(conn, clock.now(), invoice.id, 330, "MUFG 0001", "staff:hana@example.jp")
    publish_events(app.db, clock.now())
    report = send_notifications(app.db, mailer, clock, SENDER)
    # then the payer is told, once, that it was received
    assert (report.sent, report.failed) == (1, None)
    [((to,), message)] = inbox.messages
    assert to == "ap@kyoto.example.jp"
    assert message["Subject"] == f"[fleetbill] Transfer of 330 JPY received for {invoice.number}"
    assert send_notifications(app.db, mailer, clock, SENDER).sent == 0 and len(inbox.messages) == 1


def test_r19_a_suspension_is_emailed_once_to_the_account(app, clock, smtp):
    inbox, mailer = smtp
    account = invoiced_account(app, clock, name="Kyoto Sensors", billing_email="ap@kyoto.example.jp")
    clock.set(FEB_1)
    run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    with app.db.read() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == account)).one()
    # when the transfer is still missing 14 days after the due date, the end of February in Tokyo
    clock.set(datetime(2026, 2, 28, 15, tzinfo=UTC) + timedelta(days=14))
    report = run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    # then the account is told it is suspended, once, at its billing address
    assert report.mail.failed is None
    suspended = [(to, m) for (to,), m in inbox.messages if "disabled" in m["Subject"]]
    assert [(to, m["Subject"]) for to, m in suspended] == [
        ("ap@kyoto.example.jp", f"[fleetbill] Features disabled: {invoice.number} is unpaid")
    ]
    assert "reason: bank transfer overdue since 2026-02-28" in content(suspended[0][1])
    clock.set(clock.now() + timedelta(days=2))
    run_due_jobs(app.db, clock, app.settings, app.gateway, mailer=mailer)
    assert len([m for _, m in inbox.messages if "disabled" in m["Subject"]]) == 1


def invoiced_account(app, clock, name: str, billing_email: str) -> str:
    """An account on "invoiced", which allows bank transfer, paying by transfer, with 3 esp32s."""
    f.device_type(app)
    f.plan(app, "invoiced", allow_bank_transfer=True)
    account = f.account(app, "invoiced", name=name, billing_email=billing_email)
    f.devices(app, account, 3)
    with app.db.transaction() as conn:
        set_collection_method(conn, clock.now(), account, "bank_transfer", "staff:hana@example.jp")
    return account


# --- failures: for good, or for now ---------------------------------------------------------------


def test_a_mail_server_that_is_down_loses_nothing_and_the_next_run_sends(app, smtp, plan_with_two_accounts):
    inbox, mailer = smtp
    announce(app)
    down = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    report = send_notifications(app.db, down, app.clock, SENDER)
    assert report.sent == 0 and "did not take the message" in report.failed
    assert unsent(app) == 2
    # the one tried counts a try and says why; none is claimed, nor failed for good
    first, second = states(app).values()
    assert first[:3] == (False, False, 1) and "did not take the message" in first[3] and not first[4]
    assert second == (False, False, 0, None, False)
    assert send_notifications(app.db, mailer, app.clock, SENDER).sent == 2
    assert unsent(app) == 0 and len(inbox.messages) == 2


@pytest.mark.parametrize(
    ("command", "answer"),
    [("RCPT", "550 5.1.1 mailbox does not exist"), ("DATA", "554 5.6.0 message refused")],
)
def test_a_recipient_refused_for_good_is_never_retried_and_the_others_are_sent(
    app, smtp, three_accounts, command, answer
):
    inbox, mailer = smtp
    a, b, c = three_accounts
    ids = [told(app, a), told(app, b), told(app, c)]
    inbox.refuse["a@example.jp"] = (command, answer)
    # when the oldest one's mailbox does not exist
    report = send_notifications(app.db, mailer, app.clock, SENDER)
    # then it fails for good, with the server's answer; the run goes on with the others
    assert (report.sent, report.refused, report.failed) == (2, 1, None)
    assert inbox.to() == ["b@example.jp", "c@example.jp"]
    refused = states(app)[ids[0]]
    assert refused[:3] == (False, True, 1) and answer in refused[3]
    # and it is not tried again
    assert send_notifications(app.db, mailer, app.clock, SENDER) == sending.MailReport()
    assert inbox.asked.count("a@example.jp") == 1 and len(inbox.messages) == 2


def test_a_4xx_answer_stops_the_run_and_the_next_run_sends_it(app, smtp, three_accounts):
    inbox, mailer = smtp
    a, b, c = three_accounts
    ids = [told(app, b), told(app, a), told(app, c)]
    inbox.refuse["a@example.jp"] = ("RCPT", "451 4.3.0 try again later")
    # when the second one gets "try again later"
    report = send_notifications(app.db, mailer, app.clock, SENDER)
    # then the run stops there: the first is sent, the second counts a try, the third waits
    assert (report.sent, report.refused) == (1, 0) and "451 4.3.0 try again later" in report.failed
    s = states(app)
    assert s[ids[0]][:3] == (True, False, 1)
    assert s[ids[1]][:3] == (False, False, 1) and "451" in s[ids[1]][3] and not s[ids[1]][4]
    assert s[ids[2]] == (False, False, 0, None, False)
    # and the next run, the server well again, sends both
    inbox.refuse.clear()
    assert send_notifications(app.db, mailer, app.clock, SENDER) == sending.MailReport(sent=2)
    assert inbox.to() == ["a@example.jp", "b@example.jp", "c@example.jp"]
    assert states(app)[ids[1]][:3] == (True, False, 2)


def test_a_name_with_a_line_break_is_written_on_one_line_and_injects_no_header(app, smtp, three_accounts):
    inbox, mailer = smtp
    a, b, c = three_accounts
    with app.db.transaction() as conn:  # sign-up allows line breaks and tabs in a name
        conn.execute(update(t.accounts).where(t.accounts.c.id == a).values(name="A\r\nBcc: everyone@example.jp\tLtd"))
    told(app, a)
    assert send_notifications(app.db, mailer, app.clock, SENDER) == sending.MailReport(sent=1)
    assert inbox.asked == ["a@example.jp"]
    [((to,), message)] = inbox.messages
    assert message["To"] == '"A Bcc: everyone@example.jp Ltd" <a@example.jp>' and message["Bcc"] is None
    assert content(message).startswith("A Bcc: everyone@example.jp Ltd,\n")


def test_a_notification_that_cannot_be_written_fails_for_good_and_the_others_are_sent(app, smtp, three_accounts):
    inbox, mailer = smtp
    a, b, c = three_accounts
    ids = [told(app, a), told(app, b), told(app, c)]
    with app.db.transaction() as conn:
        conn.execute(update(t.notifications).where(t.notifications.c.id == ids[0]).values(body="{not json"))
    report = send_notifications(app.db, mailer, app.clock, SENDER)
    assert (report.sent, report.refused, report.failed) == (2, 1, None)
    assert inbox.to() == ["b@example.jp", "c@example.jp"] and inbox.asked == ["b@example.jp", "c@example.jp"]
    refused = states(app)[ids[0]]
    assert refused[:3] == (False, True, 1) and "could not be written" in refused[3]
    assert send_notifications(app.db, mailer, app.clock, SENDER) == sending.MailReport()


def test_an_address_that_is_not_ascii_goes_by_smtputf8_when_the_server_offers_it(app, start_smtp, three_accounts):
    inbox, mailer = start_smtp(enable_SMTPUTF8=True)
    accounting = f.account(app, "basic", name="経理部", billing_email="経理@example.jp")
    told(app, accounting)
    told(app, three_accounts[0])
    assert send_notifications(app.db, mailer, app.clock, SENDER) == sending.MailReport(sent=2)
    assert inbox.to() == ["a@example.jp", "経理@example.jp"]
    [message] = [m for (to,), m in inbox.messages if to == "経理@example.jp"]
    assert message["To"] == "経理部 <経理@example.jp>"


def test_an_address_that_is_not_ascii_fails_for_good_when_the_server_cannot_take_it(app, start_smtp, three_accounts):
    inbox, mailer = start_smtp(enable_SMTPUTF8=False)
    accounting = f.account(app, "basic", name="経理部", billing_email="経理@example.jp")
    refused = told(app, accounting)
    told(app, three_accounts[0])
    assert send_notifications(app.db, mailer, app.clock, SENDER) == sending.MailReport(sent=1, refused=1)
    assert inbox.to() == ["a@example.jp"]
    state = states(app)[refused]
    assert state[:3] == (False, True, 1) and "SMTPUTF8" in state[3]


# --- claims, batches, order ---------------------------------------------------------------------


def test_no_lock_is_held_while_the_smtp_server_takes_a_message(app, smtp, three_accounts):
    inbox, mailer = smtp
    for account in three_accounts:
        told(app, account)
    writes = []
    inbox.while_receiving = lambda: writes.append(can_write_now(app))
    assert send_notifications(app.db, mailer, app.clock, SENDER).sent == 3
    assert writes == [True, True, True]


def can_write_now(app) -> bool:
    """Whether another connection can write the outbox at once (within half a second)."""
    if app.db.dialect == "sqlite":
        conn = sqlite3.connect(app.db.engine.url.database, timeout=0.5, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE notifications SET attempts = attempts")
            conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.close()
    with app.db.engine.connect() as conn:
        try:
            conn.execute(text("SET LOCAL lock_timeout = '500ms'"))
            conn.execute(text("UPDATE notifications SET attempts = attempts"))
            return True
        except OperationalError:
            return False
        finally:
            conn.rollback()


def test_a_claim_older_than_ten_minutes_is_a_sender_that_died_and_is_taken_again(app, clock, smtp, three_accounts):
    inbox, mailer = smtp
    nid = told(app, three_accounts[0])
    with app.db.transaction() as conn:
        conn.execute(update(t.notifications).values(claimed_at=clock.now() - timedelta(minutes=9)))
    # a claim of 9 minutes: another sender is at it
    assert send_notifications(app.db, mailer, clock, SENDER).sent == 0
    # past 10 minutes: it died, and the message is sent
    clock.set(clock.now() + timedelta(minutes=1, seconds=1))
    assert send_notifications(app.db, mailer, clock, SENDER).sent == 1
    assert inbox.notification_ids() == [nid]


def test_messages_go_in_batches_one_connection_each_up_to_the_runs_limit(app, smtp, three_accounts):
    inbox, mailer = smtp
    ids = [told(app, three_accounts[i % 3]) for i in range(25)]
    # when a run may send 22, 10 a batch
    report = send_notifications(app.db, mailer, app.clock, SENDER, limit=22, batch=10)
    # then 22 are sent on 3 connections, and the next run sends the rest
    assert report == sending.MailReport(sent=22)
    assert len(inbox.peers) == 3 and inbox.notification_ids() == ids[:22]
    assert send_notifications(app.db, mailer, app.clock, SENDER, batch=10).sent == 3
    assert inbox.notification_ids() == ids and len(inbox.peers) == 4
    assert sending.LIMIT >= 10_000 and sending.BATCH >= 100


def test_what_concerns_the_accounts_money_or_service_is_sent_before_announcements(app, smtp, three_accounts):
    inbox, mailer = smtp
    a, b, c = three_accounts
    announce(app)  # 3 price changes, the oldest
    urgent = [
        told(app, a, "payment_failed", "Payment for FB-00000001 failed"),
        told(app, b, "suspended", "Features disabled: FB-00000002 is unpaid"),
        told(app, c, "payment_received", "Payment received for FB-00000003"),
    ]
    assert send_notifications(app.db, mailer, app.clock, SENDER, limit=3).sent == 3
    assert inbox.notification_ids() == urgent
    assert send_notifications(app.db, mailer, app.clock, SENDER).sent == 3
    assert [m["Subject"] for _, m in inbox.messages][3:] == ["[fleetbill] New prices for Basic from 2026-04"] * 3


def test_the_claim_walks_the_index_of_unsent_notifications(app):
    query = sending.claim_query(app.clock.now(), urgent=False, after=0, size=200)
    with app.db.engine.connect() as conn:
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        if app.db.dialect == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: show the plan for a large one
            plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}"))
            conn.rollback()
    assert "ix_notifications_unsent" in plan, plan


@pytest.mark.skipif(not on_postgres(), reason="two senders at once is a PostgreSQL matter (SQLite has one writer)")
def test_two_senders_at_once_send_each_message_once(app, smtp, three_accounts):
    inbox, mailer = smtp
    ids = [told(app, three_accounts[i % 3]) for i in range(60)]
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        barrier.wait()
        try:
            reports.append(send_notifications(app.db, mailer, app.clock, SENDER, batch=7))
        except Exception as e:  # pragma: no cover - a failure shows in the assertion below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert sum(r.sent for r in reports) == 60
    assert inbox.notification_ids() == ids  # each once
    assert unsent(app) == 0


# --- without a server, and its settings -----------------------------------------------------------


def test_without_a_mail_server_configured_notifications_wait_in_the_outbox(app, plan_with_two_accounts):
    announce(app)
    assert run_due_jobs(app.db, app.clock, app.settings, app.gateway).mail is None
    assert unsent(app) == 2


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:1025", ("smtp", "127.0.0.1", 1025, None, None)),
        (
            "smtp+starttls://me%40example.jp:p%40ss@mail.example.jp",
            ("smtp+starttls", "mail.example.jp", 587, "me@example.jp", "p@ss"),
        ),
        ("smtps://u:p@mail.example.jp", ("smtps", "mail.example.jp", 465, "u", "p")),
    ],
)
def test_the_smtp_url_says_how_to_reach_the_server(url, expected):
    m = SmtpMailer(url)
    assert (m.scheme, m.host, m.port, m.username, m.password) == expected


@pytest.mark.parametrize("url", ["http://mail.example.jp", "smtp://", "mail.example.jp:25"])
def test_an_smtp_url_that_cannot_be_used_is_refused_at_start(url):
    with pytest.raises(ValueError, match="FLEETBILL_SMTP_URL"):
        SmtpMailer(url)
