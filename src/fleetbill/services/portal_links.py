"""Billing-page links (R20): short-lived, signed, scoped to one account, as Stripe's customer
portal sessions are. The operator's platform asks for one and sends its user there."""

from __future__ import annotations

from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..domain.errors import NotFound

LINK_LIFETIME = timedelta(minutes=15)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="fleetbill-billing-link")


def make_link_token(secret: str, account_id: str, now: datetime) -> str:
    return _serializer(secret).dumps({"account": account_id, "at": now.timestamp()})


def read_link_token(secret: str, token: str, now: datetime) -> str:
    """The account the token opens, if it is genuine and not older than LINK_LIFETIME."""
    try:
        data = _serializer(secret).loads(token)
    except (BadSignature, SignatureExpired):
        raise NotFound("this billing link is not valid; ask for a new one from the console") from None
    if now.timestamp() - data["at"] > LINK_LIFETIME.total_seconds() or data["at"] > now.timestamp() + 60:
        raise NotFound("this billing link has expired; ask for a new one from the console")
    return data["account"]
