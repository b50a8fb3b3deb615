"""R19: the card networks' account updater, and the warning before a card expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.gateway.port import CardUpdated
from ..domain.cards import Card
from .notify import notify


def apply_card_update(conn: Connection, update_: CardUpdated) -> int:
    """Store the new expiry and last 4 digits; the next try uses them. Returns cards changed."""
    values = dict(last4=update_.last4, exp_month=update_.exp_month, exp_year=update_.exp_year, expiry_warned_at=None)
    if update_.brand:
        values["brand"] = update_.brand
    c = p.cards
    return conn.execute(update(c).where(c.c.token == update_.token, c.c.removed_at.is_(None)).values(**values)).rowcount


def warn_expiring_cards(conn: Connection, now: datetime) -> int:
    """R19: tell the account once when a card on file will expire within 30 days."""
    c, a = p.cards, t.accounts
    rows = conn.execute(
        select(c, a.c.timezone)
        .join(a, a.c.id == c.c.account_id)
        .where(c.c.removed_at.is_(None), c.c.expiry_warned_at.is_(None))
    ).all()
    warned = 0
    for r in rows:
        card = Card(r.id, r.account_id, r.token, r.brand, r.last4, r.exp_month, r.exp_year, r.is_default, r.timezone)
        # NOTE: R19 judged in the account's zone: a card whose month has ended there is not "soon".
        if card.expiring_soon(now):
            notify(
                conn,
                now,
                card.account_id,
                "card_expiring",
                f"Your {card.brand} card ending {card.last4} expires "
                f"at the end of {card.exp_month:02d}/{card.exp_year}; add a new card",
                card_id=card.id,
            )
            conn.execute(update(c).where(c.c.id == card.id).values(expiry_warned_at=now))
            warned += 1
    return warned
