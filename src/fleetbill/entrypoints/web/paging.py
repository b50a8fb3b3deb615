"""The list pages' "previous" and "next" links (issue 11 item 5): a cursor naming the order key of
the row a page starts beside, signed, so that a link changed by hand or cut short is a 422 page
saying so, never a 500 and never a query on values fleetbill did not write.

A cursor is `<payload>.<signature>`: the payload is base64url JSON of the list's name, the
direction and the key's values (an instant as ISO text with its offset); the signature is an
HMAC of it with a key derived from the server's secret key, so it is valid on every process
that shares that key (a server without FLEETBILL_SECRET_KEY makes new ones at each start, and
an old link is then refused like a changed one: its first page is a click away).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import urlencode

from fastapi import Request

from ...adapters.db.keyset import Page, Seek
from ...domain.errors import InvalidInput
from ...settings import derived_secret

MAX_CURSOR = 600  # the longest key (an instant, a 200-character name, an id) fits with room


def _signature(request: Request, payload: str) -> str:
    key = derived_secret(request.app.state.secret_key, "list cursors").encode()
    return base64.urlsafe_b64encode(hmac.digest(key, payload.encode(), hashlib.sha256)[:18]).decode()


def _value(v):
    if isinstance(v, datetime):
        return {"at": v.isoformat()}
    if isinstance(v, (int, str)) and not isinstance(v, bool):
        return v
    raise TypeError(f"a list's order key holds {type(v).__name__}: give it an encoding here")


def encode(request: Request, name: str, seek: Seek) -> str:
    """The cursor of `seek` on the list `name`."""
    body = json.dumps([name, "b" if seek.backward else "a", [_value(v) for v in seek.key]], separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{payload}.{_signature(request, payload)}"


def decode(request: Request, name: str, cursor: str, width: int) -> Seek | None:
    """The seek `cursor` names on the list `name` (None for none), or InvalidInput."""
    if not cursor:
        return None
    refused = InvalidInput(
        "this page's link is not one fleetbill made (changed, cut short, or from before the server's key "
        "changed); open the list again from its first page"
    )
    payload, _, signature = cursor.partition(".")
    if len(cursor) > MAX_CURSOR or not hmac.compare_digest(signature.encode(), _signature(request, payload).encode()):
        raise refused
    try:
        found, direction, key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        values = tuple(datetime.fromisoformat(v["at"]) if isinstance(v, dict) else v for v in key)
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise refused from None
    if found != name or direction not in ("a", "b") or len(values) != width:
        raise refused
    return Seek(values, backward=direction == "b")


def links(request: Request, path: str, name: str, page: Page, query: dict[str, str]) -> dict[str, str | None]:
    """The page's "previous", "next" and "first" addresses, keeping its filters (None: no such page;
    "first" on every page but the first, so a page emptied since its link was made has a way back)."""
    kept = {k: v for k, v in query.items() if v}

    def link(seek: Seek | None) -> str | None:
        if seek is None:
            return None
        return f"{path}?" + urlencode(kept | {"cursor": encode(request, name, seek)})

    first = f"{path}?" + urlencode(kept) if request.query_params.get("cursor") else None
    return {"previous": link(page.previous), "next": link(page.next), "first": first}
