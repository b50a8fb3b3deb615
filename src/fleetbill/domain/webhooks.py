"""The operator's webhook endpoints (R22): which URLs fleetbill may send to, which addresses it
may connect to (SSRF), and how a delivery's outcome moves it on. Pure: resolving a host name and
sending are the adapters' work (adapters/notify)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from .errors import InvalidInput
from .events import DISABLE_AFTER, next_attempt

MAX_URL = 2000
# The answer of a receiver kept with each attempt, for the operator to read.
EXCERPT = 500


@dataclass(frozen=True, slots=True)
class EndpointUrl:
    """A URL fleetbill may deliver to, as parsed once."""

    url: str
    scheme: str
    host: str  # a name, or an address without brackets
    port: int


def check_endpoint_url(url: str, *, https_only: bool) -> EndpointUrl:
    """An endpoint's URL, or InvalidInput saying what to change: absolute, http(s) (https only
    outside test mode), a host, no user name or password in it, no fragment."""
    text = url.strip()
    if not text or len(text) > MAX_URL:
        raise InvalidInput(f"url: give the endpoint's absolute URL, 1 to {MAX_URL} characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as e:
        raise InvalidInput(f"url: {text[:100]!r} is not a URL fleetbill can read ({e})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidInput(f"url: {text[:100]!r} must start with https:// (an absolute URL)")
    if scheme == "http" and https_only:
        raise InvalidInput("url: webhooks are sent over https only (http is accepted in test mode alone)")
    if not parts.hostname:
        raise InvalidInput(f"url: {text[:100]!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("url: put no user name or password in the URL; verify deliveries by their signature")
    if parts.fragment:
        raise InvalidInput("url: a URL with a #fragment cannot be requested; remove it")
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise InvalidInput("url: the URL contains spaces or control characters; percent-encode them")
    return EndpointUrl(text, scheme, parts.hostname, port or (443 if scheme == "https" else 80))


def forbidden_address(address: str) -> str | None:
    """Why fleetbill must not connect to `address` (SSRF), or None if it may: loopback, private,
    link-local (a cloud's metadata service), multicast, reserved or unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    checks = (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address (such as a cloud's metadata service)"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "an address that is not public"),
    )
    for hit, why in checks:
        if hit:
            return f"{ip} is {why}"
    return None


def is_address(host: str) -> bool:
    """Whether `host` is an IP address rather than a name."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def signature_header(signatures: list[str]) -> str:
    """`webhook-signature`: every valid signature, space separated, as Standard Webhooks allows
    (the new secret's and, during a rotation's overlap, the old one's)."""
    return " ".join(signatures)


def active_secrets(secret: str, previous: str | None, previous_expires_at: datetime | None, now: datetime) -> list[str]:
    """The secrets that sign a delivery at `now`: the current one, and the one before it until its
    overlap after a rotation ends."""
    if previous and previous_expires_at is not None and now < previous_expires_at:
        return [secret, previous]
    return [secret]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt at a delivery means for it."""

    state: str  # "succeeded", "pending" (tried again at next_attempt_at), "failed" (retries used up)
    next_attempt_at: datetime | None


def attempt_outcome(succeeded: bool, first_tried_at: datetime, attempts_made: int) -> Outcome:
    """R22: a 2xx answer ends a delivery; anything else is tried again on the retry schedule
    (about three days), then given up."""
    if succeeded:
        return Outcome("succeeded", None)
    when = next_attempt(first_tried_at, attempts_made)
    return Outcome("failed", None) if when is None else Outcome("pending", when)


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    """R22: an endpoint none of whose deliveries has succeeded for DISABLE_AFTER is disabled."""
    return failing_since is not None and now - failing_since >= DISABLE_AFTER


def disabled_reason(failing_since: datetime) -> str:
    """The reason kept on an endpoint disabled for failing, as the operator reads it."""
    return (
        f"no delivery succeeded for {DISABLE_AFTER.days} days (failing since "
        f"{failing_since.isoformat().replace('+00:00', 'Z')}); fix the receiver, enable the endpoint "
        "and redeliver the time range it missed"
    )
