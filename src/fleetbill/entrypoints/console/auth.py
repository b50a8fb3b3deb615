"""Staff log in to the console with a password; the session is a server-side row behind an
HttpOnly, SameSite=Strict cookie limited to /console, and every form carries its CSRF token.
Sign-ins and refusals go to the application log ("fleetbill.console"), never what was typed."""

from __future__ import annotations

import logging
import secrets
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

from ...adapters.db import schema_console as c
from ...domain.errors import Conflict
from ...services import staff
from ..api.context import get_app
from ..web.rendering import templates

COOKIE = "fleetbill_console"
LOGIN_COOKIE = "fleetbill_console_login"  # double-submit token of the login form
HOME = "/console"
log = logging.getLogger("fleetbill.console")
router = APIRouter(prefix="/console", include_in_schema=False)


def staff_session(request: Request) -> staff.Session:
    app = get_app(request)
    with app.db.read() as conn:
        found = staff.session(conn, app.clock.now(), request.cookies.get(COOKIE))
    if found is None:
        raise HTTPException(401, "log in to the console first; sessions last 8 hours")
    return found


def _same(given: str, expected: str) -> bool:
    """A constant-time comparison that any text can be given to (compare_digest refuses non-ASCII str)."""
    return secrets.compare_digest(given.encode(), expected.encode())


def check_csrf(session: staff.Session, csrf: str) -> None:
    if not _same(csrf, session.csrf):
        raise HTTPException(403, "this form has expired; reload the page and try again")


def once(conn, request: Request, session: staff.Session, nonce: str, action: str) -> None:
    """Refuse a money-moving form sent a second time (double click, reload); in the action's transaction."""
    if not 16 <= len(nonce) <= 64:
        raise HTTPException(400, "this form is missing its one-time token; reload the page and try again")
    try:
        conn.execute(
            insert(c.console_forms),
            dict(nonce=nonce, staff_id=session.staff.id, action=action, submitted_at=get_app(request).clock.now()),
        )
    except IntegrityError:  # the transaction is rolled back with the refusal
        raise Conflict(
            "this form was already sent and done once; see the audit log, and reload to do it again"
        ) from None


def _secure(request: Request) -> bool:
    """Secure cookies over HTTPS, and always with FLEETBILL_SECURE_COOKIES (TLS ends at a proxy)."""
    return get_app(request).settings.secure_cookies or request.url.scheme == "https"


def _next_page(next: str) -> str:
    """Where to go after logging in: a console page of this site (with its query), else the console.
    No scheme, no host, no backslash or control character (browsers read them as a host), no dot
    segments: only /console or a path under /console/."""
    if any(ch == "\\" or ord(ch) < 0x21 or ord(ch) == 0x7F for ch in next):
        return HOME
    url = urlsplit(next)
    if url.scheme or url.netloc or not (url.path == HOME or url.path.startswith(HOME + "/")):
        return HOME
    if any(part in {".", ".."} for part in unquote(url.path).split("/")):
        return HOME
    return next


def _login_form(request: Request, next: str, error: str | None = None, status: int = 200):
    """The login form; a refusal shows it again with its message (never text from the URL)."""
    token = secrets.token_urlsafe(24)
    page = templates.TemplateResponse(
        request, "console_login.html", dict(next=_next_page(next), error=error, login_csrf=token), status_code=status
    )
    page.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict", path="/console", secure=_secure(request)
    )
    return page


@router.get("/login")
def login_page(request: Request, next: str = HOME):
    return _login_form(request, next)


@router.post("/login")
def log_in(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    login_csrf: str = Form(""),
    next: str = Form(HOME),
):
    if not _same(login_csrf, request.cookies.get(LOGIN_COOKIE, "")):
        return _login_form(request, next, "this form has expired; try again", 403)
    app = get_app(request)
    login = staff.log_in(app.db, app.clock.now(), email, password)
    client = request.client.host if request.client else "?"
    if login.refused:
        # Never what was typed: a password typed into the email field would be kept in the log.
        who = f"staff {login.staff_id}" if login.staff_id else "no such login"
        log.warning("console login refused: %s, %s, from %s", who, login.why, client)
        return _login_form(request, next, login.refused, 401)
    log.info("console login: %s logged in from %s", login.session.staff.email, client)
    answer = RedirectResponse(_next_page(next), status_code=303)
    answer.set_cookie(
        COOKIE,
        login.token,
        max_age=staff.SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        path="/console",
        secure=_secure(request),
    )
    answer.delete_cookie(LOGIN_COOKIE, path="/console", secure=_secure(request), httponly=True, samesite="strict")
    return answer


@router.post("/logout")
def log_out(request: Request, csrf: str = Form(""), session: staff.Session = Depends(staff_session)):
    check_csrf(session, csrf)
    app = get_app(request)
    with app.db.transaction() as conn:
        staff.log_out(conn, app.clock.now(), request.cookies.get(COOKIE, ""))
    answer = RedirectResponse("/console/login", status_code=303)
    answer.delete_cookie(COOKIE, path="/console", secure=_secure(request), httponly=True, samesite="strict")
    log.info("console logout: %s", session.staff.email)
    return answer
