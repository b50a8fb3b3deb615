"""The lives of an invoice, of its collection and of each charge attempt: their states and the only
moves between them. The services ask this module; the database refuses any other value (its CHECK
constraints are made from these enums), and every update that moves a state names the states it
may come from (`sources`), so a move outside the machine changes no row.

An invoice is never a draft here: the close computes its drafts in memory and writes only
finalized invoices (R15), so "draft" is not a stored state."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from .errors import Conflict


class InvoiceState(StrEnum):
    """What an invoice's `status` column holds."""

    OPEN = "open"  # finalized, something to collect
    PAID = "paid"  # received what was due (after credits)
    VOID = "void"  # nothing is owed: credited in full before it was paid, or an upgrade never paid
    CREDITED = "credited"  # credited in full after money was received: the money went back
    UNCOLLECTIBLE = "uncollectible"  # written off by the operator; a late payment still pays it


class CollectionState(StrEnum):
    COLLECTING = "collecting"  # a card try or a transfer is awaited
    PAID = "paid"
    FAILED = "failed"  # tries used up, or a transfer overdue past its grace: the account is suspended
    CANCELLED = "cancelled"  # nothing left to collect: voided, credited or written off

    @staticmethod
    def after_failed_try(next_try_at) -> CollectionState:
        """R19: still collecting while a try is scheduled; failed once the schedule is used up."""
        return CollectionState.COLLECTING if next_try_at is not None else CollectionState.FAILED


class AttemptOutcome(StrEnum):
    PENDING = "pending"  # recorded before the gateway is asked (a crash leaves it to be asked again)
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    UNKNOWN = "unknown"  # the gateway did not answer: asked again with the same idempotency key


# An attempt whose outcome the gateway has not told yet: asked again before anything else.
UNRESOLVED = (AttemptOutcome.PENDING.value, AttemptOutcome.UNKNOWN.value)

INVOICE_MOVES: dict[InvoiceState, frozenset[InvoiceState]] = {
    InvoiceState.OPEN: frozenset(
        {InvoiceState.PAID, InvoiceState.VOID, InvoiceState.CREDITED, InvoiceState.UNCOLLECTIBLE}
    ),
    InvoiceState.PAID: frozenset({InvoiceState.CREDITED}),
    InvoiceState.UNCOLLECTIBLE: frozenset({InvoiceState.PAID, InvoiceState.VOID, InvoiceState.CREDITED}),
    InvoiceState.VOID: frozenset(),
    InvoiceState.CREDITED: frozenset(),
}

COLLECTION_MOVES: dict[CollectionState, frozenset[CollectionState]] = {
    CollectionState.COLLECTING: frozenset({CollectionState.PAID, CollectionState.FAILED, CollectionState.CANCELLED}),
    # A failed collection is tried again when a card is added (R19), and paid by a late transfer.
    CollectionState.FAILED: frozenset({CollectionState.COLLECTING, CollectionState.PAID, CollectionState.CANCELLED}),
    CollectionState.PAID: frozenset(),
    CollectionState.CANCELLED: frozenset(),
}

ATTEMPT_MOVES: dict[AttemptOutcome, frozenset[AttemptOutcome]] = {
    AttemptOutcome.PENDING: frozenset({AttemptOutcome.SUCCEEDED, AttemptOutcome.DECLINED, AttemptOutcome.UNKNOWN}),
    AttemptOutcome.UNKNOWN: frozenset({AttemptOutcome.SUCCEEDED, AttemptOutcome.DECLINED}),
    AttemptOutcome.SUCCEEDED: frozenset(),
    AttemptOutcome.DECLINED: frozenset(),
}

_MOVES = {InvoiceState: INVOICE_MOVES, CollectionState: COLLECTION_MOVES, AttemptOutcome: ATTEMPT_MOVES}


def can_move(current: StrEnum, to: StrEnum) -> bool:
    return to in _MOVES[type(current)][current]


def check_move(current: StrEnum, to: StrEnum, what: str = "") -> None:
    if not can_move(current, to):
        raise Conflict(f"{what or type(current).__name__} {current} cannot become {to}")


def sources(to: StrEnum) -> list[str]:
    """The states a row may move to `to` from: an update's WHERE, so that no other move is stored."""
    return [s.value for s, targets in _MOVES[type(to)].items() if to in targets]


def check_sql(column: str, states: type[StrEnum]) -> str:
    """A CHECK constraint's condition: the column holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(s.value) for s in states)})"


# --- what an invoice's amounts make of it -------------------------------------------------------

# The status an integrator reads: the stored state, and two it derives from the amounts.
InvoiceStatus = Literal["open", "partially_paid", "paid", "void", "credited", "uncollectible"]
STATUSES: tuple[InvoiceStatus, ...] = ("open", "partially_paid", "paid", "void", "credited", "uncollectible")


def net_due(amount_due: int, amount_credited: int) -> int:
    """What the invoice asks for once its credit notes are taken off (R15)."""
    return amount_due - amount_credited


def owed(amount_due: int, amount_credited: int, amount_received: int) -> int:
    """R16-R18: what is still to collect: due after credits, less what was received (points paid
    before: `amount_due` is what was left after them). Negative when more was received."""
    return net_due(amount_due, amount_credited) - amount_received


def settled(amount_due: int, amount_credited: int, amount_received: int) -> bool:
    """R17, R18: paid once what was received covers what is due after credits. Decided here only."""
    return owed(amount_due, amount_credited, amount_received) <= 0


def invoice_status(stored: str, amount_due: int, amount_paid: int, amount_credited: int = 0) -> InvoiceStatus:
    """R18: an open invoice with something received but not all of it is partially paid."""
    if stored == InvoiceState.OPEN and 0 < amount_paid < net_due(amount_due, amount_credited):
        return "partially_paid"
    return InvoiceState(stored).value  # type: ignore[return-value]  (the stored states are a subset)


def amount_left(stored: str, amount_due: int, amount_paid: int, amount_credited: int = 0) -> int:
    """What remains to collect, in the invoice's minor unit: nothing unless it is open (or written off)."""
    if stored not in (InvoiceState.OPEN, InvoiceState.UNCOLLECTIBLE):
        return 0
    return max(net_due(amount_due, amount_credited) - amount_paid, 0)
