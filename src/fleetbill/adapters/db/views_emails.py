"""What was emailed to whom (R24): the notifications as the console lists them, newest first."""

from __future__ import annotations

import json

from sqlalchemy import ColumnElement, Connection, func, select

from ...domain.notices import ATTACHES_INVOICE
from . import schema as t


def emails(conn: Connection, where: ColumnElement[bool] | None, limit: int, offset: int = 0) -> tuple[list[dict], int]:
    """A page of notifications with their account, recipients, attachment and outcome; and how many in all."""
    n, a, inv = t.notifications, t.accounts, t.invoices
    q = (
        select(n, a.c.name.label("account_name"), inv.c.number.label("invoice_number"))
        .join(a, a.c.id == n.c.account_id)
        .outerjoin(inv, inv.c.id == n.c.invoice_id)
    )
    count = select(func.count()).select_from(n)
    if where is not None:
        q, count = q.where(where), count.where(where)
    rows = conn.execute(q.order_by(n.c.id.desc()).limit(limit).offset(offset)).all()
    out = []
    for r in rows:
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
    return out, conn.execute(count).scalar_one()
