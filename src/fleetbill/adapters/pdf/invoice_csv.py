"""An invoice's lines as CSV (R14): UTF-8 with a BOM, so that Excel in Japan opens it as UTF-8.

One row per tier of a usage line (its quantity and amount are the tier's, so the amounts add up
to the invoice's subtotal); one row for a fixed fee or a line without tiers. A usage line billed on
a peak says when the peak was first reached (issue 12), in the account's zone with its offset.
"""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

COLUMNS = [
    "invoice_number",
    "line",
    "kind",
    "description",
    "device_type",
    "quantity",
    "tier_first",
    "tier_last",
    "unit_price",
    "amount",
    "tax_rate",
    "peak_reached_at",
]


def _blank(value) -> str:
    return "" if value is None else str(value)


def _instant(at, timezone: str | None) -> str:
    if at is None:
        return ""
    return (at.astimezone(ZoneInfo(timezone)) if timezone else at).isoformat(timespec="seconds")


def render_invoice_csv(invoice: dict, timezone: str | None = None) -> bytes:
    """The CSV bytes of one invoice (the dict of `views.invoice`); instants in `timezone` (the
    account's), or in UTC."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for n, line in enumerate(invoice["lines"], start=1):
        head = [invoice["number"], n, line["kind"], line["description"], _blank(line["device_type_id"])]
        rate = format(line["tax_rate"], "f")
        peak_at = _instant(line.get("peak_at"), timezone)
        tiers = line["tiers"] if line["kind"] == "usage" else []
        if not tiers:
            unit = line["amount"] // line["quantity"] if line["quantity"] else ""
            w.writerow([*head, line["quantity"], "", "", unit, line["amount"], rate, peak_at])
        for tier in tiers:
            quantity = tier["last"] - tier["first"] + 1 if tier["last"] is not None else ""
            row = [quantity, tier["first"], _blank(tier["last"]), tier["unit_price"], tier["amount"], rate, peak_at]
            w.writerow([*head, *row])
    return out.getvalue().encode("utf-8-sig")
