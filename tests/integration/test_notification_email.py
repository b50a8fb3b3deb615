"""Notifications emailed through a real SMTP server (aiosmtpd on 127.0.0.1): announced prices
reach every account on the plan (R9), payments are confirmed (R18); each is sent once, and an
SMTP server that is down loses nothing.

Catalog: esp32 at 100 JPY a device a month; accounts in Tokyo signed up 2026-01-05T03:00Z.
"""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.mail import SmtpMailer
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.services.announce_price_change import announce_price_change
from fleetbill.services.run_due_jobs import run_due_jobs
from fleetbill.services.send_notifications import send_notifications
from tests import factories as f

SENDER = "fleetbill billing <billing@example.jp>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, SmtpMailer(f"smtp://127.0.0.1:{controller.port}")
    controller.stop()


@pytest.fixture
def plan_with_two_accounts(app):
    f.device_type(app)
    f.plan(app, "basic")
    return [
        f.account(app, "basic", name="Sakura Robotics", billing_email="billing@sakura.example.jp"),
        f.account(app, "basic", name="Kyoto Sensors", billing_email="ap@kyoto.example.jp"),
    ]


def unsent(app) -> int:
    with app.db.read() as conn:
        return len(conn.execute(select(t.notifications.c.id).where(t.notifications.c.sent_at.is_(None))).all())


def test_r9_an_announced_price_change_is_emailed_to_every_account_on_the_plan_once(app, smtp, plan_with_two_accounts):
    inbox, mailer = smtp
    with app.db.transaction() as conn:
        announce_price_change(
            conn, app.clock.now(), "basic", BillingMonth.parse("2026-04"), 0, {"esp32": [Tier(None, 120)]}, "test"
        )
    # when the due jobs run with a mail server
    report = run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=mailer)
    # then each account got one email, to its billing address, saying from when
    assert report.mail.sent == 2 and report.mail.failed is None
    assert sorted(to for (to,), _ in inbox.messages) == ["ap@kyoto.example.jp", "billing@sakura.example.jp"]
    _, message = inbox.messages[0]
    assert message["Subject"] == "[fleetbill] New prices for Basic from 2026-04"
    assert message["To"] == "Sakura Robotics <billing@sakura.example.jp>"
    body = message.get_content()
    assert "effective month: 2026-04" in body
    # and a second run sends nothing again
    assert run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=mailer).mail.sent == 0
    assert len(inbox.messages) == 2 and unsent(app) == 0


def test_a_mail_server_that_is_down_loses_nothing_and_the_next_run_sends(app, smtp, plan_with_two_accounts):
    inbox, mailer = smtp
    with app.db.transaction() as conn:
        announce_price_change(
            conn, app.clock.now(), "basic", BillingMonth.parse("2026-04"), 0, {"esp32": [Tier(None, 120)]}, "test"
        )
    down = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    report = send_notifications(app.db, down, app.clock, SENDER)
    assert report.sent == 0 and "did not take the message" in report.failed
    assert unsent(app) == 2
    assert send_notifications(app.db, mailer, app.clock, SENDER).sent == 2
    assert unsent(app) == 0 and len(inbox.messages) == 2


def test_without_a_mail_server_configured_notifications_wait_in_the_outbox(app, plan_with_two_accounts):
    with app.db.transaction() as conn:
        announce_price_change(
            conn, app.clock.now(), "basic", BillingMonth.parse("2026-04"), 0, {"esp32": [Tier(None, 120)]}, "test"
        )
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
