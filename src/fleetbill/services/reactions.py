"""What follows from an event in the same transaction (R22): a use case emits what happened, and
the use cases that react to it run here, instead of each service calling the others by hand.

An invoice paid starts the upgrade it bought (R10) and lifts a suspension it settles (R19);
each of those emits its own events (plan.changed, account.reinstated, entitlements.changed).
Emails and webhooks react later, to the published events (services/events, services/notify)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from ..domain.events import EventType, NewEvent
from .events import record

Reaction = Callable[[Connection, datetime, NewEvent], None]


def emit(conn: Connection, now: datetime, *events: NewEvent) -> None:
    """Record `events` in the caller's transaction, then run what reacts to each, in order."""
    record(conn, now, *events)
    for event in events:
        for react in REACTIONS.get(event.type, ()):
            react(conn, now, event)


def entitlements_changed(conn: Connection, now: datetime, account_id: str, why: str) -> NewEvent:
    """entitlements.changed with the account's entitlements as they now are, and why they changed."""
    from .entitlements import entitlements_view

    return NewEvent(EventType.ENTITLEMENTS_CHANGED, account_id, entitlements_view(conn, now, account_id) | {"why": why})


def _start_the_plan_it_bought(conn: Connection, now: datetime, paid: NewEvent) -> None:
    """R10: an upgrade starts when its purchase is paid; a card account's first plan, whose
    features waited for its purchase invoice, has them now."""
    from ..adapters.db.payments_repo import collection_method
    from .change_plan import apply_paid_upgrade

    invoice = paid.payload["invoice"]
    if apply_paid_upgrade(conn, now, invoice["id"]) or invoice["kind"] != "purchase":
        return
    if collection_method(conn, paid.account_id) == "card":  # a transfer account's started at once
        emit(conn, now, entitlements_changed(conn, now, paid.account_id, "the plan's purchase is paid"))


def _lift_the_suspension_it_settles(conn: Connection, now: datetime, paid: NewEvent) -> None:
    from .suspension import reinstate_if_settled

    reinstate_if_settled(conn, now, paid.account_id, paid.payload["actor"])


REACTIONS: dict[EventType, tuple[Reaction, ...]] = {
    EventType.INVOICE_PAID: (_start_the_plan_it_bought, _lift_the_suspension_it_settles),
    # R15, R19: a credit note that ends a failed collection settles what suspended the account.
    EventType.CREDIT_NOTE_ISSUED: (_lift_the_suspension_it_settles,),
    EventType.INVOICE_MARKED_UNCOLLECTIBLE: (_lift_the_suspension_it_settles,),
}
