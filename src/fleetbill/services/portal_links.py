"""Billing-page links (R20): short-lived, signed, scoped to one account and good for one use, as
Stripe's customer portal sessions are. The operator's platform asks for one and sends its user there."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from ..adapters.db.engine import Database
from ..adapters.db.schema_access import used_billing_links as used
from ..domain.errors import BillingError, NotFound

LINK_LIFETIME = timedelta(minutes=15)
CLOCK_SKEW = timedelta(minutes=1)  # a link dated this far ahead of the clock is still taken


class LinkUsed(BillingError):
    """A billing link opened a second time: it has opened its session already."""

    status = 410
    title = "This billing link was already used"

    def __init__(self, detail: str, account_id: str) -> None:
        super().__init__(detail)
        self.account_id = account_id  # whose link it was: the browser it opened is let in again


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="fleetbill-billing-link")


def make_link_token(secret: str, account_id: str, now: datetime) -> str:
    """A signed token for one use: the account, when it was made, and a random id."""
    return _serializer(secret).dumps({"account": account_id, "at": now.timestamp(), "id": secrets.token_hex(16)})


def read_link_token(secret: str, token: str, now: datetime) -> tuple[str, str]:
    """The account the token opens and the link's id, if it is genuine and not older than LINK_LIFETIME."""
    try:
        data = _serializer(secret).loads(token)
        account_id, made_at, link_id = str(data["account"]), float(data["at"]), str(data["id"])
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError):
        raise NotFound("this billing link is not valid; ask for a new one from the console") from None
    age = now.timestamp() - made_at
    if age > LINK_LIFETIME.total_seconds() or -age > CLOCK_SKEW.total_seconds():
        raise NotFound("this billing link has expired; ask for a new one from the console")
    return account_id, link_id


def use_link(db: Database, secret: str, token: str, now: datetime) -> str:
    """NOTE: R20 a link opens a session once: its id is recorded, and a second use is refused
    (LinkUsed), so a copy of the link (a log, a history, a forwarded email) opens nothing."""
    account_id, link_id = read_link_token(secret, token, now)
    try:
        with db.transaction() as conn:
            conn.execute(insert(used), dict(link_id=link_id, account_id=account_id, used_at=now))
            # Older rows prove nothing: their links have expired anyway.
            conn.execute(delete(used).where(used.c.used_at < now - LINK_LIFETIME - 2 * CLOCK_SKEW))
    except IntegrityError:
        raise LinkUsed(
            "this billing link was already used to open the billing page; a link works once. "
            "Ask for a new one from the console you came from",
            account_id,
        ) from None
    return account_id
