"""The kinds of email an account receives (R24) that carry a document."""

from __future__ import annotations

# The kinds whose email attaches the invoice's PDF, rendered when it is sent (never in the close).
ATTACHES_INVOICE = frozenset({"invoice", "purchase_invoice"})
# R15: the kinds whose email attaches a credit note's return invoice (適格返還請求書), rendered when sent.
ATTACHES_CREDIT_NOTE = frozenset({"credit_note"})
