"""An invoice's lines as CSV (R14): UTF-8 with a BOM, so that Excel in Japan opens it as UTF-8.

One row per tier of a usage line (its quantity and amount are the tier's, so the amounts add up
to the invoice's subtotal); one row for a fixed fee or a line without tiers.
"""

from __future__ import annotations

import csv
import io

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
]


def _blank(value) -> str:
    return "" if value is None else str(value)


def render_invoice_csv(invoice: dict) -> bytes:
    """The CSV bytes of one invoice (the dict of `views.invoice`)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for n, line in enumerate(invoice["lines"], start=1):
        head = [invoice["number"], n, line["kind"], line["description"], _blank(line["device_type_id"])]
        rate = format(line["tax_rate"], "f")
        tiers = line["tiers"] if line["kind"] == "usage" else []
        if not tiers:
            unit = line["amount"] // line["quantity"] if line["quantity"] else ""
            w.writerow([*head, line["quantity"], "", "", unit, line["amount"], rate])
        for tier in tiers:
            quantity = tier["last"] - tier["first"] + 1 if tier["last"] is not None else ""
            w.writerow([*head, quantity, tier["first"], _blank(tier["last"]), tier["unit_price"], tier["amount"], rate])
    return out.getvalue().encode("utf-8-sig")
