"""The jobs that fall due with time: the close, then point expiry. Idempotent; safe in parallel."""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.db.engine import Database
from ..clock import Clock
from ..settings import Settings
from .close_month import CloseReport, Progress, close_due_months
from .idempotency import purge_idempotency_records
from .points import expire_points


@dataclass(frozen=True)
class DueJobsReport:
    close: CloseReport
    points_expired: int


def run_due_jobs(db: Database, clock: Clock, settings: Settings, progress: Progress | None = None) -> DueJobsReport:
    # The close runs first so that points valid at a month's end pay for that month (R16) even
    # when the worker catches up after their expiry.
    close = close_due_months(db, clock, settings, progress)
    with db.transaction() as conn:
        expired = expire_points(conn, clock.now())
        purge_idempotency_records(conn, clock.now())
    return DueJobsReport(close, expired)
