"""Email the notification outbox: price changes announced (R9), payments failed and received,
suspensions and reinstatements (R19), bank-transfer reminders (R18), cards expiring.

A run works in batches of `BATCH`: it claims a batch in one short transaction (claimed_at = now,
on PostgreSQL after SELECT ... FOR UPDATE SKIP LOCKED), sends it on one SMTP connection outside
any transaction, then records what became of each message in another short transaction. So the
SMTP exchange never holds a lock (on SQLite, a write transaction would block every other writer),
and two senders never send the same message: each skips what the other claimed in the last
`CLAIM_FOR`. A claim older than that is a sender that died, and its messages are taken again: a
crash between the server's acceptance and the record sends those again (at least once, never lost).

What became of each message:
- accepted: sent_at;
- refused for good (a 5xx answer about it, an address the server cannot take, a message that
  cannot be written): failed_at, attempts and last_error; never tried again, and the run goes on;
- not sent for now (the server is down, times out, or answers 4xx): attempts and last_error, the
  claim released, and the run stops, as the server is unwell; the next run tries again.

Messages about the account's money or service go first, announcements to a whole plan last; within
each, the oldest first. A run tries at most `limit` messages so that it ends; the worker's next
run takes the rest.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Select, bindparam, or_, select, update

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import views
from ..adapters.db.engine import Database
from ..adapters.db.views_credit_notes import credit_note_view
from ..adapters.mail import Mailer, MailError
from ..adapters.pdf.credit_note_pdf import render_credit_note_pdf
from ..adapters.pdf.invoice_pdf import FontMissing
from ..clock import Clock
from ..domain.errors import NotFound
from ..domain.notices import ATTACHES_CREDIT_NOTE
from .email_words import ATTACHES_INVOICE
from .emails import compose
from .invoice_delivery import invoice_emails

log = logging.getLogger("fleetbill.mail")

BATCH = 200  # a claim, and one SMTP connection
LIMIT = 10_000  # messages tried in one run
CLAIM_FOR = timedelta(minutes=10)  # after this a claim is a sender that died: taken again
# Sent after every other kind: announcements to every account on a plan, weeks ahead (R9).
LATER_KINDS = ("price_change",)


@dataclass
class MailReport:
    sent: int = 0
    refused: int = 0  # refused for good (failed_at): never tried again
    failed: str | None = None  # why the run stopped early; what is left waits for the next run


def send_notifications(
    db: Database,
    mailer: Mailer,
    clock: Clock,
    sender: str,
    limit: int = LIMIT,
    batch: int = BATCH,
    *,
    bank_account: str = "",
) -> MailReport:
    """Email what is unsent, in batches; never raises for one message's problem. `bank_account`:
    the operator's (FLEETBILL_BANK_ACCOUNT), which a bank-transfer invoice's email gives (R18)."""
    report = MailReport()
    try:
        EmailMessage()["From"] = sender
    except ValueError as e:  # every message would fail: a setting to fix, not the messages' fault
        report.failed = f"FLEETBILL_MAIL_FROM {sender!r} cannot be used: {e}"
        return report
    for urgent in (True, False):
        after = 0  # ids at or below were claimed, or skipped as another sender's, in this run
        while (room := limit - report.sent - report.refused) > 0:
            rows = _claim(db, clock.now(), urgent, after, min(batch, room))
            if not rows:
                break
            after = rows[-1].id
            if not _send_batch(db, mailer, clock, sender, rows, report, bank_account):
                return report
    return report


def claim_query(now: datetime, urgent: bool, after: int, size: int) -> Select:
    """The next `size` notifications to send, oldest first."""
    n, a = t.notifications, t.accounts
    kinds = n.c.kind.not_in(LATER_KINDS) if urgent else n.c.kind.in_(LATER_KINDS)
    return (
        select(
            n.c.id,
            n.c.account_id,
            n.c.kind,
            n.c.subject,
            n.c.body,
            n.c.language,
            n.c.invoice_id,
            a.c.name,
            a.c.billing_email,
            a.c.billing_emails,
            a.c.timezone,
        )
        .join(a, a.c.id == n.c.account_id)
        # The partial index ix_notifications_unsent's condition, as it is written, so that the
        # planner walks that index (the unsent ones) in id order, not the whole table.
        .where(n.c.sent_at.is_(None), n.c.failed_at.is_(None))
        .where(n.c.id > after, kinds, or_(n.c.claimed_at.is_(None), n.c.claimed_at <= now - CLAIM_FOR))
        .order_by(n.c.id)
        .limit(size)
    )


def _claim(db: Database, now: datetime, urgent: bool, after: int, size: int) -> list:
    n = t.notifications
    with db.transaction() as conn:
        q = claim_query(now, urgent, after, size)
        if conn.dialect.name == "postgresql":
            q = q.with_for_update(of=n, skip_locked=True)
        rows = conn.execute(q).all()
        if rows:
            conn.execute(update(n).where(n.c.id.in_([r.id for r in rows])).values(claimed_at=now))
    return rows


def _send_batch(
    db: Database, mailer: Mailer, clock: Clock, sender: str, rows: list, report: MailReport, bank_account: str = ""
) -> bool:
    """Send one claimed batch and record each outcome; False when the run must stop."""
    refused: list[tuple[int, str]] = []
    retry: list[tuple[int, str]] = []
    composed: list[tuple[int, EmailMessage]] = []
    documents, unwell = _invoice_documents(db, rows, bank_account)
    notes, unwell_notes = _credit_note_documents(db, rows)
    for row in rows:
        document = attachment = None
        if row.kind in ATTACHES_CREDIT_NOTE:
            attachment = notes.get((json.loads(row.body or "{}").get("credit_note_id"), row.language or "en"))
            if attachment is None:
                if unwell_notes:
                    retry.append((row.id, unwell_notes))
                else:
                    refused.append((row.id, "its credit note was not found"))
                continue
        if row.kind in ATTACHES_INVOICE:
            document = documents.get((row.invoice_id, row.language or "en"))
            if document is None:
                if unwell:  # the PDF cannot be made now (its font is missing): later, once it can
                    retry.append((row.id, unwell))
                else:
                    refused.append((row.id, f"invoice {row.invoice_id} was not found"))
                continue
        try:
            composed.append((row.id, compose(row, sender, document, attachment)))
        except (ValueError, TypeError, UnicodeError, LookupError) as e:
            refused.append((row.id, f"the email could not be written: {e}"))
    try:
        outcomes = mailer.send_many([message for _, message in composed]) if composed else []
    except Exception as e:  # a mailer that breaks its promise: the batch waits, nothing is lost
        log.exception("the mailer failed")
        outcomes = [MailError(f"the mailer failed: {e!r}")]
    sent: list[tuple[int, str]] = []
    for (nid, message), outcome in zip(composed, outcomes, strict=False):
        if outcome is None:
            sent.append((nid, json.dumps([str(a) for a in message["To"].addresses], ensure_ascii=False)))
        elif outcome.permanent:
            refused.append((nid, str(outcome)))
        else:
            retry.append((nid, str(outcome)))
    untried = [nid for nid, _ in composed[len(outcomes) :]]
    _record(db, clock.now(), sent, refused, retry, untried)
    for nid, why in refused:
        log.warning("notification %s refused for good, not tried again: %s", nid, why)
    report.sent += len(sent)
    report.refused += len(refused)
    if retry or untried:
        report.failed = retry[0][1] if retry else "the mailer stopped before the end of the batch"
        log.warning("emailing stopped; the rest waits for the next run: %s", report.failed)
        return False
    return True


def _invoice_documents(db: Database, rows: list, bank_account: str) -> tuple[dict, str | None]:
    """R24: the PDFs (and collection terms) of the batch's invoice emails, rendered now, in the
    sender, never in the close; and why none could be made, if so."""
    wanted = {(r.invoice_id, r.language or "en") for r in rows if r.kind in ATTACHES_INVOICE and r.invoice_id}
    if not wanted:
        return {}, None
    try:
        with db.read() as conn:
            return invoice_emails(conn, wanted, bank_account), None
    except FontMissing as e:
        return {}, str(e)


def _credit_note_documents(db: Database, rows: list) -> tuple[dict, str | None]:
    """R15: the return invoices (PDF, file name) of the batch's credit note emails, rendered now."""
    wanted = {
        (json.loads(r.body or "{}").get("credit_note_id"), r.language or "en")
        for r in rows
        if r.kind in ATTACHES_CREDIT_NOTE
    }
    if not wanted:
        return {}, None
    out = {}
    try:
        with db.read() as conn:
            for note_id, lang in wanted:
                try:
                    note = credit_note_view(conn, note_id)
                except NotFound:
                    continue
                invoice = views.invoice(conn, note["invoice_id"])
                zone = repo.get_account(conn, note["account_id"]).timezone
                pdf = render_credit_note_pdf(note, invoice, "ja" if lang == "ja" else "en", zone)
                out[(note_id, lang)] = (pdf, f"{note['number']}.pdf")
    except FontMissing as e:
        return {}, str(e)
    return out, None


def _record(
    db: Database,
    now: datetime,
    sent: list[tuple[int, str]],
    refused: list[tuple[int, str]],
    retry: list[tuple[int, str]],
    untried: list[int],
) -> None:
    n = t.notifications
    by_id = n.c.id == bindparam("nid")
    with db.transaction() as conn:
        if sent:
            # sent_at IS NULL: a sender whose claim ran out may have sent it too; the first stays.
            conn.execute(
                update(n)
                .where(by_id, n.c.sent_at.is_(None))
                .values(sent_at=now, attempts=n.c.attempts + 1, sent_to=bindparam("to")),
                [{"nid": nid, "to": to} for nid, to in sent],
            )
        if refused:
            conn.execute(
                update(n).where(by_id).values(failed_at=now, attempts=n.c.attempts + 1, last_error=bindparam("why")),
                [{"nid": nid, "why": why[:300]} for nid, why in refused],
            )
        if retry:
            conn.execute(
                update(n).where(by_id).values(claimed_at=None, attempts=n.c.attempts + 1, last_error=bindparam("why")),
                [{"nid": nid, "why": why[:300]} for nid, why in retry],
            )
        if untried:
            conn.execute(update(n).where(n.c.id.in_(untried)).values(claimed_at=None))
