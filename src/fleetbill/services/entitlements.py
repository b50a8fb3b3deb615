"""R10, R19: an account's features, each on or off and why, for the operator's platform."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..domain.entitlements import Entitlement, entitlements


def account_entitlements(conn: Connection, account_id: str) -> tuple[bool, list[Entitlement]]:
    """(suspended, features)."""
    account = repo.get_account(conn, account_id)
    plan = repo.get_plan(conn, account.plan_id)
    suspension = pay.open_suspension(conn, account_id)
    suspended_for = None
    if suspension is not None:
        suspended_for = conn.execute(
            select(t.invoices.c.number).where(t.invoices.c.id == suspension.invoice_id)
        ).scalar()
    inv = t.invoices
    purchase = None
    if pay.collection_method(conn, account_id) == "card":  # R10: an invoice payment starts when accepted
        # An upgrade's purchase invoice is not counted: the old plan stays on until it is paid.
        upgrade = select(p.plan_changes.c.purchase_invoice_id).where(p.plan_changes.c.purchase_invoice_id == inv.c.id)
        purchase = conn.execute(
            select(inv.c.number).where(
                inv.c.account_id == account_id, inv.c.kind == "purchase", inv.c.status == "open", ~upgrade.exists()
            )
        ).scalar()
    return suspension is not None, entitlements(plan.features, suspended_for=suspended_for, awaiting_purchase=purchase)
