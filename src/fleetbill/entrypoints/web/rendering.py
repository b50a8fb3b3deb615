"""One Jinja2 environment for the customer's pages and the operator's console: shared base
layout, filters, and the translator (`_`) on every page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from .i18n import template_context

HERE = Path(__file__).parent
_env = Environment(
    loader=ChoiceLoader(
        [FileSystemLoader(HERE / "templates"), FileSystemLoader(HERE.parent / "console" / "templates")]
    ),
    autoescape=select_autoescape(default=True),
)
_env.filters["percent"] = lambda rate: f"{(Decimal(rate) * 100).normalize():f}"  # 0.1 -> "10"
_env.filters["yen"] = lambda amount: f"{amount:,}"
# An instant in a zone: {{ at | local("Asia/Tokyo") }} -> "2026-02-01 09:00"; "%Y-%m-%d" for the day.
_env.filters["local"] = lambda at, zone, fmt="%Y-%m-%d %H:%M": at.astimezone(ZoneInfo(zone)).strftime(fmt)
templates = Jinja2Templates(env=_env, context_processors=[template_context])
