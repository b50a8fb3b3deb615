"""What the billing page shows (R20), gathered in a few queries."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from markupsafe import Markup, escape
from sqlalchemy import Connection, func, select

from ...adapters.db import payments_repo as pay
from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import schema_payments as p
from ...adapters.db import usage as usage_db
from ...adapters.db import views
from ...domain.local_time import local_text
from ...domain.rating import describe_tier, tier_rows
from ...services.points import points_view
from ...services.usage_now import usage_now
from ..api.context import get_app
from .i18n import N_, Translate, language, translator
from .rendering import templates

WIDTH, HEIGHT, PAD = 640, 200, 32
USAGE_SUFFIX = ": peak active devices"  # how the core names a usage line (domain.invoice)

# What the page says after a card action (`/billing?done=...`).
DONE = {
    "card-added": N_("Card added."),
    "card-added-retried": N_("Card added. The unpaid invoices were charged to it at once; see their status below."),
    "card-default": N_("This card is now the default: it is charged first."),
    "card-removed": N_("Card removed."),
}
INVOICE_STATUS = {"paid": N_("Paid"), "open": N_("Unpaid"), "void": N_("Void")}
POINT_KINDS = {"grant": N_("Granted"), "use": N_("Used"), "expire": N_("Expired")}
COUNTING = {"peak": N_("peak"), "distinct": N_("distinct")}


def _day(at: datetime, lang: str) -> str:
    return f"{at.month}月{at.day}日" if lang == "ja" else f"{at:%b %d}"


def _corners(steps: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """The corners (x, level) of the step line through `steps` (x, level from there on), thinned
    to what a pixel column can show: in each column, from the level it is entered at, the lowest
    and the highest level of its steps in the order they come, then the level it is left at, all
    at the x of its first step. So at most 4 corners a column whatever the history (a month of
    bulk switching is thousands of steps on 576 columns), the peak is always drawn, every level
    held across columns is drawn where it is, and a column with one step is drawn as it was."""
    corners: list[tuple[float, int]] = []
    i, entered = 0, None
    while i < len(steps):
        x0, column = steps[i][0], []
        while i < len(steps) and math.floor(steps[i][0]) == math.floor(x0):
            column.append(steps[i][1])
            i += 1
        lo, hi = min(column), max(column)
        extremes = [lo, hi] if column.index(lo) <= column.index(hi) else [hi, lo]
        for n in [column[0] if entered is None else entered, *extremes, column[-1]]:
            if not corners or corners[-1] != (x0, n):
                corners.append((x0, n))
        entered = column[-1]
    return corners


def chart_svg(
    steps: list[tuple[datetime, int]],
    start: datetime,
    end: datetime,
    now: datetime,
    peak: int,
    tz: str,
    _: Translate = translator("en"),
    lang: str = "en",
) -> Markup:
    """Active devices through the month as a step line, with the peak marked: why the count is what it is."""
    span, zone = (end - start).total_seconds(), ZoneInfo(tz)
    label = escape(_("Active devices this month; peak {peak}", peak=peak))
    peak_label = escape(_("peak {peak}", peak=peak))
    top = max([peak, *(n for _, n in steps), 1])

    def x(at: datetime) -> float:
        return PAD + (WIDTH - 2 * PAD) * min(max((at - start).total_seconds() / span, 0), 1)

    def y(n: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * n / top

    corners = _corners([(round(x(at), 1), n) for at, n in steps])  # in the columns the points are drawn in
    points = [f"{cx:.1f},{y(n):.1f}" for cx, n in corners]
    points.append(f"{x(min(now, end)):.1f},{y(corners[-1][1] if corners else 0):.1f}")
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}" '
        f'class="chart"><line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>'
        f'<line x1="{PAD}" y1="{y(peak):.1f}" x2="{WIDTH - PAD}" y2="{y(peak):.1f}" class="peak"/>'
        f'<text x="{WIDTH - PAD}" y="{y(peak) - 6:.1f}" text-anchor="end" class="peak-label">{peak_label}</text>'
        f'<polyline points="{" ".join(points)}" class="series"/>'
        f'<text x="{PAD - 6}" y="{HEIGHT - PAD + 4}" text-anchor="end">0</text>'
        f'<text x="{PAD}" y="{HEIGHT - 8}">{_day(start.astimezone(zone), lang)}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" text-anchor="end">{_day(end.astimezone(zone), lang)}</text></svg>'
    )


def _banners(conn: Connection, account_id: str, cards, now: datetime) -> list[dict]:
    """What needs the account's attention, each with what fixes it: `text` and `action` are English
    for the translator, with `args` for their placeholders."""
    banners = []
    suspension = pay.open_suspension(conn, account_id)
    if suspension is not None:
        number = conn.execute(select(t.invoices.c.number).where(t.invoices.c.id == suspension.invoice_id)).scalar()
        by_transfer = pay.collection_method(conn, account_id) == "bank_transfer"
        banners.append(
            dict(
                level="error",
                text=N_("Your account is suspended: invoice {number} is unpaid, so the plan's features are off."),
                action=N_("Pay it by bank transfer; the features come back as soon as it is recorded.")
                if by_transfer
                else N_("Add a card that can pay: the unpaid invoice is charged at once and the features come back."),
                args=dict(number=number),
                href=None if by_transfer else "/billing/cards/new",
            )
        )
    c = p.collections
    failing = conn.execute(
        select(c.c.next_try_at).where(c.c.account_id == account_id, c.c.state == "collecting", c.c.tries_made > 0)
    ).first()
    if failing is not None and suspension is None:
        banners.append(
            dict(
                level="warning",
                text=N_("A payment failed."),
                action=N_("We try again on {date}; add another card to pay now."),
                # the account's day: a try at 01:00 on Dec 2 in Tokyo is "Dec 2", not UTC's Dec 1
                args=dict(date=local_text(failing.next_try_at, repo.get_account(conn, account_id).timezone, "day")),
                href="/billing/cards/new",
            )
        )
    for card in cards:
        if card.expiring_soon(now):
            banners.append(
                dict(
                    level="warning",
                    text=N_("Your {brand} card ending {last4} expires soon."),
                    action=N_("Add a new card, then remove this one."),
                    args=dict(brand=card.brand.title(), last4=card.last4),
                    href="/billing/cards/new",
                )
            )
    return banners


def describe(line, _: Translate) -> str:
    """A line of the estimate in the reader's language: the core writes usage lines in English."""
    text = line.description
    if line.kind == "usage" and text.endswith(USAGE_SUFFIX):
        return _("{name}: peak active devices", name=text[: -len(USAGE_SUFFIX)])
    return text


