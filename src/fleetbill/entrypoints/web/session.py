"""The customer's session: one account, opened by a billing link used once; forms carry its CSRF token."""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import HTMLResponse
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


def check_same_origin(request: Request) -> None:
    """Refuse a link posted from another site's page: it would sign this browser in to an account
    that is not its owner's (who would then add their card to it). Browsers say where a request
    comes from in Sec-Fetch-Site, which a TLS proxy in front (rewriting Host) leaves alone."""
    if request.headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
        raise HTTPException(403, "open the billing link itself in your browser, not through another site")


def start_session(request: Request, account_id: str) -> None:
    request.session.clear()
    request.session.update(account=account_id, csrf=secrets.token_urlsafe(24))


# The token is read from the address's fragment (old links: its query), taken out of the address
# bar and history, and posted: it never travels in a request line, so no access log keeps it.
_LINK_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="same-origin">
<title>Opening your billing page · fleetbill</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<form id="open" method="post" action="/billing/open"><input type="hidden" name="token" id="token">
<p>Opening your billing page… <span lang="ja">請求ページを開いています…</span></p>
<noscript><p>This link needs JavaScript, which keeps its key out of every server's log.
<span lang="ja">このリンクには JavaScript が必要です。</span></p></noscript></form>
<script>
var token = location.hash.slice(1) || new URLSearchParams(location.search).get("token") || "";
history.replaceState(null, "", location.pathname);
if (token) { document.getElementById("token").value = decodeURIComponent(token); document.getElementById("open").submit(); }
else { document.querySelector("p").textContent = "This link is incomplete: ask for a new one from the console you came from."; }
</script></body></html>"""


def link_opening_page() -> HTMLResponse:
    """The page a billing link opens: its script posts the link's token to exchange it once."""
    return HTMLResponse(_LINK_PAGE, headers={"Cache-Control": "no-store", "Referrer-Policy": "same-origin"})
