"""The worker: runs the due jobs on every interval boundary. Idempotent, so many may run."""

from __future__ import annotations

import logging
import time

from ..bootstrap import App
from ..services.run_due_jobs import run_due_jobs

log = logging.getLogger("fleetbill.worker")


def run_worker(app: App, *, once: bool = False, interval: int = 3600) -> None:
    while True:
        try:
            report = run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=app.mailer)
        except Exception:
            if once:
                raise
            log.exception("due jobs failed; nothing half-done was kept; retrying at the next boundary")
        else:
            _log(report)
        if once:
            return
        now = app.clock.now().timestamp()
        time.sleep(interval - now % interval + 5)  # a few seconds past the boundary


def _log(report) -> None:
    close, collect = report.close, report.collect
    log.info(
        "due jobs: %s (%d skipped); %s; %d transfer reminders, %d card warnings, %d points expired",
        "another worker is closing" if close.running_elsewhere else close.summary(),
        len(close.skipped),
        collect.summary(),
        report.reminders,
        report.cards_warned,
        report.points_expired,
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
