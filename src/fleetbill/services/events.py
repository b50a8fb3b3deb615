"""The event outbox (R22): every use case that changes billing state records what happened in its
own transaction (`record`); `publish_events` then numbers them per account and hands them to their
consumers: the operator's webhook endpoints, the account's emails (services/notify), and the
events API, which lists what is published.

A finalized invoice is immutable (R15), so the close records its events with the invoice's id
alone, in one statement for every invoice (`record_invoices_finalized`), and publishing fills in
the whole invoice: the payload a receiver gets is self-contained either way."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, and_, bindparam, func, insert, literal, select, update

from ..adapters.db import schema as t
from ..adapters.db import schema_events as e
from ..adapters.db import views
from ..adapters.db.engine import Database
from ..adapters.db.schema import UTCDateTime
from ..domain.events import RETENTION, EventType, NewEvent, parse_types
from .notify import CONSUMERS, Reader, notifications_for

PUBLISH_BATCH = 5_000
# pg_try_advisory_xact_lock's key for "events are being published": one publisher at a time
# numbers the streams ("fbevents").
_PUBLISH_LOCK = 0x66626576656E7473
_EXPANDED = "$invoice"  # a payload {"$invoice": id} is the finalized invoice, filled in at publishing
_PAID_AT_CLOSE = "$paid"  # {"$paid": id}: invoice.paid of an invoice that points paid at the close


def new_event_id() -> str:
    """A new event's public id: "evt_" and a time-ordered UUID's hex."""
    from ..adapters.db.repository import new_invoice_ids

    return "evt_" + new_invoice_ids(1)[0].replace("-", "")


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, default=_plain, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def invoice_finalized(account_id: str, invoice_id: str) -> NewEvent:
    """invoice.finalized, recorded by the invoice's id: publishing fills the invoice in."""
    return NewEvent(EventType.INVOICE_FINALIZED, account_id, {_EXPANDED: invoice_id})


def record(conn: Connection, now: datetime, *events: NewEvent) -> None:
    """R22: record `events` in the caller's transaction: they exist if and only if it commits."""
    if not events:
        return
    conn.execute(
        insert(e.events),
        [
            dict(
                event_id=new_event_id(),
                type=str(x.type),
                account_id=x.account_id,
                stream=x.stream,
                occurred_at=now,
                payload=_json(x.payload),
            )
            for x in events
        ],
    )


def record_invoices_finalized(conn: Connection, now: datetime, invoices: ColumnElement[bool]) -> int:
    """R22: one invoice.finalized event for each of `invoices`, and invoice.paid for those that
    points (or nothing due) paid at once, each kind in one INSERT ... SELECT."""
    inv = t.invoices
    finalized = _by_id(conn, now, EventType.INVOICE_FINALIZED, _EXPANDED, "", invoices)
    _by_id(conn, now, EventType.INVOICE_PAID, _PAID_AT_CLOSE, "p", and_(invoices, inv.c.status == "paid"))
    return finalized


def _by_id(conn: Connection, now: datetime, kind: EventType, marker: str, suffix: str, invoices) -> int:
    """Events of `kind` for `invoices`, recorded by the invoice's id (publishing fills them in);
    the event id is the invoice's, so each invoice has one of each kind."""
    inv = t.invoices
    event_id = literal("evt_") + func.replace(inv.c.id, "-", "", type_=String) + literal(suffix)
    rows = select(
        event_id,
        literal(str(kind)),
        inv.c.account_id,
        inv.c.account_id,
        literal(now, UTCDateTime()),
        literal('{"' + marker + '":"') + inv.c.id + literal('"}'),
    ).where(invoices)
    columns = ["event_id", "type", "account_id", "stream", "occurred_at", "payload"]
    return conn.execute(insert(e.events).from_select(columns, rows)).rowcount  # no ids sent back: 100,000 in a close


def publish_events(db: Database, now: datetime, *, email_zero_invoices: bool = False) -> int:
    """Number the recorded events per stream and hand them to the webhooks and the emails, a
    batch per transaction, until none is left; how many were published. One publisher at a time
    (others return 0 at once): the numbers of a stream follow the order of publication.
    `email_zero_invoices`: an invoice whose total is 0 is emailed too (R24; the operator's setting)."""
    published, after = 0, 0
    while True:
        with db.transaction() as conn:
            if not _claim_publisher(conn):
                return published
            batch, after = _publish_batch(conn, now, after, email_zero_invoices)
        published += batch
        if batch < PUBLISH_BATCH:
            return published


