"""Deliver the waiting webhooks (R22): claim the deliveries due now in a short transaction, send
them outside any transaction (at most `webhook_concurrency` at once), then record every attempt
and what it means: a 2xx ends the delivery; anything else is tried again on the retry schedule
(about three days) or given up; an endpoint with no success for DISABLE_AFTER is disabled and the
operator told (webhook_endpoint.disabled, and the audit log).

At least once: a sender that dies between sending and recording lets its claim lapse
(claimed_until), and the delivery is sent again with the same webhook-id, which receivers use
to ignore a repeat."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, literal, or_, select, update

from ..adapters.db import schema_events as e
from ..adapters.db.engine import Database
from ..adapters.db.schema import UTCDateTime
from ..adapters.notify.webhook_sender import WebhookRequest, WebhookResult, WebhookSender
from ..clock import Clock
from ..domain.webhooks import active_secrets, attempt_outcome, disabled_reason, should_disable
from ..settings import Settings
from .webhook_endpoints import disable_endpoint

# A claim outlives the slowest batch: BATCH_ROUNDS rounds of requests that each time out at 10 s.
BATCH_ROUNDS = 4
CLAIM_FOR = timedelta(minutes=2)
WORKER = "worker"


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    succeeded: int = 0
    failed: int = 0  # attempts without a 2xx (tried again later, or given up)
    given_up: int = 0  # deliveries whose retries are used up
    disabled: list[str] = field(default_factory=list)  # endpoints disabled for failing

    def summary(self) -> str:
        text = f"{self.sent} webhooks sent: {self.succeeded} delivered, {self.failed} failed ({self.given_up} given up)"
        return text + (f"; endpoints disabled: {', '.join(self.disabled)}" if self.disabled else "")


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    endpoint_id: str
    attempts: int
    first_tried_at: datetime | None
    request: WebhookRequest


def sender_for(settings: Settings) -> WebhookSender:
    """The sender the settings describe."""
    return WebhookSender(allow_private=settings.webhooks_allow_private, concurrency=settings.webhook_concurrency)


def deliver_webhooks(
    db: Database, clock: Clock, settings: Settings, sender: WebhookSender | None = None
) -> DeliveryReport:
    """R22: send every delivery due now, batch after batch, until none is left."""
    sender = sender or sender_for(settings)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_deliver_all(db, clock, sender))
    # Called from a thread that runs an event loop already (an async caller): a thread of its own.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _deliver_all(db, clock, sender)).result()


async def _deliver_all(db: Database, clock: Clock, sender: WebhookSender) -> DeliveryReport:
    """A pipeline: while a batch is in flight, the next one is claimed and the one before is
    recorded, in threads, so the receivers' latency and the database's overlap."""
    report = DeliveryReport()
    size = sender.concurrency * BATCH_ROUNDS
    recording = None
    async with sender.session() as send:
        batch = await asyncio.to_thread(claim_due, db, clock.now(), size)
        while batch:
            sending = asyncio.ensure_future(send([c.request for c in batch]))
            # The batch in flight is claimed, so the next claim cannot take it again.
            following = _in_thread(claim_due, db, clock.now(), size) if len(batch) == size else None
            results = await sending
            if recording is not None:
                await recording  # one recording at a time: each updates the report
            recording = _in_thread(record_attempts, db, clock.now(), batch, results, report)
            batch = await following if following is not None else []
        if recording is not None:
            await recording
    return report


def _in_thread(work, *args) -> asyncio.Future:
    return asyncio.ensure_future(asyncio.to_thread(work, *args))


def claim_due(db: Database, now: datetime, limit: int) -> list[_Claimed]:
    """Claim up to `limit` due deliveries of enabled endpoints until now + CLAIM_FOR, in one short
    transaction; another sender claims others (the update re-checks the claim, and PostgreSQL
    skips rows another sender has locked)."""
    d, we = e.webhook_deliveries, e.webhook_endpoints
    free = or_(d.c.claimed_until.is_(None), d.c.claimed_until <= now)
    with db.transaction() as conn:
        due = (
            select(d.c.id)
            .join(we, we.c.id == d.c.endpoint_id)
            .where(d.c.state == "pending", d.c.next_attempt_at <= now, free, we.c.enabled.is_(True))
            .order_by(d.c.next_attempt_at, d.c.id)
            .limit(limit)
        )
        if conn.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True, of=d)
        ids = [r.id for r in conn.execute(due)]
        if not ids:
            return []
        claimed = (
            conn.execute(update(d).where(d.c.id.in_(ids), free).values(claimed_until=now + CLAIM_FOR).returning(d.c.id))
            .scalars()
            .all()
        )
        rows = conn.execute(_to_send(claimed)).all()
    bodies: dict[str, str] = {}
    return [_claimed(r, now, bodies) for r in rows]


def _to_send(ids: list[int]):
    """What sending the deliveries `ids` needs: the endpoint's URL and secrets, and the event."""
    d, we, ev = e.webhook_deliveries, e.webhook_endpoints, e.events
    return (
        select(
            d.c.id.label("delivery_id"),
            d.c.attempts,
            d.c.first_tried_at,
            we.c.id.label("endpoint_id"),
            we.c.url,
            we.c.secret,
            we.c.previous_secret,
            we.c.previous_secret_expires_at,
            ev.c.event_id,
            ev.c.type,
            ev.c.account_id,
            ev.c.sequence,
            ev.c.occurred_at,
            ev.c.payload,
        )
        .join(we, we.c.id == d.c.endpoint_id)
        .join(ev, ev.c.id == d.c.event_id)
        .where(d.c.id.in_(ids))
        .order_by(d.c.next_attempt_at, d.c.id)
    )


