"""An invoice's status as an integrator reads it: the stored one, and `partially_paid` derived
from what was received (never stored: it follows the payments)."""

from __future__ import annotations

from typing import Literal

InvoiceStatus = Literal["open", "partially_paid", "paid", "void"]
STATUSES: tuple[InvoiceStatus, ...] = ("open", "partially_paid", "paid", "void")


def invoice_status(stored: str, amount_due: int, amount_paid: int) -> InvoiceStatus:
    """R18: an open invoice with something received but not all of it is partially paid."""
    if stored == "open" and 0 < amount_paid < amount_due:
        return "partially_paid"
    return stored  # type: ignore[return-value]  (the stored statuses are a subset)


def amount_left(stored: str, amount_due: int, amount_paid: int) -> int:
    """What remains to collect, in the invoice's minor unit: nothing on a paid or void invoice."""
    if stored != "open":
        return 0
    return max(amount_due - amount_paid, 0)
