"""Email the notification outbox: price changes announced (R9), payments failed and received,
suspensions and reinstatements (R19), bank-transfer reminders (R18), cards expiring.

Each notification is claimed, sent and marked sent in one transaction (on PostgreSQL with
FOR UPDATE SKIP LOCKED, so two workers never send the same one). If the SMTP server refuses or
is down, the notification stays unsent and the run stops; the next run tries again. A crash
between the server's acceptance and the commit would send that one message twice: email is
delivered at least once, never lost.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select, update

from ..adapters.db import schema as t
from ..adapters.db.engine import Database
from ..adapters.mail import Mailer, MailError
from ..clock import Clock

log = logging.getLogger("fleetbill.mail")


@dataclass
class MailReport:
    sent: int = 0
    failed: str | None = None  # why the run stopped early


def compose(row, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((row.name, row.billing_email))
    message["Subject"] = f"[fleetbill] {row.subject}"
    message["Message-ID"] = make_msgid(idstring=f"notification-{row.id}", domain="fleetbill")
    details = {k: v for k, v in json.loads(row.body or "{}").items() if v not in (None, "")}
    lines = [f"{row.name},", "", row.subject + "."]
    if details:
        lines += ["", *(f"  {key.replace('_', ' ')}: {value}" for key, value in details.items())]
    lines += [
        "",
        "Your billing page (open it from the developer's console) shows your usage, invoices,",
        "cards and points.",
        "",
        "fleetbill",
    ]
    message.set_content("\n".join(lines))
    return message


def send_notifications(db: Database, mailer: Mailer, clock: Clock, sender: str, limit: int = 1000) -> MailReport:
    report = MailReport()
    n, a = t.notifications, t.accounts
    for _ in range(limit):
        with db.transaction() as conn:
            q = (
                select(n.c.id, n.c.subject, n.c.body, a.c.name, a.c.billing_email)
                .join(a, a.c.id == n.c.account_id)
                .where(n.c.sent_at.is_(None))
                .order_by(n.c.id)
                .limit(1)
            )
            if conn.dialect.name == "postgresql":
                q = q.with_for_update(of=n, skip_locked=True)
            row = conn.execute(q).first()
            if row is None:
                break
            try:
                mailer.send(compose(row, sender))
            except MailError as e:
                log.warning("notification %s not sent: %s", row.id, e)
                report.failed = str(e)
                break
            conn.execute(update(n).where(n.c.id == row.id).values(sent_at=clock.now()))
            report.sent += 1
    return report
