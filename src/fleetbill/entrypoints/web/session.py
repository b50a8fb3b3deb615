"""The customer's session: one account, opened by a signed link; forms carry its CSRF token."""

from __future__ import annotations

import secrets

from fastapi import Request
from starlette.exceptions import HTTPException


def session_account(request: Request) -> str:
    """The account this session was opened for; no page takes an account id from the request."""
    account_id = request.session.get("account")
    if not account_id:
        raise HTTPException(401, "open the billing page from the link in your console; sessions last an hour")
    return account_id


def check_csrf(request: Request, csrf: str) -> None:
    if not secrets.compare_digest(csrf.encode(), request.session.get("csrf", "").encode()):
        raise HTTPException(403, "this form has expired; reload the page and try again")


def start_session(request: Request, account_id: str) -> None:
    request.session.clear()
    request.session.update(account=account_id, csrf=secrets.token_urlsafe(24))