def _claimed(r, now: datetime, bodies: dict[str, str]) -> _Claimed:
    if r.event_id not in bodies:  # the same body for every endpoint of an event
        bodies[r.event_id] = event_body(r)
    secrets = tuple(active_secrets(r.secret, r.previous_secret, r.previous_secret_expires_at, now))
    request = WebhookRequest(r.delivery_id, r.url, r.event_id, bodies[r.event_id], secrets)
    return _Claimed(r.delivery_id, r.endpoint_id, r.attempts, r.first_tried_at, request)


def event_body(row) -> str:
    """A webhook's body: the event as the events API shows it (services.events.event_out), as
    JSON. The stored payload is JSON already: it goes in as it is, not parsed and written again."""
    head = dict(
        id=row.event_id, type=row.type, account_id=row.account_id, sequence=row.sequence, occurred_at=row.occurred_at
    )
    text = json.dumps(head, default=_plain, ensure_ascii=False, separators=(",", ":"))
    return text[:-1] + ',"data":' + row.payload + "}"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def record_attempts(
    db: Database, now: datetime, batch: list[_Claimed], results: list[WebhookResult], report: DeliveryReport
) -> None:
    """Write each attempt and move each delivery on, in one transaction; then disable the
    endpoints that have failed for too long."""
    d, a = e.webhook_deliveries, e.webhook_attempts
    updates, ok_endpoints, failing_endpoints = _outcomes(now, batch, results, report)
    with db.transaction() as conn:
        conn.execute(insert(a), [_attempt_row(r, now) for r in results])
        conn.execute(
            update(d)
            .where(d.c.id == bindparam("b_id"))
            .values(
                state=bindparam("b_state"),
                attempts=bindparam("b_attempts"),
                first_tried_at=bindparam("b_first"),
                next_attempt_at=bindparam("b_next"),
                delivered_at=bindparam("b_delivered"),
                claimed_until=None,
            ),
            updates,
        )
        report.disabled += _mark_endpoints(conn, now, ok_endpoints, failing_endpoints - ok_endpoints)


def _outcomes(now: datetime, batch: list[_Claimed], results: list[WebhookResult], report: DeliveryReport):
    """Each delivery's next state (as update parameters), and the endpoints that answered well and badly."""
    by_id = {c.delivery_id: c for c in batch}
    updates, ok_endpoints, failing_endpoints = [], set(), set()
    for result in results:
        claimed = by_id[result.key]
        first = claimed.first_tried_at or now
        outcome = attempt_outcome(result.succeeded, first, claimed.attempts + 1)
        updates.append(
            dict(
                b_id=claimed.delivery_id,
                b_state=outcome.state,
                b_attempts=claimed.attempts + 1,
                b_first=first,
                b_next=outcome.next_attempt_at,
                b_delivered=now if result.succeeded else None,
            )
        )
        (ok_endpoints if result.succeeded else failing_endpoints).add(claimed.endpoint_id)
        report.sent += 1
        report.succeeded += result.succeeded
        report.failed += not result.succeeded
        report.given_up += outcome.state == "failed"
    return updates, ok_endpoints, failing_endpoints


def _attempt_row(r: WebhookResult, now: datetime) -> dict:
    return dict(
        delivery_id=r.key,
        attempted_at=now,
        status_code=r.status_code,
        latency_ms=r.latency_ms,
        response_excerpt=r.excerpt,
        error=r.error,
    )


def _mark_endpoints(conn: Connection, now: datetime, succeeded: set[str], failing: set[str]) -> list[str]:
    """A success clears an endpoint's failing_since; a failure sets it if unset; an endpoint
    failing for DISABLE_AFTER is disabled (R22). The ids disabled."""
    we = e.webhook_endpoints
    if succeeded:
        conn.execute(update(we).where(we.c.id.in_(sorted(succeeded))).values(failing_since=None))
    if not failing:
        return []
    conn.execute(
        update(we)
        .where(we.c.id.in_(sorted(failing)))
        .values(failing_since=func.coalesce(we.c.failing_since, literal(now, UTCDateTime())))
    )
    disabled = []
    rows = conn.execute(select(we.c.id, we.c.failing_since).where(we.c.id.in_(sorted(failing)), we.c.enabled.is_(True)))
    for endpoint_id, failing_since in rows.all():
        if should_disable(failing_since, now):
            # NOTE: R22 the operator is told: an event on its own stream, and the audit log
            disable_endpoint(conn, now, endpoint_id, disabled_reason(failing_since), WORKER, tell=True)
            disabled.append(endpoint_id)
    return disabled


__all__ = ["DeliveryReport", "claim_due", "deliver_webhooks", "event_body", "record_attempts", "sender_for"]
