"""The events API (R22): what happened, for a platform that reconciles instead of (or besides)
receiving webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select

from ...adapters.db import schema_events as e
from ...domain.errors import InvalidInput, NotFound
from ...domain.events import RETENTION, EventType, parse_types
from ...services.events import event_out, list_events
from .context import get_app, operator

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)], tags=["events"])


class EventOut(BaseModel):
    id: str = Field(description="The event's id; also the `webhook-id` of its deliveries.")
    type: EventType
    account_id: str | None = Field(description="The account it is about; null for the operator's own events.")
    sequence: int = Field(description="1, 2, 3... per account (per operator for null): a gap means a missed event.")
    occurred_at: datetime
    data: dict[str, Any] = Field(description="Self-contained: the invoice with its lines, the entitlements and why.")


class EventPage(BaseModel):
    data: list[EventOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page, now or later: it resumes after the last event read "
        "(the cursor given, on an empty page; null only when none was given and nothing is published)."
    )
    has_more: bool = Field(description="More events are published after this page now.")


@router.get("/events", response_model=EventPage, operation_id="list_events")
def events(
    request: Request,
    type: list[str] = Query(  # noqa: A002  (the API's word)
        [], description="Only these types; repeat the parameter or separate with commas."
    ),
    account_id: str | None = Query(None, max_length=36),
    since: AwareDatetime | None = Query(None, description="Only events that occurred at or after this instant."),
    until: AwareDatetime | None = Query(None, description="Only events that occurred before this instant."),
    cursor: str | None = Query(None, max_length=18, description="`next_cursor` of the page before."),
    limit: int = Query(100, ge=1, le=1000),
):
    """R22: published events in the order they were published, oldest first; kept 90 days
    (domain.events.RETENTION). Page with `cursor`; a reader that saves the last `next_cursor`
    sees every event once, however late its change committed."""
    try:
        types = parse_types(",".join(type))
    except ValueError as e:
        raise InvalidInput(str(e)) from None
    if cursor is not None and not (cursor.isascii() and cursor.isdigit()):
        raise InvalidInput("cursor is not one this API gave: pass next_cursor from the page before, unchanged")
    with get_app(request).db.read() as conn:
        page, last, more = list_events(
            conn,
            types=types,
            account_id=account_id,
            since=since,
            until=until,
            after=int(cursor or 0),
            limit=limit,
        )
    resume = cursor if last is None else str(last)  # a reader at the end keeps its place
    return {"data": page, "next_cursor": resume, "has_more": more}


@router.get("/events/{event_id}", response_model=EventOut, operation_id="get_event")
def event(event_id: str, request: Request):
    """One published event, by its id (a webhook's `webhook-id`)."""
    ev = e.events
    with get_app(request).db.read() as conn:
        row = conn.execute(select(ev).where(ev.c.event_id == event_id, ev.c.published_at.is_not(None))).first()
    if row is None:
        raise NotFound(f"no event {event_id!r} (events are kept {RETENTION.days} days)")
    return event_out(row)
