"""The audit log: every action that moves money (or decides whether it moves) writes one row, in
the same transaction as the action, so the log never says something happened that did not, and
never misses something that did.

Actors: "staff:<email>" (the console), "api:<key name>", "worker" (the due jobs), "gateway" (a
card payment the gateway confirmed), "system" (the installation's seed), "cli:<login>" (a
command an operator ran on the server).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, insert

from . import schema_console as c

ACTIONS = (
    "payment.received",  # card or transfer; amount received
    "refund.due",  # received more than was due; amount to give back (negative)
    "points.granted",
    "points.expired",
    "invoice.voided",  # an upgrade never paid; its amount no longer due (negative)
    "plan.change_requested",
    "collection_method.changed",
    "price_version.announced",
    "tax_rate.added",
    "webhook_endpoint.created",  # R22: subject: the endpoint's id
    "webhook_endpoint.disabled",  # by staff, or by the worker after days of failures
    "webhook_endpoint.enabled",
    "webhook_endpoint.secret_rotated",
    "account.suspended",
    "account.reinstated",
    "close.run",  # a month closed; amount billed
    "collection.run",
    "api_key.created",  # subject: the key's id; who holds the platform's access (R22)
    "api_key.revoked",
    "credit_note.issued",  # R15: subject: its number; amount: what it took off (negative)
    "refund.recorded",  # money going back: card (then asked of the gateway), points or bank transfer
    "invoice.written_off",  # uncollectible: amount: what was left to collect (negative)
    "test_clock.created",  # test mode: subject: the clock's id
    "test_clock.advance",  # test mode: who moved a timeline, and to when
    "account.updated",  # issue 10: subject: the settings changed; details: from and to
    "account.tax_changed",  # R13: a country/region or tax status change applied with its period
    "plan.default_budget_set",  # R20: subject: the plan's id; details: from and to (JPY)
)


def audit(
    conn: Connection,
    at: datetime,
    actor: str,
    action: str,
    *,
    account_id: str | None = None,
    subject: str | None = None,
    amount: int | None = None,
    currency: str | None = None,
    **details,
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to ACTIONS")
    conn.execute(
        insert(c.audit_log),
        dict(
            at=at,
            actor=actor[:100],
            action=action,
            account_id=account_id,
            subject=subject,
            amount=amount,
            currency=currency,
            details=json.dumps(details, default=str, ensure_ascii=False, sort_keys=True),
        ),
    )


def audit_many(conn: Connection, at: datetime, actor: str, action: str, entries: list[dict]) -> None:
    """Many rows of one action in one statement (a batch of payments); each entry holds audit()'s
    keywords: account_id, subject, amount, currency and the details."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to ACTIONS")
    if not entries:
        return
    named = ("account_id", "subject", "amount", "currency")
    rows = [
        dict(
            at=at,
            actor=actor[:100],
            action=action,
            **{k: entry.get(k) for k in named},
            details=json.dumps(
                {k: v for k, v in entry.items() if k not in named}, default=str, ensure_ascii=False, sort_keys=True
            ),
        )
        for entry in entries
    ]
    conn.execute(insert(c.audit_log), rows)
