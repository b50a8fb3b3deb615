"""R19: the card networks' account updater, and the warning before a card expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.gateway.port import CardUpdated
from ..domain.cards import Card
from ..domain.events import EventType, NewEvent
from .event_payloads import card_ref
from .events import record
from .timeline import SERVER, Timeline


def apply_card_update(conn: Connection, now: datetime, update_: CardUpdated) -> int:
    """Store the new expiry and last 4 digits; the next try uses them. Returns cards changed."""
    values = dict(last4=update_.last4, exp_month=update_.exp_month, exp_year=update_.exp_year, expiry_warned_at=None)
    if update_.brand:
        values["brand"] = update_.brand
    c = p.cards
    on_file = c.c.token == update_.token, c.c.removed_at.is_(None)
    changed = conn.execute(update(c).where(*on_file).values(**values)).rowcount
    cards = conn.execute(select(c).where(*on_file)).all()
    record(
        conn,
        now,
        *(
            NewEvent(EventType.CARD_UPDATED, r.account_id, {"card": card_ref(r), "by": "account updater"})
            for r in cards
        ),
    )
    return changed


def warn_expiring_cards(conn: Connection, now: datetime, timeline: Timeline = SERVER) -> int:
    """R19: tell the timeline's accounts once when a card on file will expire within 30 days."""
    c, a = p.cards, t.accounts
    rows = conn.execute(
        select(c, a.c.timezone)
        .join(a, a.c.id == c.c.account_id)
        .where(c.c.removed_at.is_(None), c.c.expiry_warned_at.is_(None), timeline.accounts())
    ).all()
    warned = 0
    for r in rows:
        card = Card(r.id, r.account_id, r.token, r.brand, r.last4, r.exp_month, r.exp_year, r.is_default, r.timezone)
        # NOTE: R19 judged in the account's zone: a card whose month has ended there is not "soon".
        if not card.expiring_soon(now):
            continue
        # Warned only if no other worker warned since the read: one event, one email.
        once = update(c).where(c.c.id == card.id, c.c.expiry_warned_at.is_(None)).values(expiry_warned_at=now)
        if conn.execute(once).rowcount:
            record(conn, now, NewEvent(EventType.CARD_EXPIRING, card.account_id, {"card": card_ref(card)}))
            warned += 1
    return warned
