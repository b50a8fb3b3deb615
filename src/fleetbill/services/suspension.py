"""R19: an account whose invoice stays unpaid is suspended (the plan's features off, devices
untouched); payment restores the features at once. Each is an event the operator's platform acts
on (R22: account.suspended / account.reinstated, with entitlements.changed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, func, select, update

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema_payments as p
from ..adapters.db.audit import audit
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import CollectionState
from .event_payloads import invoice_ref
from .reactions import emit, entitlements_changed


def suspend(conn: Connection, now: datetime, invoice, reason: str) -> bool:
    """Disable the plan's features until `invoice` is paid; False if the account already is."""
    if pay.open_suspension(conn, invoice.account_id) is not None:
        return False
    conn.execute(
        p.suspensions.insert(),
        dict(id=repo.new_id(), account_id=invoice.account_id, invoice_id=invoice.id, reason=reason, suspended_at=now),
    )
    audit(
        conn, now, "worker", "account.suspended", account_id=invoice.account_id, subject=invoice.number, reason=reason
    )
    suspended = NewEvent(
        EventType.ACCOUNT_SUSPENDED, invoice.account_id, {"invoice": invoice_ref(invoice), "reason": reason}
    )
    emit(conn, now, suspended, entitlements_changed(conn, now, invoice.account_id, "suspended: " + reason))
    return True


def reinstate_if_settled(conn: Connection, now: datetime, account_id: str, actor: str) -> bool:
    """Lift the account's suspension once no failed invoice is left unpaid; True if lifted."""
    c, s = p.collections, p.suspensions
    still_failed = conn.execute(
        select(func.count())
        .select_from(c)
        .where(and_(c.c.account_id == account_id, c.c.state == CollectionState.FAILED))
    ).scalar()
    if still_failed:
        return False
    lifted = conn.execute(
        update(s).where(s.c.account_id == account_id, s.c.lifted_at.is_(None)).values(lifted_at=now)
    ).rowcount
    if not lifted:
        return False
    why = "every failed invoice is paid"
    audit(conn, now, actor, "account.reinstated", account_id=account_id, reason=why)
    reinstated = NewEvent(EventType.ACCOUNT_REINSTATED, account_id, {"reason": why, "actor": actor})
    emit(conn, now, reinstated, entitlements_changed(conn, now, account_id, "reinstated: " + why))
    return True
