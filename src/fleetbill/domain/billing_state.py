"""An account's billing state: one definition for the entitlements API, the operator's console
and the customer's billing page, so that the three never disagree (R10, R19, R20).

The states, most serious first (an account is in the first that applies):

- `suspended`: the card tries ran out, or a bank-transfer invoice is past its grace period, and an
  invoice is still unpaid: the plan's features are off until it is paid (R19).
- `awaiting_payment`: the plan's purchase invoice is not paid yet: its features start when it is
  (R10). Only a card account waits: a transfer invoice is accepted at once.
- `payment_failing`: a card try failed and the next one is scheduled, or a transfer invoice is
  past its due date within its grace: the features stay on while it is put right (R18, R19).
- `active`: nothing is owed late; the features are on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .local_time import last_day_before, local_day


class BillingState(StrEnum):
    ACTIVE = "active"
    PAYMENT_FAILING = "payment_failing"
    AWAITING_PAYMENT = "awaiting_payment"
    SUSPENDED = "suspended"


# What each state is called wherever it is shown (the console's list, its badges, the API).
LABELS = {
    BillingState.ACTIVE: "active",
    BillingState.PAYMENT_FAILING: "payment failing",
    BillingState.AWAITING_PAYMENT: "awaiting payment",
    BillingState.SUSPENDED: "suspended",
}

# The one sentence each state is explained by, on every surface; {number} is the invoice, {date} a day.
HEADLINES = {
    "active": "The plan's features are on.",
    "suspended": "Suspended: invoice {number} is unpaid, so the plan's features are off until it is paid.",
    "awaiting_payment": "The plan's features are off until its purchase invoice {number} is paid.",
    "failing_card": "A payment failed. Invoice {number} could not be charged; the plan's features stay on, "
    "and we try again on {date}.",
    "failing_last": "A payment failed. Invoice {number} could not be charged; the plan's features stay on "
    "until it is paid or the account is suspended.",
    "overdue_transfer": "Payment overdue. Invoice {number} was due by {date} and is not paid yet; the plan's "
    "features stay on for now.",
}


@dataclass(frozen=True, slots=True)
class Late:
    """An invoice whose payment is late: a card try failed, or a transfer is past its due date."""

    number: str
    by_transfer: bool
    next_try_at: datetime | None  # card: when the next try is due (None: no try left)
    due_at: datetime | None  # transfer: the due date that passed


@dataclass(frozen=True, slots=True)
class AccountBillingState:
    """Where an account stands, with what the state is about."""

    state: BillingState
    timezone: str  # the account's: the days in the headline are its days
    invoice_number: str | None = None  # the invoice the state is about (none when active)
    by_transfer: bool = False  # the account pays by bank transfer (what fixes it differs)
    since: datetime | None = None  # suspended: when
    next_try_at: datetime | None = None  # payment failing by card: the next try
    due_at: datetime | None = None  # payment overdue by transfer: its due date

    @property
    def features_on(self) -> bool:
        """R10, R19: a suspended account, or one whose purchase is not paid, has its features off."""
        return self.state in (BillingState.ACTIVE, BillingState.PAYMENT_FAILING)

    @property
    def label(self) -> str:
        return LABELS[self.state]

    def headline(self) -> tuple[str, dict[str, str]]:
        """The state's sentence, in English for the translator, and its placeholders' values."""
        args = {"number": self.invoice_number or ""}
        if self.state != BillingState.PAYMENT_FAILING:
            return HEADLINES[self.state.value], args
        if self.by_transfer and self.due_at is not None:
            # due at the start of a day in the account's zone: the last day to pay is the one before
            last_day = last_day_before(self.due_at, self.timezone)
            return HEADLINES["overdue_transfer"], args | {"date": last_day.isoformat()}
        if self.next_try_at is None:
            return HEADLINES["failing_last"], args
        # R19: a try at 01:00 on Dec 2 in Tokyo is on Dec 2 there
        return HEADLINES["failing_card"], args | {"date": local_day(self.next_try_at, self.timezone).isoformat()}

    def summary(self) -> str:
        """The headline with its values filled in, in English (the API's and the console's)."""
        text, args = self.headline()
        return text.format(**args)


def billing_state(
    *,
    timezone: str,
    by_transfer: bool,
    suspended: tuple[str, datetime] | None,
    awaiting_purchase: str | None,
    late: Late | None,
) -> AccountBillingState:
    """The account's state from its facts: an open suspension (invoice number, since), an unpaid
    purchase invoice of a card account, and its latest late invoice; the most serious wins."""
    base = dict(timezone=timezone, by_transfer=by_transfer)
    if suspended is not None:
        return AccountBillingState(BillingState.SUSPENDED, invoice_number=suspended[0], since=suspended[1], **base)
    if awaiting_purchase is not None:
        next_try = late.next_try_at if late is not None and late.number == awaiting_purchase else None
        return AccountBillingState(
            BillingState.AWAITING_PAYMENT, invoice_number=awaiting_purchase, next_try_at=next_try, **base
        )
    if late is not None:
        return AccountBillingState(
            BillingState.PAYMENT_FAILING,
            invoice_number=late.number,
            next_try_at=late.next_try_at,
            due_at=late.due_at,
            **(base | {"by_transfer": late.by_transfer}),
        )
    return AccountBillingState(BillingState.ACTIVE, **base)
