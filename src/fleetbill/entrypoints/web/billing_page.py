"""What the billing page shows (R20), gathered in a few queries."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import Connection, select

from ...adapters.db import payments_repo as pay
from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import schema_payments as p
from ...adapters.db import views
from ...domain.activity import active_steps
from ...domain.metering import StatusChange
from ...services.entitlements import account_entitlements
from ...services.points import points_view
from ...services.usage_now import usage_now

WIDTH, HEIGHT, PAD = 640, 200, 32


def chart_svg(
    steps: list[tuple[datetime, int]], start: datetime, end: datetime, now: datetime, peak: int, tz: str
) -> Markup:
    """Active devices through the month as a step line, with the peak marked: why the count is what it is."""
    span, zone = (end - start).total_seconds(), ZoneInfo(tz)
    top = max([peak, *(n for _, n in steps), 1])

    def x(at: datetime) -> float:
        return PAD + (WIDTH - 2 * PAD) * min(max((at - start).total_seconds() / span, 0), 1)

    def y(n: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * n / top

    points, last = [], None
    for at, n in steps:
        if last is not None:
            points.append(f"{x(at):.1f},{y(last):.1f}")
        points.append(f"{x(at):.1f},{y(n):.1f}")
        last = n
    points.append(f"{x(min(now, end)):.1f},{y(last or 0):.1f}")
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Active devices this month; peak {peak}" '
        f'class="chart"><line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>'
        f'<line x1="{PAD}" y1="{y(peak):.1f}" x2="{WIDTH - PAD}" y2="{y(peak):.1f}" class="peak"/>'
        f'<text x="{WIDTH - PAD}" y="{y(peak) - 6:.1f}" text-anchor="end" class="peak-label">peak {peak}</text>'
        f'<polyline points="{" ".join(points)}" class="series"/>'
        f'<text x="{PAD - 6}" y="{HEIGHT - PAD + 4}" text-anchor="end">0</text>'
        f'<text x="{PAD}" y="{HEIGHT - 8}">{start.astimezone(zone):%b %d}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" text-anchor="end">{end.astimezone(zone):%b %d}</text></svg>'
    )


def _history(conn: Connection, account_id: str, end: datetime) -> list[StatusChange]:
    sc = t.status_changes
    rows = conn.execute(
        select(sc.c.device_id, sc.c.device_type_id, sc.c.effective_at, sc.c.active, sc.c.id).where(
            sc.c.account_id == account_id, sc.c.effective_at < end
        )
    )
    return [StatusChange(r.device_id, r.device_type_id, r.effective_at, r.active, r.id) for r in rows]


def _banners(conn: Connection, account_id: str, cards, now: datetime, suspended: bool, features) -> list[dict]:
    banners = []
    if suspended:
        banners.append(
            dict(
                level="error",
                text=features[0].reason if features else "suspended",
                action="Add a card that can pay; the unpaid invoice is charged at once.",
            )
        )
    c = p.collections
    failing = conn.execute(
        select(c.c.next_try_at).where(c.c.account_id == account_id, c.c.state == "collecting", c.c.tries_made > 0)
    ).first()
    if failing is not None and not suspended:
        banners.append(
            dict(
                level="warning",
                text="A payment failed.",
                action=f"We try again on {failing.next_try_at:%Y-%m-%d}; add another card to pay now.",
            )
        )
    for card in cards:
        if card.expiring_soon(now):
            banners.append(
                dict(
                    level="warning",
                    text=f"Your {card.brand} card ending {card.last4} expires soon.",
                    action="Add a new card, then remove this one.",
                )
            )
    return banners


def billing_context(conn: Connection, app, account_id: str) -> dict:
    now = app.clock.now()
    account = repo.get_account(conn, account_id)
    usage = usage_now(conn, now, app.settings, account_id)
    steps = active_steps(_history(conn, account_id, usage.period_end), usage.period_start, usage.period_end)
    peak = max((n for _, n in steps), default=0)
    cards = pay.load_cards(conn, account_id)
    suspended, features = account_entitlements(conn, account_id)
    return dict(
        account=account,
        usage=usage,
        chart=chart_svg(steps, usage.period_start, usage.period_end, now, peak, account.timezone),
        invoices=views.invoices(conn, t.invoices.c.account_id == account_id, limit=100),
        cards=cards,
        points=points_view(conn, now, account_id),
        banners=_banners(conn, account_id, cards, now, suspended, features),
        features=features,
        now=now,
    )
