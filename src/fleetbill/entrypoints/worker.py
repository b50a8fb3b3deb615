"""The worker: runs the due jobs on every interval boundary, and between them publishes the
recorded events and delivers webhooks every few seconds (R22: a platform cannot wait an hour to
learn an account was suspended). Everything it runs is idempotent, so many workers may run."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from ..bootstrap import App
from ..services.budgets import check_recent_budgets
from ..services.deliver_webhooks import DeliveryReport, deliver_webhooks, sender_for
from ..services.events import publish_events
from ..services.run_due_jobs import run_due_jobs

log = logging.getLogger("fleetbill.worker")
# R20: each look at the budgets goes back this much before the last one, for switches that
# committed a little after their instant; a threshold already told is not told again.
BUDGET_OVERLAP = timedelta(minutes=1)


def run_worker(app: App, *, once: bool = False, interval: int = 3600, tick: float | None = None) -> None:
    """The due jobs now and then just past each multiple of `interval` seconds; events and
    webhooks every `tick` seconds (FLEETBILL_WEBHOOK_INTERVAL, 5 by default) in between."""
    tick = tick or app.settings.webhook_interval
    sender = sender_for(app.settings)
    due_at = time.time()  # the first run is at once
    budgets_since = app.clock.now()  # the due jobs' run checks every budget; the ticks what changed since
    while True:
        if time.time() >= due_at:
            _run_due_jobs(app, once)
            now = time.time()
            due_at = now - now % interval + interval + 5  # a few seconds past the next boundary
        budgets_since = _check_budgets(app, budgets_since, once)
        _publish_and_deliver(app, sender, once)
        if once:
            return
        time.sleep(tick)


def _run_due_jobs(app: App, once: bool) -> None:
    try:
        report = run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=app.mailer)
    except Exception:
        if once:
            raise
        log.exception("due jobs failed; nothing half-done was kept; retrying at the next boundary")
    else:
        _log(report)


def _check_budgets(app: App, since: datetime, once: bool) -> datetime:
    """R20: the budgets of the accounts that turned a device Active since the last look; when to look from next."""
    now = app.clock.now()
    try:
        with app.db.transaction() as conn:
            told = check_recent_budgets(conn, now, app.settings, since - BUDGET_OVERLAP)
    except Exception:
        if once:
            raise
        log.exception("checking budgets failed; the next look goes back further")
        return since
    if told:
        log.info("budgets: %d thresholds reached", told)
    return now


def _publish_and_deliver(app: App, sender, once: bool) -> DeliveryReport | None:
    """Publish what was recorded since, then send the webhooks due now."""
    try:
        publish_events(app.db, app.clock.now(), email_zero_invoices=app.settings.email_zero_invoices)
        report = deliver_webhooks(app.db, app.clock, app.settings, sender)
    except Exception:
        if once:
            raise
        # A delivery not recorded is sent again once its claim lapses (at least once).
        log.exception("publishing events or delivering webhooks failed; retrying in a few seconds")
        return None
    if report.sent:
        log.info("webhooks: %s", report.summary())
    return report


def _log(report) -> None:
    close, collect = report.close, report.collect
    log.info(
        "due jobs: %s (%d skipped); %s; %d transfer reminders, %d card warnings, %d points expired, "
        "%d budget thresholds reached",
        "another worker is closing" if close.running_elsewhere else close.summary(),
        len(close.skipped),
        collect.summary(),
        report.reminders,
        report.cards_warned,
        report.points_expired,
        report.budgets_told,
    )
    if report.mail is None:
        log.info("notifications wait in the outbox: set FLEETBILL_SMTP_URL to email them")
    elif report.mail.failed:
        log.warning(
            "emailed %d notifications (%d refused for good), then stopped: %s",
            report.mail.sent,
            report.mail.refused,
            report.mail.failed,
        )
    else:
        log.info("emailed %d notifications (%d refused for good)", report.mail.sent, report.mail.refused)
    for account_id, month, why in close.skipped:
        log.warning("not closed: account %s month %s: %s", account_id, month, why)
