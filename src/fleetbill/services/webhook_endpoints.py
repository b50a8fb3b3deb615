"""The operator's webhook endpoints (R22), as the API and the console manage them: add one (its
`whsec_` secret shown once), change it, disable and enable it, rotate its secret (the old one
signs too for an overlap), list its deliveries with every attempt, and deliver an event or a
time range again. Each function runs in the caller's transaction and checks before it writes."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, exists, func, insert, literal, select, update

from ..adapters.db import schema_events as e
from ..adapters.db.audit import audit
from ..adapters.db.schema import UTCDateTime
from ..adapters.notify.addresses import AddressRefused, check_host
from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.events import EventType, NewEvent, parse_types
from ..domain.webhooks import active_secrets, check_endpoint_url
from ..settings import Settings
from .events import record

SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64 random bytes
MAX_DESCRIPTION = 200
MAX_DELIVERIES_LISTED = 100


@dataclass(frozen=True)
class UrlPolicy:
    """Where endpoints may point: https only outside test mode; no private address unless allowed."""

    https_only: bool
    allow_private: bool
    resolve: Callable[[str, int, bool], list[str]] = check_host  # the address check (an adapter)

    @classmethod
    def of(cls, settings: Settings) -> UrlPolicy:
        return cls(https_only=not settings.test_mode, allow_private=settings.webhooks_allow_private)

    def check(self, url: str) -> str:
        """`url` as stored, or InvalidInput saying why fleetbill will not send there (SSRF)."""
        parsed = check_endpoint_url(url, https_only=self.https_only)
        try:
            self.resolve(parsed.host, parsed.port, self.allow_private)
        except AddressRefused as refused:
            raise InvalidInput(f"url: {refused}") from None
        return parsed.url


def new_secret() -> str:
    """A signing secret in Standard Webhooks' form: whsec_ and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _types(event_types: list[str] | None) -> str:
    try:
        return ",".join(sorted(parse_types(event_types or [])))
    except ValueError as e:
        raise InvalidInput(f"event_types: {e}") from None


