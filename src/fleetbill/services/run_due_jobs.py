"""The jobs that fall due with time, in order: the close, collection, reminders and suspension,
card expiry warnings, point expiry, then the notifications they wrote are emailed. Each is
idempotent; several workers may run them at once. They run per timeline: the server's time for
the accounts on no test clock, a test clock's frozen time for its own (services/test_clocks)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from sqlalchemy.exc import OperationalError

from ..adapters.db.engine import Database
from ..adapters.db.partitions import ensure_month_partitions
from ..adapters.gateway.port import PaymentGateway
from ..adapters.mail import Mailer
from ..clock import Clock
from ..domain.dunning import RetryPolicy
from ..settings import Settings
from .bank_transfer import chase_bank_transfers
from .budgets import check_budgets
from .card_updates import warn_expiring_cards
from .close_month import CloseReport, CloseRunning, Progress, close_due_months
from .collect_invoice import CollectReport, collect_due
from .events import publish_events, purge_events
from .idempotency import purge_idempotency_records
from .points import expire_points
from .refunds import send_card_refunds
from .send_notifications import MailReport, send_notifications
from .timeline import SERVER, Timeline


@dataclass(frozen=True)
class DueJobsReport:
    close: CloseReport
    collect: CollectReport
    points_expired: int
    reminders: int = 0
    cards_warned: int = 0
    mail: MailReport | None = None  # None: no SMTP server is configured
    budgets_told: int = 0  # R20: budget thresholds newly reached, each told once a month


def run_due_jobs(
    db: Database,
    clock: Clock,
    settings: Settings,
    gateway: PaymentGateway,
    progress: Progress | None = None,
    mailer: Mailer | None = None,
) -> DueJobsReport:
    """The worker's run at the server's time: the jobs of every account on no test clock, then the
    housekeeping (purges), then what they had to say is published and emailed."""
    report = run_timeline_jobs(db, clock, settings, gateway, SERVER, progress)
    send_card_refunds(db, gateway, clock.now())  # R15: a refund left unanswered is asked again
    with db.transaction() as conn:
        now = clock.now()
        purge_idempotency_records(conn, now)
        purge_events(conn, now)
    try:
        with db.transaction() as conn:
            ensure_month_partitions(conn, clock.now())  # PostgreSQL: the history's months ahead (issue 11)
    except OperationalError:  # a lock not had in time: the next run makes them; publishing goes on
        logging.getLogger("fleetbill.worker").warning("month partitions not made this run", exc_info=True)
    # Last, so that what the steps above had to say is published and sent in the same run.
    publish_events(db, clock.now(), email_zero_invoices=settings.email_zero_invoices)
    mail = None
    if mailer:
        mail = send_notifications(db, mailer, clock, settings.mail_from, bank_account=settings.bank_account)
    return replace(report, mail=mail)


def run_timeline_jobs(
    db: Database,
    clock: Clock,
    settings: Settings,
    gateway: PaymentGateway,
    timeline: Timeline,
    progress: Progress | None = None,
) -> DueJobsReport:
    """The jobs due at `clock`'s instant for the timeline's accounts alone: those on no test clock
    (the worker), or those on one test clock (its advance, at its frozen time)."""
    # The close runs first so that points valid at a month's end pay for that month (R16) even
    # when the worker catches up after their expiry.
    try:
        close = close_due_months(db, clock, settings, progress, timeline=timeline)
    except CloseRunning:  # another worker is closing: it closes every month, collection goes on
        close = CloseReport(running_elsewhere=True)
    policy = RetryPolicy.parse(settings.retry_schedule)
    collect = collect_due(db, gateway, clock, policy, progress, timeline=timeline, settings=settings)
    with db.transaction() as conn:
        now = clock.now()
        reminders, _ = chase_bank_transfers(conn, now, settings.bank_transfer_grace_days, timeline)
        warned = warn_expiring_cards(conn, now, timeline)
        # NOTE: R16 points valid at a month's end pay for it: none expire while a month that
        # may use them is still open (another worker closing, or months left by the run's bound).
        months_open = close.running_elsewhere or close.months_remaining
        expired = 0 if months_open else expire_points(conn, now, timeline)
    with db.transaction() as conn:  # R20: after the close, so a new month is projected from its start
        budgets = check_budgets(conn, clock.now(), settings, timeline.accounts())
    return DueJobsReport(close, collect, expired, reminders, warned, budgets_told=budgets)
