"""Webhook endpoints (R22): the operator's URLs that fleetbill signs and sends events to
(Standard Webhooks), their deliveries with every attempt, and redelivery by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ...domain.errors import InvalidInput
from ...domain.events import EventType
from ...services import webhook_endpoints as service
from .context import Operator, get_app, idempotent, operator
from .schemas import In, Instant

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)], tags=["webhooks"])
EventTypes = list[EventType]


class EndpointIn(In):
    url: str = Field(max_length=2000, description="https:// (http:// in test mode alone); a public address.")
    event_types: EventTypes = Field([], max_length=50, description="The types sent there; empty: every type.")
    description: str = Field("", max_length=200)


class EndpointChangeIn(In):
    url: str | None = Field(None, max_length=2000)
    event_types: EventTypes | None = Field(None, max_length=50, description="Empty: every type.")
    description: str | None = Field(None, max_length=200)


class EndpointOut(BaseModel):
    id: str
    url: str
    description: str
    event_types: list[str] = Field(description="Empty: every type.")
    enabled: bool
    disabled_reason: str | None = Field(description="Why it was disabled (by staff, or after days of failures).")
    created_at: datetime
    failing_since: datetime | None = Field(description="The first failed attempt since the last success.")
    previous_secret_expires_at: datetime | None = Field(
        description="After a rotation: until then, deliveries carry the old secret's signature too."
    )


class EndpointWithSecret(EndpointOut):
    secret: str = Field(description="`whsec_...`: verify deliveries with it. Shown this once; keep it safe.")


class DeliveryAttemptOut(BaseModel):
    attempted_at: datetime
    status_code: int | None = Field(description="null: no answer (refused, timed out, address not allowed).")
    latency_ms: int
    response_excerpt: str | None = Field(description="The first 500 characters of the answer.")
    error: str | None


class DeliveryOut(BaseModel):
    id: int
    event_id: str = Field(description="The event's id: the `webhook-id` header, the same on every try.")
    event_type: str
    state: str = Field(description="pending, succeeded, or failed (retries used up, or endpoint disabled).")
    attempts_made: int
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    requested_by: str | None = Field(description="null: sent when the event was published; else who redelivered it.")
    attempts: list[DeliveryAttemptOut]


class DeliveryPage(BaseModel):
    data: list[DeliveryOut]
    next_cursor: str | None


class RedeliverEventIn(In):
    endpoint_id: str | None = Field(None, max_length=40, description="null: every enabled endpoint taking its type.")


class NewDelivery(BaseModel):
    endpoint_id: str
    delivery_id: int


class RedeliveredEvent(BaseModel):
    event_id: str
    deliveries: list[NewDelivery]
    already_waiting: list[str] = Field(description="Endpoints that still have it waiting: nothing was added.")


class RedeliverRangeIn(In):
    since: Instant = Field(description="Events that occurred at or after this instant...")
    until: Instant | None = Field(None, description="...and before this one (default: now).")


class RedeliveredRange(BaseModel):
    endpoint_id: str
    since: datetime
    until: datetime
    deliveries: int = Field(description="How many new deliveries were made.")


def _policy(request: Request) -> service.UrlPolicy:
    return service.UrlPolicy.of(get_app(request).settings)


def _now(request: Request) -> datetime:
    return get_app(request).clock.now()


@router.post(
    "/webhook-endpoints", status_code=201, response_model=EndpointWithSecret, operation_id="create_webhook_endpoint"
)
async def create(body: EndpointIn, request: Request, who: Operator = Depends(operator)):
    """Add an endpoint; the answer holds its signing secret, shown this once."""
    policy, now = _policy(request), _now(request)
    types = [str(t) for t in body.event_types]
    return await idempotent(
        request,
        who,
        lambda conn: (201, service.create_endpoint(conn, now, policy, body.url, types, body.description, who.actor)),
    )


@router.get("/webhook-endpoints", response_model=list[EndpointOut], operation_id="list_webhook_endpoints")
def endpoints(request: Request):
    """Every endpoint, oldest first, without its secret."""
    with get_app(request).db.read() as conn:
        return service.list_endpoints(conn, _now(request))


@router.get("/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, operation_id="get_webhook_endpoint")
def endpoint(endpoint_id: str, request: Request):
    with get_app(request).db.read() as conn:
        return service.endpoint_out(service.get_endpoint(conn, endpoint_id), _now(request))


async def _change(endpoint_id: str, body: EndpointChangeIn, request: Request, who: Operator):
    policy, now = _policy(request), _now(request)
    types = None if body.event_types is None else [str(t) for t in body.event_types]

    def work(conn):
        changed = service.update_endpoint(
            conn, now, policy, endpoint_id, url=body.url, event_types=types, description=body.description
        )
        return 200, changed

    return await idempotent(request, who, work)


@router.patch("/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, operation_id="update_webhook_endpoint")
async def change(endpoint_id: str, body: EndpointChangeIn, request: Request, who: Operator = Depends(operator)):
    """Change the URL, the event types or the description (what is given)."""
    return await _change(endpoint_id, body, request, who)


@router.post(
    "/webhook-endpoints/{endpoint_id}", response_model=EndpointOut, operation_id="update_webhook_endpoint_post"
)
async def change_by_post(endpoint_id: str, body: EndpointChangeIn, request: Request, who: Operator = Depends(operator)):
    """The same as PATCH, for clients that only POST."""
    return await _change(endpoint_id, body, request, who)


@router.post(
    "/webhook-endpoints/{endpoint_id}/disable", response_model=EndpointOut, operation_id="disable_webhook_endpoint"
)
async def disable(endpoint_id: str, request: Request, who: Operator = Depends(operator)):
    """Stop sending there; its waiting deliveries end as failed (redeliver the range later)."""
    now = _now(request)
    reason = f"disabled by {who.actor}"
    return await idempotent(
        request,
        who,
        lambda conn: (200, service.disable_endpoint(conn, now, endpoint_id, reason, who.actor, tell=False)),
    )


@router.post(
    "/webhook-endpoints/{endpoint_id}/enable", response_model=EndpointOut, operation_id="enable_webhook_endpoint"
)
async def enable(endpoint_id: str, request: Request, who: Operator = Depends(operator)):
    """Send there again, from the events published from now on."""
    now = _now(request)
    return await idempotent(
        request, who, lambda conn: (200, service.enable_endpoint(conn, now, endpoint_id, who.actor))
    )


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response_model=EndpointWithSecret,
    operation_id="rotate_webhook_endpoint_secret",
)
async def rotate(endpoint_id: str, request: Request, who: Operator = Depends(operator)):
    """A new secret, shown once; the old one keeps signing (both signatures are sent) for
    FLEETBILL_WEBHOOK_SECRET_OVERLAP_HOURS (24 by default), while the receiver switches."""
    app = get_app(request)
    now, overlap = app.clock.now(), timedelta(hours=app.settings.webhook_secret_overlap_hours)
    return await idempotent(
        request, who, lambda conn: (200, service.rotate_secret(conn, now, endpoint_id, overlap, who.actor))
    )


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries", response_model=DeliveryPage, operation_id="list_webhook_deliveries"
)
def deliveries(
    endpoint_id: str,
    request: Request,
    cursor: str | None = Query(None, max_length=18, description="`next_cursor` of the page before."),
    limit: int = Query(20, ge=1, le=service.MAX_DELIVERIES_LISTED),
):
    """The endpoint's deliveries, newest first, each with its attempts."""
    if cursor is not None and not (cursor.isascii() and cursor.isdigit()):
        raise InvalidInput("cursor is not one this API gave: pass next_cursor from the page before, unchanged")
    with get_app(request).db.read() as conn:
        page, last = service.list_deliveries(conn, endpoint_id, before=int(cursor) if cursor else None, limit=limit)
    return {"data": page, "next_cursor": None if last is None else str(last)}


@router.post(
    "/events/{event_id}/redeliver", status_code=201, response_model=RedeliveredEvent, operation_id="redeliver_event"
)
async def redeliver_event(
    event_id: str, request: Request, body: RedeliverEventIn | None = None, who: Operator = Depends(operator)
):
    """Deliver a published event again, with the same `webhook-id`: to one endpoint, or to every
    enabled endpoint that takes its type."""
    now, endpoint_id = _now(request), body.endpoint_id if body else None
    return await idempotent(
        request, who, lambda conn: (201, service.redeliver_event(conn, now, event_id, endpoint_id, who.actor))
    )


@router.post(
    "/webhook-endpoints/{endpoint_id}/redeliver",
    status_code=201,
    response_model=RedeliveredRange,
    operation_id="redeliver_webhook_range",
)
async def redeliver_range(
    endpoint_id: str, body: RedeliverRangeIn, request: Request, who: Operator = Depends(operator)
):
    """Deliver again every published event the endpoint takes that occurred in [since, until)."""
    now = _now(request)
    return await idempotent(
        request,
        who,
        lambda conn: (201, service.redeliver_range(conn, now, endpoint_id, body.since, body.until, who.actor)),
    )