def _description(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(f"description: at most {MAX_DESCRIPTION} characters")
    return text


def endpoint_out(row, now: datetime) -> dict:
    """An endpoint as the API shows it: never its secrets."""
    overlap = active_secrets(row.secret, row.previous_secret, row.previous_secret_expires_at, now)
    return dict(
        id=row.id,
        url=row.url,
        description=row.description,
        event_types=row.event_types.split(",") if row.event_types else [],
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        created_at=row.created_at,
        failing_since=row.failing_since,
        previous_secret_expires_at=row.previous_secret_expires_at if len(overlap) > 1 else None,
    )


def get_endpoint(conn: Connection, endpoint_id: str):
    row = conn.execute(select(e.webhook_endpoints).where(e.webhook_endpoints.c.id == endpoint_id)).first()
    if row is None:
        raise NotFound(f"no webhook endpoint {endpoint_id!r}; GET /v1/webhook-endpoints lists them")
    return row


def create_endpoint(
    conn: Connection, now: datetime, policy: UrlPolicy, url: str, event_types: list[str], description: str, actor: str
) -> dict:
    """R22: a new enabled endpoint; the answer holds its secret, shown this once."""
    values = dict(url=policy.check(url), event_types=_types(event_types), description=_description(description))
    endpoint_id = "we_" + uuid.uuid4().hex
    secret = new_secret()
    conn.execute(
        insert(e.webhook_endpoints),
        dict(values, id=endpoint_id, secret=secret, enabled=True, created_at=now),
    )
    audit(conn, now, actor, "webhook_endpoint.created", subject=endpoint_id, url=values["url"])
    return endpoint_out(get_endpoint(conn, endpoint_id), now) | {"secret": secret}


def list_endpoints(conn: Connection, now: datetime) -> list[dict]:
    we = e.webhook_endpoints
    return [endpoint_out(r, now) for r in conn.execute(select(we).order_by(we.c.created_at, we.c.id))]


def update_endpoint(
    conn: Connection,
    now: datetime,
    policy: UrlPolicy,
    endpoint_id: str,
    *,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
) -> dict:
    """Change what is given of the URL, the event types and the description."""
    get_endpoint(conn, endpoint_id)
    values = {}
    if url is not None:
        values["url"] = policy.check(url)
    if event_types is not None:
        values["event_types"] = _types(event_types)
    if description is not None:
        values["description"] = _description(description)
    if values:
        conn.execute(update(e.webhook_endpoints).where(e.webhook_endpoints.c.id == endpoint_id).values(**values))
    return endpoint_out(get_endpoint(conn, endpoint_id), now)


def disable_endpoint(conn: Connection, now: datetime, endpoint_id: str, reason: str, actor: str, *, tell: bool) -> dict:
    """Stop sending to an endpoint: its waiting deliveries end as failed (redeliver the range once
    it is enabled again). `tell`: record webhook_endpoint.disabled for the operator's systems."""
    row = get_endpoint(conn, endpoint_id)
    if not row.enabled:
        return endpoint_out(row, now)
    we, d = e.webhook_endpoints, e.webhook_deliveries
    conn.execute(update(we).where(we.c.id == endpoint_id).values(enabled=False, disabled_reason=reason[:300]))
    conn.execute(
        update(d)
        .where(d.c.endpoint_id == endpoint_id, d.c.state == "pending")
        .values(state="failed", next_attempt_at=None, claimed_until=None)
    )
    audit(conn, now, actor, "webhook_endpoint.disabled", subject=endpoint_id, reason=reason)
    out = endpoint_out(get_endpoint(conn, endpoint_id), now)
    if tell:
        payload = {"webhook_endpoint": {k: out[k] for k in ("id", "url", "description", "disabled_reason")}}
        payload["webhook_endpoint"]["failing_since"] = row.failing_since
        record(conn, now, NewEvent(EventType.WEBHOOK_ENDPOINT_DISABLED, None, payload))
    return out


def enable_endpoint(conn: Connection, now: datetime, endpoint_id: str, actor: str) -> dict:
    """Send to it again, from the events published from now on (redeliver what it missed)."""
    row = get_endpoint(conn, endpoint_id)
    if not row.enabled:
        we = e.webhook_endpoints
        conn.execute(
            update(we).where(we.c.id == endpoint_id).values(enabled=True, disabled_reason=None, failing_since=None)
        )
        audit(conn, now, actor, "webhook_endpoint.enabled", subject=endpoint_id)
    return endpoint_out(get_endpoint(conn, endpoint_id), now)


def rotate_secret(conn: Connection, now: datetime, endpoint_id: str, overlap: timedelta, actor: str) -> dict:
    """A new secret, shown once; the one it replaces also signs until `overlap` has passed, so the
    receiver can switch without refusing a delivery (both signatures are sent meanwhile)."""
    row = get_endpoint(conn, endpoint_id)
    secret = new_secret()
    we = e.webhook_endpoints
    conn.execute(
        update(we)
        .where(we.c.id == endpoint_id)
        .values(secret=secret, previous_secret=row.secret, previous_secret_expires_at=now + overlap)
    )
    audit(
        conn,
        now,
        actor,
        "webhook_endpoint.secret_rotated",
        subject=endpoint_id,
        overlap_hours=overlap / timedelta(hours=1),
    )
    return endpoint_out(get_endpoint(conn, endpoint_id), now) | {"secret": secret}


def list_deliveries(
    conn: Connection, endpoint_id: str, *, before: int | None = None, limit: int = 20
) -> tuple[list[dict], int | None]:
    """An endpoint's deliveries, newest first, each with its attempts; and the next page's cursor."""
    get_endpoint(conn, endpoint_id)
    d, ev, a = e.webhook_deliveries, e.events, e.webhook_attempts
    q = select(d, ev.c.event_id.label("webhook_id"), ev.c.type).join(ev, ev.c.id == d.c.event_id)
    q = q.where(d.c.endpoint_id == endpoint_id)
    if before is not None:
        q = q.where(d.c.id < before)
    rows = conn.execute(q.order_by(d.c.id.desc()).limit(limit + 1)).all()
    page = rows[:limit]
    tries = defaultdict(list)
    if page:
        found = select(a).where(a.c.delivery_id.in_([r.id for r in page])).order_by(a.c.id)
        for x in conn.execute(found):
            tries[x.delivery_id].append(
                dict(
                    attempted_at=x.attempted_at,
                    status_code=x.status_code,
                    latency_ms=x.latency_ms,
                    response_excerpt=x.response_excerpt,
                    error=x.error,
                )
            )
    out = [_delivery_out(r, tries[r.id]) for r in page]
    return out, page[-1].id if len(rows) > limit else None


def _delivery_out(r, attempts: list[dict]) -> dict:
    return dict(
        id=r.id,
        event_id=r.webhook_id,
        event_type=r.type,
        state=r.state,
        attempts_made=r.attempts,
        created_at=r.created_at,
        next_attempt_at=r.next_attempt_at,
        delivered_at=r.delivered_at,
        requested_by=r.requested_by,
        attempts=attempts,
    )


def redeliver_event(conn: Connection, now: datetime, event_id: str, endpoint_id: str | None, actor: str) -> dict:
    """R22: deliver a published event again (same webhook-id), to one endpoint or to every
    enabled endpoint that takes its type; one that still has it waiting gets nothing more."""
    ev, we = e.events, e.webhook_endpoints
    event = conn.execute(select(ev).where(ev.c.event_id == event_id, ev.c.position.is_not(None))).first()
    if event is None:
        raise NotFound(f"no published event {event_id!r}; GET /v1/events lists them (kept 90 days)")
    if endpoint_id is not None:
        endpoint = get_endpoint(conn, endpoint_id)
        _check_takes(endpoint, event.type)
        targets = [endpoint]
    else:
        targets = [
            r for r in conn.execute(select(we).where(we.c.enabled.is_(True)).order_by(we.c.id)) if _takes(r, event.type)
        ]
    made, waiting = [], []
    for target in targets:
        if _waiting(conn, target.id, event.id):
            waiting.append(target.id)
        else:
            made.append(dict(endpoint_id=target.id, delivery_id=_new_delivery(conn, now, target.id, event.id, actor)))
    return dict(event_id=event_id, deliveries=made, already_waiting=waiting)


def _takes(endpoint, event_type: str) -> bool:
    return not endpoint.event_types or event_type in endpoint.event_types.split(",")


def _check_takes(endpoint, event_type: str) -> None:
    if not endpoint.enabled:
        raise Conflict(f"webhook endpoint {endpoint.id} is disabled; enable it first, then redeliver")
    if not _takes(endpoint, event_type):
        raise Conflict(f"webhook endpoint {endpoint.id} does not take {event_type} events; add the type to it first")


def _waiting(conn: Connection, endpoint_id: str, event_row_id: int) -> bool:
    d = e.webhook_deliveries
    found = select(d.c.id).where(d.c.endpoint_id == endpoint_id, d.c.event_id == event_row_id, d.c.state == "pending")
    return conn.execute(found.limit(1)).first() is not None


def _new_delivery(conn: Connection, now: datetime, endpoint_id: str, event_row_id: int, actor: str) -> int:
    values = dict(endpoint_id=endpoint_id, event_id=event_row_id, state="pending", attempts=0, created_at=now)
    values |= dict(next_attempt_at=now, requested_by=actor[:100])
    return conn.execute(insert(e.webhook_deliveries).values(**values).returning(e.webhook_deliveries.c.id)).scalar_one()


def redeliver_range(
    conn: Connection, now: datetime, endpoint_id: str, since: datetime, until: datetime | None, actor: str
) -> dict:
    """R22: deliver again to an endpoint every published event it takes that occurred in
    [since, until), in one statement; events it still has waiting are not doubled."""
    until = until or now
    if since >= until:
        raise InvalidInput("since must be before until (the range is [since, until))")
    endpoint = get_endpoint(conn, endpoint_id)
    if not endpoint.enabled:
        raise Conflict(f"webhook endpoint {endpoint_id} is disabled; enable it first, then redeliver")
    ev, d = e.events, e.webhook_deliveries
    waiting = exists().where(d.c.endpoint_id == endpoint_id, d.c.event_id == ev.c.id, d.c.state == "pending")
    where = [ev.c.position.is_not(None), ev.c.occurred_at >= since, ev.c.occurred_at < until, ~waiting]
    if endpoint.event_types:
        where.append(ev.c.type.in_(endpoint.event_types.split(",")))
    rows = select(
        literal(endpoint_id),
        ev.c.id,
        literal("pending"),
        literal(0),
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
        literal(actor[:100]),
    ).where(and_(*where))
    columns = ["endpoint_id", "event_id", "state", "attempts", "created_at", "next_attempt_at", "requested_by"]
    made = len(conn.execute(insert(d).from_select(columns, rows.order_by(ev.c.position)).returning(d.c.id)).all())
    return dict(endpoint_id=endpoint_id, since=since, until=until, deliveries=made)


def delivery_counts(conn: Connection) -> dict[str, dict[str, int]]:
    """Per endpoint, how many deliveries are in each state (the console's list)."""
    d = e.webhook_deliveries
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict(pending=0, succeeded=0, failed=0))
    for endpoint_id, state, n in conn.execute(
        select(d.c.endpoint_id, d.c.state, func.count()).group_by(d.c.endpoint_id, d.c.state)
    ):
        counts[endpoint_id][state] = n
    return counts


__all__ = [
    "UrlPolicy",
    "create_endpoint",
    "delivery_counts",
    "disable_endpoint",
    "enable_endpoint",
    "endpoint_out",
    "get_endpoint",
    "list_deliveries",
    "list_endpoints",
    "new_secret",
    "redeliver_event",
    "redeliver_range",
    "rotate_secret",
    "update_endpoint",
]
