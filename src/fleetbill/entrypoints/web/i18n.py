"""The pages in English and Japanese.

Templates write English and wrap it in `_()`; the Japanese is looked up in a catalog, one per area
(`locale_billing.JA` for the customer's pages, `console.locale.JA` for the operator's console), so
there is no compile step and a test can check that every wrapped string has its translation.
Placeholders use str.format names: `_("{n} devices", n=3)`. English chosen in Python and shown by
a template is marked with `N_()` where it is written, so the same test finds it.

The language is the `fleetbill_lang` cookie (set by /lang/{code}), else the browser's
Accept-Language, else English.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

LANGUAGES = ("en", "ja")
COOKIE = "fleetbill_lang"

Translate = Callable[..., str]


def N_(text: str) -> str:  # noqa: N802 (gettext's name for it)
    """Mark English written in Python for the catalog; it is translated where it is shown, `_(text)`."""
    return text


def catalog() -> dict[str, str]:
    from ..console.locale import JA as console
    from .locale_billing import JA as billing
    from .locale_peaks import JA as peaks
    from .locale_what_if import JA as what_if

    return billing | console | what_if | peaks


def language(request: Request) -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def translator(lang: str) -> Translate:
    japanese = catalog() if lang == "ja" else {}

    def _(text: str, **values) -> str:
        if any(isinstance(v, datetime) for v in values.values()):  # it would read as UTC: `| local(zone)` it
            raise TypeError(f"an instant was passed to _({text!r}) as it is: format it with local_text first")
        text = japanese.get(text, text)
        return text.format(**values) if values else text

    return _


def template_context(request: Request) -> dict:
    """A Jinja2 context processor: every page gets `_`, `lang` and the link to the other language."""
    lang = language(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {"_": translator(lang), "lang": lang, "here": here}


switch = APIRouter(include_in_schema=False)


@switch.get("/lang/{code}")
def choose_language(code: str, next: str = "/billing"):
    """Remember the reader's language for a year; `next` must be a path on this site."""
    if code not in LANGUAGES:
        code = "en"
    if not next.startswith("/") or next.startswith("//"):
        next = "/billing"
    answer = RedirectResponse(next, status_code=303)
    answer.set_cookie(COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
    return answer
