"""R10: an upgrade is bought at once: its purchase invoice is charged as soon as the change is
made, and the plan starts when the payment is confirmed (a bank-transfer account starts at once).
Shared by the API and the console, after change_plan has committed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..adapters.db import schema_payments as p
from ..adapters.db.engine import Database
from ..adapters.gateway.port import PaymentGateway
from ..clock import Clock
from ..domain.dunning import RetryPolicy
from .collect_invoice import CollectReport, try_invoice


def charge_purchase(
    db: Database, gateway: PaymentGateway, clock: Clock, policy: RetryPolicy, change: dict
) -> datetime | None:
    """Charge the change's purchase invoice now; when the plan started (None: not paid yet)."""
    if not change["purchase_invoice_id"] or change["applied_at"] is not None:
        return change["applied_at"]
    try_invoice(db, gateway, clock, policy, change["purchase_invoice_id"], CollectReport())
    with db.read() as conn:
        pc = p.plan_changes
        return conn.execute(select(pc.c.applied_at).where(pc.c.id == change["id"])).scalar()
