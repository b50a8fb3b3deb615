"""R10, R19: an account's features, each on or off and why, for the operator's platform."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Connection

from ..adapters.db import repository as repo
from ..domain.billing_state import AccountBillingState, BillingState
from ..domain.entitlements import Entitlement, entitlements
from .billing_state import account_billing_state


def entitlements_and_state(
    conn: Connection, now: datetime, account_id: str
) -> tuple[AccountBillingState, list[Entitlement]]:
    """(the account's billing state, its plan's features): the features follow the state."""
    account = repo.get_account(conn, account_id)
    standing = account_billing_state(conn, now, account_id)
    return standing, entitlements(repo.get_plan(conn, account.plan_id).features, standing)


def account_entitlements(
    conn: Connection, account_id: str, now: datetime | None = None
) -> tuple[bool, list[Entitlement]]:
    """(suspended, features); without `now`, a transfer past its due date is not looked for (it
    turns no feature off)."""
    standing, features = entitlements_and_state(conn, now, account_id)
    return standing.state == BillingState.SUSPENDED, features


def entitlements_view(conn: Connection, now: datetime, account_id: str) -> dict:
    """The account's entitlements as the API answers them and entitlements.changed carries them:
    its plan, its billing state with the sentence that explains it, each feature and why (R22)."""
    standing, features = entitlements_and_state(conn, now, account_id)
    facts = ("label", "features_on", "invoice_number", "since", "next_try_at", "due_at")
    return dict(
        account_id=account_id,
        plan_id=repo.get_account(conn, account_id).plan_id,
        suspended=standing.state == BillingState.SUSPENDED,
        billing_state={k: getattr(standing, k) for k in facts}
        | {"state": standing.state.value, "summary": standing.summary()},
        features=[asdict(f) for f in features],
    )
