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
            report = run_due_jobs(app.db, app.clock, app.settings, app.gateway)
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
    close = report.close
    log.info(
        "due jobs: closed %s (%d invoices), %d points expired, %d skipped",
        ", ".join(close.months) or "nothing",
        close.invoices,
        report.points_expired,
        len(close.skipped),
    )
    for account_id, month, why in close.skipped:
        log.warning("not closed: account %s month %s: %s", account_id, month, why)