def _claim_publisher(conn: Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return True  # SQLite: one writer at a time already
    return bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({_PUBLISH_LOCK})").scalar())


def _publish_batch(conn: Connection, now: datetime, after: int, zero_invoices: bool = False) -> tuple[int, int]:
    """Publish the next batch of unpublished events with ids above `after`: how many, and the last
    id. Starting after the batch before keeps each batch's index scan from walking the entries its
    predecessors just published (dead until vacuumed: quadratic over a close's 100,000 events); an
    event that committed late with a smaller id is published by the next call, which starts at 0."""
    ev = e.events
    rows = conn.execute(
        select(ev.c.id, ev.c.event_id, ev.c.type, ev.c.account_id, ev.c.stream, ev.c.occurred_at, ev.c.payload)
        .where(ev.c.published_at.is_(None), ev.c.id > after)
        .order_by(ev.c.id)
        .limit(PUBLISH_BATCH)
    ).all()
    if not rows:
        return 0, after
    numbers = _next_sequences(conn, {r.stream for r in rows})
    # The condition on position lets the planner use the index of published events (schema_events).
    last = select(func.coalesce(func.max(ev.c.position), 0)).where(ev.c.position.is_not(None))
    position = conn.execute(last).scalar_one()
    payloads = _expanded_payloads(conn, rows)
    updates = []
    for n, r in enumerate(rows, 1):
        numbers[r.stream] += 1
        updates.append(dict(b_id=r.id, b_sequence=numbers[r.stream], b_position=position + n, b_payload=payloads[r.id]))
    conn.execute(
        update(ev)
        .where(ev.c.id == bindparam("b_id"))
        .values(
            sequence=bindparam("b_sequence"),
            position=bindparam("b_position"),
            payload=bindparam("b_payload"),
            published_at=now,
        ),
        updates,
    )
    # Only the emails read a payload (the webhooks send the stored text): parse only the events
    # they consume, not every invoice.finalized with its whole invoice.
    published = [(r, json.loads(payloads[r.id]) if r.type in CONSUMERS else None) for r in rows]
    _fan_out_to_webhooks(conn, now, published)
    _notify_accounts(conn, now, published, zero_invoices)
    return len(rows), rows[-1].id


def _notify_accounts(
    conn: Connection, now: datetime, published: Sequence[tuple[Any, dict | None]], zero_invoices: bool = False
) -> None:
    """The emails the published events make (services/notify), with dates in each account's zone
    and words in its language."""
    wanted = {r.account_id for r, payload in published if payload is not None and r.account_id is not None}
    if not wanted:
        return
    a = t.accounts
    readers = {
        account_id: Reader(zone, language, zero_invoices)
        for account_id, zone, language in conn.execute(
            select(a.c.id, a.c.timezone, a.c.language).where(a.c.id.in_(wanted))
        )
    }
    notes = [
        note
        for r, payload in published
        if payload is not None
        for note in notifications_for(
            r.type, r.account_id, payload, readers.get(r.account_id) or Reader("UTC"), r.occurred_at
        )
    ]
    if notes:
        _insert_notifications(conn, notes)


def _insert_notifications(conn: Connection, notes: list[dict]) -> None:
    """The rows, by COPY on PostgreSQL: a close's 100,000 invoices make as many emails (R24),
    written here in publishing's batches, where an INSERT a row took a sixth of publishing's time."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(t.notifications), notes)
        return
    columns = list(notes[0])
    with conn.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY notifications ({', '.join(columns)}) FROM STDIN") as copy:
            for note in notes:
                copy.write_row([note[c] for c in columns])


def _next_sequences(conn: Connection, streams: set[str]) -> dict[str, int]:
    """The last number given in each of `streams` (0 for a new one)."""
    ev = e.events
    last: dict[str, int] = defaultdict(int)
    for stream, n in conn.execute(
        select(ev.c.stream, func.max(ev.c.sequence))
        .where(ev.c.stream.in_(streams), ev.c.position.is_not(None))  # published: numbered, and indexed
        .group_by(ev.c.stream)
    ):
        last[stream] = n or 0
    return last


def _expanded_payloads(conn: Connection, rows: Sequence) -> dict[int, str]:
    """Each event's payload as published: the invoice as it was finalized, in full, where the
    event was recorded by the invoice's id (what happened to it since has events of its own)."""
    wanted = {r.id: json.loads(r.payload) for r in rows if r.payload.startswith(('{"$invoice', '{"$paid'))}
    found = {}
    ids = list({next(iter(marker.values())) for marker in wanted.values()})
    for i in range(0, len(ids), 1_000):
        part = ids[i : i + 1_000]
        for invoice in views.finalized_invoices(conn, part):
            found[invoice["id"]] = as_finalized(invoice)
    out = {r.id: r.payload for r in rows}
    for event_id, marker in wanted.items():
        if _EXPANDED in marker:
            out[event_id] = _json({"invoice": found[marker[_EXPANDED]]})
        else:
            invoice = found[marker[_PAID_AT_CLOSE]] | {"status": "paid"}
            method = "points" if invoice["points_applied"] else "nothing due"
            out[event_id] = _json({"invoice": invoice, "method": method, "actor": "system"})
    return out


# What the invoice read model adds about the invoice's settlement since it was finalized.
_SETTLEMENT = ("payment_status", "amount_paid", "amount_left", "collection", "attempts")


def as_finalized(invoice: dict) -> dict:
    """R15: the invoice as it was finalized (it is immutable): without what was paid since, which
    payment.received and invoice.paid tell; so its event does not depend on when it is published."""
    frozen = {k: v for k, v in invoice.items() if k not in _SETTLEMENT}
    # credit notes come later, and credit_note.issued tells them (R15): none at finalization
    return frozen | {"status": "paid" if invoice["amount_due"] == 0 else "open", "amount_credited": 0}


def _fan_out_to_webhooks(conn: Connection, now: datetime, published: Iterable[tuple[Any, dict | None]]) -> None:
    """A pending delivery for every enabled endpoint that takes the event's type."""
    we = e.webhook_endpoints
    endpoints = [
        (row.id, parse_types(row.event_types))
        for row in conn.execute(select(we.c.id, we.c.event_types).where(we.c.enabled.is_(True)))
    ]
    if not endpoints:
        return
    deliveries = [
        dict(endpoint_id=endpoint, event_id=r.id, state="pending", attempts=0, created_at=now, next_attempt_at=now)
        for r, _ in published
        for endpoint, types in endpoints
        if not types or r.type in types
    ]
    if deliveries:
        conn.execute(insert(e.webhook_deliveries), deliveries)


def purge_events(conn: Connection, now: datetime) -> int:
    """Events older than RETENTION go, with their deliveries and attempts (R22: kept 90 days)."""
    ev, d, a = e.events, e.webhook_deliveries, e.webhook_attempts
    # Published: position given (what the index on occurred_at holds, schema_events).
    old = select(ev.c.id).where(ev.c.occurred_at < now - RETENTION, ev.c.position.is_not(None))
    old_deliveries = select(d.c.id).where(d.c.event_id.in_(old))
    conn.execute(a.delete().where(a.c.delivery_id.in_(old_deliveries)))
    conn.execute(d.delete().where(d.c.event_id.in_(old)))
    return conn.execute(ev.delete().where(ev.c.id.in_(old))).rowcount


def list_events(
    conn: Connection,
    *,
    types: frozenset[EventType] = frozenset(),
    account_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after: int = 0,
    limit: int = 100,
) -> tuple[list[dict], int | None, bool]:
    """R22: published events in the order of publication, after the cursor `after` (a position);
    the page, the position of its last event (None: an empty page) and whether more follow now."""
    ev = e.events
    q = select(ev).where(ev.c.position > after)
    if types:
        q = q.where(ev.c.type.in_(sorted(types)))
    if account_id is not None:
        q = q.where(ev.c.account_id == account_id)
    if since is not None:
        q = q.where(ev.c.occurred_at >= since)
    if until is not None:
        q = q.where(ev.c.occurred_at < until)
    rows = conn.execute(q.order_by(ev.c.position).limit(limit + 1)).all()
    page = [event_out(r) for r in rows[:limit]]
    return page, rows[:limit][-1].position if rows else None, len(rows) > limit


def event_out(row) -> dict:
    """An event as the API lists it and a webhook sends it."""
    return dict(
        id=row.event_id,
        type=row.type,
        account_id=row.account_id,
        sequence=row.sequence,
        occurred_at=row.occurred_at,
        data=json.loads(row.payload),
    )


__all__ = [
    "event_out",
    "invoice_finalized",
    "list_events",
    "publish_events",
    "purge_events",
    "record",
    "record_invoices_finalized",
]
