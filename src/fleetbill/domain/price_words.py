"""A graduated price (R7) in words, the way a person reads a price list: "first 3: free,
4–10: 250 JPY each, then 200 JPY each", or in Japanese "最初の3台: 無料、4〜10台目: 250円/台、11台目以降: 200円/台"."""

from __future__ import annotations

from collections.abc import Sequence

from .rating import Tier

WORDS = {
    "en": dict(
        free="free",
        each="{price} each",
        only="{each}",
        first="first {n}: {each}",
        first_one="first device: {each}",
        span="{first}–{last}: {each}",
        one="device {n}: {each}",
        rest="then {each}",
        sep=", ",
    ),
    "ja": dict(
        free="無料",
        each="{price}/台",
        only="{each}",
        first="最初の{n}台: {each}",
        first_one="1台目: {each}",
        span="{first}〜{last}台目: {each}",
        one="{n}台目: {each}",
        rest="{first}台目以降: {each}",
        sep="、",
    ),
}


def unit_price_text(amount: int, currency: str, lang: str) -> str:
    """1,900 JPY in English (as every English surface writes money), 1,900円 in Japanese."""
    if lang == "ja" and currency == "JPY":
        return f"{amount:,}円"
    return f"{amount:,} {currency}"


def tiers_in_words(tiers: Sequence[Tier], currency: str, lang: str = "en") -> str:
    """R7: every tier of a price, in `lang` ("en" or "ja"), for price lists (the console's plans)."""
    w = WORDS["ja" if lang == "ja" else "en"]
    parts, first = [], 1
    for i, tier in enumerate(tiers):
        price = unit_price_text(tier.unit_price, currency, lang)
        each = w["free"] if tier.unit_price == 0 else w["each"].format(price=price)
        if len(tiers) == 1:
            parts.append(w["only"].format(each=each))
        elif tier.up_to is None:
            parts.append(w["rest"].format(first=first, each=each))
        elif i == 0:
            parts.append((w["first_one"] if tier.up_to == 1 else w["first"]).format(n=tier.up_to, each=each))
        elif tier.up_to == first:
            parts.append(w["one"].format(n=first, each=each))
        else:
            parts.append(w["span"].format(first=first, last=tier.up_to, each=each))
        first = (tier.up_to or 0) + 1
    return w["sep"].join(parts)
