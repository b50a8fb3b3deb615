"""The bill before the switch in one sentence (R21, R25), in English or Japanese: "Saves 12,000 JPY
from December; November is already counted." Amounts are the invoices' totals with tax."""

from __future__ import annotations

import calendar

from .periods import BillingMonth
from .what_if import WhatIf

WORDS = {
    "en": dict(
        saves_in="saves {n} JPY in {m}",
        adds_in="adds {n} JPY to {m}",
        saves_from="saves {n} JPY a month from {m}",
        adds_from="adds {n} JPY a month from {m}",
        counted="{m} is already counted",
        same="{m}'s bill does not change",
        join="{a}; {b}.",
    ),
    "ja": dict(
        saves_in="{m}分が{n}円安くなります",
        adds_in="{m}分が{n}円高くなります",
        saves_from="{m}分から毎月{n}円安くなります",
        adds_from="{m}分から毎月{n}円高くなります",
        counted="{m}分はすでに計上済みです",
        same="{m}分の請求は変わりません",
        join="{a}。{b}。",
    ),
}


def month_name(month: BillingMonth, lang: str) -> str:
    """ "November" / "11月"."""
    return f"{month.month}月" if lang == "ja" else calendar.month_name[month.month]


def what_it_changes(w: WhatIf, lang: str = "en") -> str:
    """One sentence: next month's change first when this month's bill stays (the issue's example:
    "Saves 12,000 JPY a month from December; November is already counted.")."""
    words = WORDS["ja" if lang == "ja" else "en"]
    this, nxt = w.month, w.month.next()
    d_this = w.after.this_month.total - w.before.this_month.total
    d_next = w.after.next_month.total - w.before.next_month.total

    def part(delta: int, month: BillingMonth, saves: str, adds: str, stays: str) -> str:
        m = month_name(month, lang)
        if delta < 0:
            return words[saves].format(n=f"{-delta:,}", m=m)
        if delta > 0:
            return words[adds].format(n=f"{delta:,}", m=m)
        return words[stays].format(m=m)

    next_part = part(d_next, nxt, "saves_from", "adds_from", "same")
    if d_this == 0:
        stays = "counted" if d_next < 0 else "same"
        first, second = next_part, words[stays].format(m=month_name(this, lang))
    else:
        first, second = part(d_this, this, "saves_in", "adds_in", "same"), next_part
    sentence = words["join"].format(a=first, b=second)
    return sentence[0].upper() + sentence[1:]