RECENT_INVOICES = 24  # two years of months on the page; every one of them a click away (R20)


def billing_context(
    conn: Connection,
    app,
    account_id: str,
    _: Translate = translator("en"),
    lang: str = "en",
    all_invoices: bool = False,
) -> dict:
    now = app.clock.now()
    account = repo.get_account(conn, account_id)
    usage = usage_now(conn, now, app.settings, account_id)
    steps = usage_db.active_steps(conn, account_id, usage.period_start, usage.period_end)
    peak = max((n for _at, n in steps), default=0)
    cards = pay.load_cards(conn, account_id)
    return dict(
        account=account,
        usage=usage,
        chart=chart_svg(steps, usage.period_start, usage.period_end, now, peak, account.timezone, _, lang),
        invoices=views.invoices(
            conn, t.invoices.c.account_id == account_id, limit=None if all_invoices else RECENT_INVOICES
        ),
        invoices_total=conn.execute(
            select(func.count()).select_from(t.invoices).where(t.invoices.c.account_id == account_id)
        ).scalar(),
        cards=cards,
        points=points_view(conn, now, account_id),
        banners=_banners(conn, account_id, cards, now),
        now=now,
        describe=lambda line: describe(line, _),
        tier_rows=tier_rows,  # NOTE: R7 the tiers the invoice's PDF shows, worded as there
        describe_tier=lambda tier: describe_tier(tier, lang, f"{tier.unit_price:,} JPY"),
        invoice_status=INVOICE_STATUS,
        point_kinds=POINT_KINDS,
        counting=COUNTING,
    )


def render_billing(
    request: Request,
    account_id: str,
    *,
    status_code: int = 200,
    done: str = "",
    card_error=None,
    all_invoices: bool = False,
):
    """The billing page; `card_error` is a refusal of a card action, shown beside the cards."""
    app, lang = get_app(request), language(request)
    with app.db.read() as conn:
        context = billing_context(conn, app, account_id, translator(lang), lang, all_invoices)
    context.update(csrf=request.session["csrf"], done=DONE.get(done), card_error=card_error)
    return templates.TemplateResponse(request, "billing.html", context, status_code=status_code)
