"""An invoice line's description: written once in English by the close, read in the reader's language.

A finalized invoice keeps its lines' descriptions as the close wrote them, in English, with the
writers below (`domain.invoice.usage_line`, `domain.monthly`): "ESP32: peak active devices",
"Business fee, 2026-09", "Business fee, 2026-04 to 2027-03", "Business fee from purchase (prorated
by days)". Those forms are read back here, so a document in Japanese says every line in Japanese,
for invoices closed before this module as much as after. A description in no known form is shown
as written.
"""

from __future__ import annotations

import re
from datetime import datetime

from .local_time import local_text
from .periods import BillingMonth

USAGE = re.compile(r"^(?P<name>.+): peak active devices$")
FEE = re.compile(r"^(?P<plan>.+) fee, (?P<first>\d{4}-\d{2})(?: to (?P<last>\d{4}-\d{2}))?$")
PURCHASE = re.compile(r"^(?P<plan>.+) fee from purchase(?P<prorated> \(prorated by days\))?$")

JA = dict(
    usage="{name}：月間最大稼働台数",
    fee_month="{plan} 基本料金（{first}分）",
    fee_span="{plan} 基本料金（{first}〜{last}分）",
    purchase="{plan} 基本料金（ご購入日から）",
    purchase_prorated="{plan} 基本料金（ご購入日から・日割り）",
)


def usage_label(device_type_name: str) -> str:
    """A usage line: "ESP32: peak active devices"."""
    return f"{device_type_name}: peak active devices"


def fee_label(plan_name: str, first: BillingMonth, last: BillingMonth) -> str:
    """A contract period's fee (R11): "Business fee, 2026-09", or "... 2026-04 to 2027-03"."""
    return f"{plan_name} fee, {first}" + (f" to {last}" if last != first else "")


def purchase_fee_label(plan_name: str, prorated: bool) -> str:
    """The first period's fee, paid at purchase (R10, R11)."""
    return f"{plan_name} fee from purchase" + (" (prorated by days)" if prorated else "")


def month_ja(text: str) -> str:
    """"2026-09" -> "2026年9月"."""
    month = BillingMonth.parse(text)
    return f"{month.year}年{month.month}月"


def line_description(kind: str, description: str, lang: str) -> str:
    """R14: the line as the reader's document says it: English as stored, or its Japanese."""
    if lang != "ja":
        return description
    if kind == "usage" and (m := USAGE.match(description)):
        return JA["usage"].format(name=m["name"])
    if kind == "fixed_fee" and (m := FEE.match(description)):
        first = month_ja(m["first"])
        if m["last"]:
            return JA["fee_span"].format(plan=m["plan"], first=first, last=month_ja(m["last"]))
        return JA["fee_month"].format(plan=m["plan"], first=first)
    if kind == "fixed_fee" and (m := PURCHASE.match(description)):
        return JA["purchase_prorated" if m["prorated"] else "purchase"].format(plan=m["plan"])
    return description


def peak_words(peak: int, at: datetime, month_start: datetime, zone: str, lang: str) -> str:
    """R5 explained (issue 12): when a usage line's peak was first reached, in the account's zone:
    "peak of 9 reached on 2026-11-14 10:02", or "... held from the month's start" when the devices
    Active at its first instant already made it."""
    if lang == "ja":
        if at <= month_start:
            return f"同時稼働の最大{peak:,}台（月初から）"
        return f"同時稼働の最大{peak:,}台（{local_text(at, zone, 'minute', 'ja')}に到達）"
    if at <= month_start:
        return f"peak of {peak:,} held from the month's start"
    return f"peak of {peak:,} reached on {local_text(at, zone, 'minute', 'en')}"
