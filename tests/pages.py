"""Helpers for tests of the customer's pages: open a session through a billing link, read a form's
CSRF token, tokenize a card at the sandbox gateway as the page's script does."""

from __future__ import annotations

import re


def follow_link(client, url: str, **options):
    """What a browser does with a billing link: its page's script posts the token after `#`."""
    path, _, token = url.replace("http://testserver", "").partition("#")
    assert path == "/billing/open" and client.get(path).status_code == 200
    return client.post(path, data={"token": token}, **{"follow_redirects": False, **options})


def open_page(client, account_id: str) -> None:
    """Open the billing page of `account_id` through a link from the operator's API: a session for it."""
    link = client.post(f"/v1/accounts/{account_id}/billing-links").json()["url"]
    opened = follow_link(client, link)
    assert opened.status_code == 303 and opened.headers["location"] == "/billing"


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def session_csrf(client) -> str:
    """The session's CSRF token, from a page that always has a form (device settings)."""
    return csrf(client.get("/billing/devices").text)


def card_token(client, number: str, exp_month: int = 12, exp_year: int = 2030, cvc: str = "123") -> str:
    """What the card form's script does: the card goes to the sandbox gateway, a token comes back."""
    answer = client.post(
        "/sandbox-gateway/v1/tokens", json=dict(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc)
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def add_card(client, number: str, default: bool = False, **expiry):
    """Add a card through the page: tokenized at the gateway, then only the token posted to fleetbill."""
    data = {"csrf": session_csrf(client), "token": card_token(client, number, **expiry)}
    if default:
        data["default"] = "true"
    return client.post("/billing/cards", data=data)
