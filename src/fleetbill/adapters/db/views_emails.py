"""What was emailed to whom (R24): the notifications as the console lists them, newest first."""

from __future__ import annotations

import json

from sqlalchemy import ColumnElement, Connection, select

from ...domain.notices import ATTACHES_INVOICE
from . import schema as t
from .keyset import Page, Seek, seek_page


def emails(conn: Connection, where: ColumnElement[bool] | None, limit: int, seek: Seek | None = None) -> Page:
    """A page of notifications with their account, recipients, attachment and outcome, newest
    first (by id). No count: one email or more per invoice, every month; "next" says if more
    follow (the page counts its rows when they all fit on it)."""
    n, a, inv = t.notifications, t.accounts, t.invoices
    q = (
        select(n, a.c.name.label("account_name"), inv.c.number.label("invoice_number"))
        .join(a, a.c.id == n.c.account_id)
        .outerjoin(inv, inv.c.id == n.c.invoice_id)
    )
    if where is not None:
        q = q.where(where)
    found = seek_page(conn, q, [n.c.id], limit, seek, descending=True)
    out = []
    for r in found.rows:
        state = "sent" if r.sent_at else "failed" if r.failed_at else "waiting"
        out.append(
            dict(
                id=r.id,
                account_id=r.account_id,
                account_name=r.account_name,
                kind=r.kind,
                subject=r.subject,
                language=r.language or "en",
                sent_to=json.loads(r.sent_to) if r.sent_to else [],
                attachment=f"{r.invoice_number}.pdf" if r.invoice_number and r.kind in ATTACHES_INVOICE else None,
                created_at=r.created_at,
                sent_at=r.sent_at,
                failed_at=r.failed_at,
                attempts=r.attempts,
                last_error=r.last_error,
                state=state,
            )
        )
    return Page(out, found.previous, found.next)
