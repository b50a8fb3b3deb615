"""The kinds of email an account receives (R24) that carry a document."""

from __future__ import annotations

# The kinds whose email attaches the invoice's PDF, rendered when it is sent (never in the close).
# A credit note's email would be one more kind here, with its own PDF.
ATTACHES_INVOICE = frozenset({"invoice", "purchase_invoice"})
