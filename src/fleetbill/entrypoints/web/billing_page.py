"""What the billing page shows (R20), gathered in a few queries."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from sqlalchemy import Connection, func, select

from ...adapters.db import payments_repo as pay
from ...adapters.db import repository as repo
from ...adapters.db import schema as t
from ...adapters.db import schema_credit_notes as cn
from ...adapters.db import usage as usage_db
from ...adapters.db import views
from ...adapters.db.views_credit_notes import credit_notes_view
from ...domain.billing_state import AccountBillingState, BillingState
from ...domain.line_words import line_description, peak_words
from ...domain.rating import describe_tier, tier_rows
from ...services.billing_state import account_billing_state
from ...services.budgets import budget_view
from ...services.points import points_view
from ...services.test_clocks import account_clock
from ...services.usage_now import usage_now
from ..api.context import get_app
from .activity_chart import chart_svg
from .i18n import N_, Translate, language, translator
from .rendering import templates

USAGE_SUFFIX = ": peak active devices"  # how the core names a usage line (domain.invoice)

# What the page says after a card action (`/billing?done=...`).
DONE = {
    "card-added": N_("Card added."),
    "card-added-retried": N_("Card added. The unpaid invoices were charged to it at once; see their status below."),
    "card-default": N_("This card is now the default: it is charged first."),
    "card-removed": N_("Card removed."),
}
INVOICE_STATUS = {
    "paid": N_("Paid"),
    "open": N_("Unpaid"),
    "void": N_("Void"),
    "credited": N_("Credited"),  # R15: credited in full after it was paid
    "uncollectible": N_("Written off"),
}
POINT_KINDS = {"grant": N_("Granted"), "use": N_("Used"), "expire": N_("Expired")}
COUNTING = {"peak": N_("peak"), "distinct": N_("distinct")}


# What fixes each billing state that needs the account (domain.billing_state): pay the invoice.
FIXES = {
    ("suspended", False): N_(
        "Add a card that can pay: the unpaid invoice is charged at once and the features come back."
    ),
    ("suspended", True): N_("Pay it by bank transfer; the features come back as soon as it is recorded."),
    ("awaiting_payment", False): N_("Add a card that can pay: the invoice is charged at once and the features start."),
    ("payment_failing", False): N_("Add another card to pay now."),
    ("payment_failing", True): N_("Pay it by bank transfer; the account is suspended if it stays unpaid."),
}


def _state_banner(standing: AccountBillingState) -> dict | None:
    """R19, R20: the account's billing state, as the console and the entitlements API say it,
    with what fixes it; none when the account is active."""
    if standing.state == BillingState.ACTIVE:
        return None
    text, args = standing.headline()
    by_transfer = standing.by_transfer and standing.state != BillingState.AWAITING_PAYMENT
    return dict(
        level="warning" if standing.features_on else "error",
        state=standing.state.value,
        text=text,
        action=FIXES[(standing.state.value, by_transfer)],
        args=args,
        href=None if by_transfer else "/billing/cards/new",
    )


def _banners(conn: Connection, account_id: str, cards, now: datetime) -> list[dict]:
    """What needs the account's attention, each with what fixes it: `text` and `action` are English
    for the translator, with `args` for their placeholders."""
    banners = [b for b in [_state_banner(account_billing_state(conn, now, account_id))] if b]
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


def describe(line, _: Translate, lang: str) -> str:
    """A line of the estimate in the reader's language: the core writes lines in English, and the
    invoice's documents say them in Japanese with the same words (domain.line_words, R14)."""
    text = line.description
    if line.kind == "usage" and text.endswith(USAGE_SUFFIX):
        return _("{name}: peak active devices", name=text[: -len(USAGE_SUFFIX)])
    return line_description(line.kind, text, lang)


RECENT_INVOICES = 24  # two years of months on the page; every one of them a click away (R20)


def _credit_notes(conn: Connection, account_id: str) -> list[dict]:
    """R15, R20: the account's credit notes, newest first, with the invoice each corrects."""
    notes = conn.execute(
        select(cn.credit_notes)
        .where(cn.credit_notes.c.account_id == account_id)
        .order_by(cn.credit_notes.c.issued_at.desc(), cn.credit_notes.c.sequence.desc())
    ).all()
    return credit_notes_view(conn, notes) if notes else []


def billing_context(
    conn: Connection,
    app,
    account_id: str,
    _: Translate = translator("en"),
    lang: str = "en",
    all_invoices: bool = False,
) -> dict:
    now = account_clock(conn, account_id, app.clock, changing=False).now()
    account = repo.get_account(conn, account_id)
    usage = usage_now(conn, now, app.settings, account_id)
    series = usage_db.active_steps_by_type(conn, account_id, usage.period_start, usage.period_end)
    cards = pay.load_cards(conn, account_id)
    return dict(
        account=account,
        usage=usage,
        budget=budget_view(conn, usage),  # R20: the projection against the budget
        chart=chart_svg(series, usage.period_start, usage.period_end, now, account.timezone, _, lang),
        invoices=views.invoices(
            conn, t.invoices.c.account_id == account_id, limit=None if all_invoices else RECENT_INVOICES
        ),
        invoices_total=conn.execute(
            select(func.count()).select_from(t.invoices).where(t.invoices.c.account_id == account_id)
        ).scalar(),
        credit_notes=_credit_notes(conn, account_id),
        cards=cards,
        points=points_view(conn, now, account_id),
        banners=_banners(conn, account_id, cards, now),
        now=now,
        describe=lambda line: describe(line, _, lang),
        # R5 explained (issue 12): when a usage line's peak was first reached, in the account's zone
        peak_line=lambda line: peak_words(
            line.quantity, usage.peak_at[line.device_type], usage.period_start, account.timezone, lang
        ),
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
    settings_error=None,
    budget_error=None,
):
    """The billing page; `card_error` is a refusal of a card action, shown beside the cards."""
    app, lang = get_app(request), language(request)
    with app.db.read() as conn:
        context = billing_context(conn, app, account_id, translator(lang), lang, all_invoices)
    context.update(csrf=request.session["csrf"], done=DONE.get(done), card_error=card_error)
    context.update(settings_done=done == "settings", settings_error=settings_error)
    context.update(budget_done=done == "budget", budget_error=budget_error)
    return templates.TemplateResponse(request, "billing.html", context, status_code=status_code)
