"""One Jinja2 environment for the customer's pages and the operator's console: shared base
layout, filters, and the translator (`_`) on every page."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from ...domain.local_time import instant_in_text, local_text
from ...domain.price_words import tiers_in_words
from ...domain.rating import Tier
from .i18n import template_context

HERE = Path(__file__).parent


def refuse_raw_instants(value):
    """Jinja's `finalize`: a datetime printed as it is would show UTC (or an offset) where a
    person expects their own clock; every instant goes through `| local(zone)` instead."""
    if isinstance(value, datetime):
        raise TypeError(f"a template printed the instant {value!r} as it is: write it as `| local(zone)`")
    return value


_env = Environment(
    loader=ChoiceLoader(
        [FileSystemLoader(HERE / "templates"), FileSystemLoader(HERE.parent / "console" / "templates")]
    ),
    autoescape=select_autoescape(default=True),
    finalize=refuse_raw_instants,
)
_env.filters["percent"] = lambda rate: f"{(Decimal(rate) * 100).normalize():f}"  # 0.1 -> "10"
_env.filters["yen"] = lambda amount: f"{amount:,}"
# Every instant a page shows, in the reader's zone (the account's; the operator's in the console):
# {{ at | local(zone) }} -> "2026-02-01 09:00"; local(zone, "day") -> "2026-02-01"; "second" too.
_env.filters["local"] = local_text
# A detail that may hold an instant's ISO text (the audit log's): the instant in `zone`, else as it is.
_env.filters["shown_in"] = lambda value, zone: instant_in_text(value, zone, "second") or value
# A graduated price in the reader's words: {{ tiers | tiers_in_words("JPY", lang) }} (R7).
_env.filters["tiers_in_words"] = lambda tiers, currency, lang: tiers_in_words(
    [t if isinstance(t, Tier) else Tier(t["up_to"], t["unit_price"]) for t in tiers], currency, lang
)
templates = Jinja2Templates(env=_env, context_processors=[template_context])
