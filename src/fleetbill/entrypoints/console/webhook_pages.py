"""The console's webhooks page (R22): the operator's endpoints with their state, failures and
last deliveries; add one (its secret shown once), disable and enable it, rotate its secret, and
deliver an event again. The same service as the API (services.webhook_endpoints) does the work."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from ...domain.errors import BillingError
from ...domain.events import EventType
from ...services import staff
from ...services import webhook_endpoints as service
from ..api.context import get_app, storable_form
from .auth import check_csrf, once, staff_session
from .pages import render

router = APIRouter(prefix="/console", include_in_schema=False, dependencies=[Depends(storable_form)])
LAST_DELIVERIES = 5


def _page(request: Request, session: staff.Session, status: int = 200, error=None, form=None, secret=None) -> Response:
    app = get_app(request)
    now = app.clock.now()
    with app.db.read() as conn:
        endpoints = service.list_endpoints(conn, now)
        counts = service.delivery_counts(conn)
        last = {x["id"]: service.list_deliveries(conn, x["id"], limit=LAST_DELIVERIES)[0] for x in endpoints}
    return render(
        request,
        session,
        "console_webhooks.html",
        status,
        error=error,
        form=form or {},
        secret=secret,
        endpoints=endpoints,
        counts=counts,
        last=last,
        types=[str(t) for t in EventType],
    )


@router.get("/webhooks")
def webhooks(request: Request, session: staff.Session = Depends(staff_session)):
    return _page(request, session)


def _act(request: Request, session: staff.Session, csrf: str, nonce: str | None, action: str, work, form=None):
    """Run a form's work in one transaction; a refusal shows the page again with the reason and
    nothing changed; a secret to show once is shown on the page, never put in a URL."""
    check_csrf(session, csrf)
    app = get_app(request)
    try:
        with app.db.transaction() as conn:
            if nonce is not None:
                once(conn, request, session, nonce, action)
            done = work(conn, app)
    except BillingError as refused:
        return _page(request, session, refused.status, refused.detail, form)
    except IntegrityError:
        return _page(request, session, 409, "someone else just made the same change; reload the page to see it", form)
    if isinstance(done, dict) and "secret" in done:
        return _page(request, session, secret=done)
    return RedirectResponse("/console/webhooks?done=1", status_code=303)


@router.post("/webhooks")
def add(
    request: Request,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    url: str = Form(""),
    event_types: list[str] = Form([]),
    description: str = Form(""),
):
    """Add an endpoint; its secret is shown on the page that answers, this once."""
    policy = service.UrlPolicy.of(get_app(request).settings)
    form = dict(url=url, event_types=event_types, description=description)
    return _act(
        request,
        session,
        csrf,
        nonce,
        "webhook.add",
        lambda conn, app: service.create_endpoint(
            conn, app.clock.now(), policy, url, event_types, description, session.staff.actor
        ),
        form,
    )


@router.post("/webhooks/{endpoint_id}/disable")
def disable(request: Request, endpoint_id: str, session: staff.Session = Depends(staff_session), csrf: str = Form("")):
    actor = session.staff.actor
    return _act(
        request,
        session,
        csrf,
        None,
        "webhook.disable",
        lambda conn, app: service.disable_endpoint(
            conn, app.clock.now(), endpoint_id, f"disabled by {actor}", actor, tell=False
        ),
    )


@router.post("/webhooks/{endpoint_id}/enable")
def enable(request: Request, endpoint_id: str, session: staff.Session = Depends(staff_session), csrf: str = Form("")):
    actor = session.staff.actor
    return _act(
        request, session, csrf, None, "webhook.enable",
        lambda conn, app: service.enable_endpoint(conn, app.clock.now(), endpoint_id, actor),
    )  # fmt: skip


@router.post("/webhooks/{endpoint_id}/rotate")
def rotate(
    request: Request,
    endpoint_id: str,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
):
    """A new secret, shown once; the old one signs too for the overlap (24 hours by default)."""
    actor = session.staff.actor

    def work(conn, app):
        overlap = timedelta(hours=app.settings.webhook_secret_overlap_hours)
        return service.rotate_secret(conn, app.clock.now(), endpoint_id, overlap, actor)

    return _act(request, session, csrf, nonce, "webhook.rotate", work)


@router.post("/webhooks/redeliver")
def redeliver(
    request: Request,
    session: staff.Session = Depends(staff_session),
    csrf: str = Form(""),
    nonce: str = Form(""),
    event_id: str = Form(""),
    endpoint_id: str = Form(""),
):
    """Deliver an event again (the same webhook-id), to one endpoint or every one that takes it."""
    actor = session.staff.actor
    form = dict(event_id=event_id, endpoint_id=endpoint_id)

    def work(conn, app):
        return service.redeliver_event(conn, app.clock.now(), event_id.strip(), endpoint_id or None, actor)

    return _act(request, session, csrf, nonce, "webhook.redeliver", work, form)
