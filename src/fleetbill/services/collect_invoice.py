"""Card collection (R15-R19): charge what points did not cover, retry on schedule, suspend.

Every charge is an attempt row written *before* the gateway is called, with an idempotency key
of its own. If fleetbill crashes or the gateway does not answer, the attempt stays pending or
unknown, and the next run asks the gateway again with the same key: the gateway answers with the
first result, so no path can charge an invoice twice.

A run over every due invoice (collect_due) works in batches (services/collect_batch): claimed,
their attempts written, charged with bounded concurrency, their outcomes recorded together. One
invoice tried on its own (try_invoice: a new card, a purchase, the console's "retry now") takes the
same claim first, so it never asks about an attempt another process has in flight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select, update

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db.audit import audit
from ..adapters.db.engine import Database
from ..adapters.db.payments_repo import cancel_collection
from ..adapters.gateway.port import ChargeOutcome, ChargeRequest, ChargeResult, PaymentGateway
from ..clock import Clock
from ..domain.cards import charge_order
from ..domain.dunning import RetryPolicy
from ..domain.events import EventType, NewEvent
from ..domain.lifecycle import UNRESOLVED, AttemptOutcome, CollectionState, InvoiceState, owed, sources
from ..settings import Settings
from . import collection_claims as claims
from .event_payloads import card_ref, invoice_ref, plan_changed
from .events import record
from .payments import receive_payment
from .suspension import suspend
from .timeline import SERVER, Timeline

# How long one invoice tried on its own is claimed (its few calls are far shorter).
LEASE = timedelta(seconds=Settings.collect_lease_seconds)


@dataclass
class CollectReport:
    paid: list[str] = field(default_factory=list)  # invoice ids
    declined: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)  # account ids

    def counts(self) -> dict[str, int]:
        """How many invoices were paid, declined, left unknown, and accounts suspended."""
        return {k: len(v) for k, v in vars(self).items()}

    def summary(self) -> str:
        """What the run did, in one sentence: the CLI, the console and the worker's log print it."""
        return (
            f"paid {len(self.paid)}, declined {len(self.declined)} (retried on schedule), "
            f"unknown {len(self.unknown)} (asked again next run), suspended {len(self.suspended)} accounts"
        )


def _invoice(conn: Connection, invoice_id: str):
    return conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id)).one()


def _lock_collection(conn: Connection, invoice_id: str):
    c = p.collections
    q = select(c).where(c.c.invoice_id == invoice_id)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return conn.execute(q).first()


def _unresolved(conn: Connection, invoice_id: str):
    a = p.payment_attempts
    return conn.execute(
        select(a).where(a.c.invoice_id == invoice_id, a.c.outcome.in_(UNRESOLVED)).order_by(a.c.attempted_at)
    ).first()


def _begin_attempt(
    db: Database, invoice, card, try_number: int, tries_made: int, now: datetime, me: str | None = None
) -> dict | None:
    """Write the attempt before calling the gateway, under the collection's row lock, unless
    another worker got there first: an attempt unresolved, the invoice paid, the try already
    counted, this card already charged in this try, or the claim `me` lost (then: None)."""
    with db.transaction() as conn:
        c, a = p.collections, p.payment_attempts
        # The invoice row first, as record_transfer locks it: a transfer being recorded and this
        # charge wait for each other, so the charge sees the transfer, or the transfer the charge.
        # Read again under the lock: a credit note or a write-off may have changed it since (R15).
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice.id).with_for_update()).one()
        row = conn.execute(
            select(c.c.tries_made, c.c.claimed_by).where(c.c.invoice_id == invoice.id).with_for_update()
        ).first()
        if row is None or row.tries_made != tries_made or invoice.status != InvoiceState.OPEN:
            return None
        if me is not None and row.claimed_by != me:
            return None  # the claim lapsed and another process took the invoice: it collects it
        if _unresolved(conn, invoice.id) is not None:
            return None
        same = select(a.c.id).where(a.c.invoice_id == invoice.id, a.c.try_number == try_number, a.c.card_id == card.id)
        if conn.execute(same).first() is not None:
            return None
        # NOTE: R16, R18 only what is left: points and any transfer already received are not charged again.
        left = owed(invoice.amount_due, invoice.amount_credited, pay.amount_received(conn, invoice.id))
        if left <= 0:
            return None
        attempt_id = repo.new_id()
        attempt = dict(
            id=attempt_id,
            invoice_id=invoice.id,
            card_id=card.id,
            try_number=try_number,
            amount=left,
            currency=invoice.currency,
            idempotency_key=f"charge:{invoice.id}:{attempt_id}",
            outcome=AttemptOutcome.PENDING.value,
            attempted_at=now,
        )
        conn.execute(p.payment_attempts.insert(), attempt)
    return attempt


def charge_request(attempt, customer: str | None) -> ChargeRequest:
    """The charge an attempt asks for: the same request every time it is asked (R17: same key)."""
    return ChargeRequest(
        customer,  # type: ignore[arg-type]  (a card account has its gateway customer)
        attempt["token"],
        attempt["amount"],
        attempt["currency"],
        attempt["idempotency_key"],
        {"invoice_id": attempt["invoice_id"], "try": str(attempt["try_number"])},
    )


def _ask(gateway: PaymentGateway, conn: Connection | None, attempt) -> ChargeResult:
    """Send the attempt's charge: the one place a charge leaves fleetbill (a batch read the
    account's gateway customer already, into the attempt; a single try reads it here)."""
    if "customer" in attempt:
        customer = attempt["customer"]
    else:
        customer = pay.billing_settings(conn, attempt["account_id"]).gateway_customer
    return gateway.charge(charge_request(attempt, customer))


def _settle(db: Database, clock: Clock, attempt: dict, result: ChargeResult, report: CollectReport) -> bool:
    """Record the gateway's answer once; a success pays the invoice and lifts a suspension."""
    with db.transaction() as conn:
        return record_outcome(conn, clock.now(), attempt, result, report)


def record_outcome(conn: Connection, now: datetime, attempt: dict, result: ChargeResult, report: CollectReport) -> bool:
    """Record the gateway's answer once, in the caller's transaction; True if it paid the invoice."""
    a = p.payment_attempts
    changed = conn.execute(
        update(a)
        .where(a.c.id == attempt["id"], a.c.outcome.in_(sources(AttemptOutcome(result.outcome.value))))
        .values(
            outcome=result.outcome.value,
            code=result.code,
            message=result.message,
            reference=result.reference,
            resolved_at=None if result.outcome is ChargeOutcome.UNKNOWN else now,
        )
    ).rowcount
    if not changed or result.outcome is not ChargeOutcome.SUCCEEDED:
        return False
    invoice = conn.execute(select(t.invoices).where(t.invoices.c.id == attempt["invoice_id"]).with_for_update()).one()
    over = -owed(invoice.amount_due, invoice.amount_credited, pay.amount_received(conn, invoice.id) + attempt["amount"])
    if over > 0:
        # The money was taken: keep it on the record, and tell the customer (payment.received
        # says overpaid) and finance that the part above what was due must go back.
        audit(
            conn,
            now,
            "gateway",
            "refund.due",
            account_id=invoice.account_id,
            subject=invoice.number,
            amount=-over,
            currency=invoice.currency,
            reference=result.reference,
        )
    reference = result.reference or attempt["idempotency_key"]
    paid = receive_payment(
        conn, now, invoice, "card", attempt["amount"], reference, "gateway", attempt["id"], max(over, 0)
    )
    if paid:
        report.paid.append(invoice.id)
    return paid


def _charge(db: Database, gateway: PaymentGateway, clock: Clock, attempt: dict, report: CollectReport) -> ChargeResult:
    with db.read() as conn:
        result = _ask(gateway, conn, attempt)
    _settle(db, clock, attempt, result, report)
    if result.outcome is ChargeOutcome.UNKNOWN:
        report.unknown.append(attempt["invoice_id"])
    return result


def resolve_unknown(
    db: Database, gateway: PaymentGateway, clock: Clock, invoice_id: str, report: CollectReport
) -> ChargeOutcome | None:
    """Ask again, with the same key, about an attempt whose outcome is not known: its outcome now
    (UNKNOWN if still not known), or None when no attempt was left unresolved."""
    with db.read() as conn:
        row = _unresolved(conn, invoice_id)
        if row is None:
            return None
        card = conn.execute(select(p.cards.c.token).where(p.cards.c.id == row.card_id)).scalar_one()
        account_id = _invoice(conn, invoice_id).account_id
    attempt = dict(row._mapping) | {"token": card, "account_id": account_id}
    return _charge(db, gateway, clock, attempt, report).outcome


def try_invoice(
    db: Database,
    gateway: PaymentGateway,
    clock: Clock,
    policy: RetryPolicy,
    invoice_id: str,
    report: CollectReport,
    *,
    extra: bool = False,
    prefer_card: str | None = None,
) -> None:
    """One scheduled try (or, with `extra`, one more at once, e.g. for a new card): the default
    card (or `prefer_card`), then the other; then the next try is scheduled, or the account
    suspended. Nothing when another process's live claim holds the invoice: it is collecting it."""
    me = claims.claimant()
    if not claims.claim_invoice(db, clock.now(), me, invoice_id, LEASE):
        return
    try:
        _try_claimed(db, gateway, clock, policy, invoice_id, report, me, extra=extra, prefer_card=prefer_card)
    finally:
        claims.release(db, me, [invoice_id])


def _try_claimed(
    db: Database,
    gateway: PaymentGateway,
    clock: Clock,
    policy: RetryPolicy,
    invoice_id: str,
    report: CollectReport,
    me: str,
    *,
    extra: bool,
    prefer_card: str | None,
) -> None:
    with db.read() as conn:
        unresolved = _unresolved(conn, invoice_id)
    tried: set[str] = set()  # cards this try has charged already
    if unresolved is not None:
        # That attempt was this invoice's try: its answer decides, and nothing new is charged now,
        # unless it was a decline: then the try goes on with the cards it has not charged (R19).
        if resolve_unknown(db, gateway, clock, invoice_id, report) is not ChargeOutcome.DECLINED:
            return
        a = p.payment_attempts
        with db.read() as conn:
            tried = set(
                conn.execute(
                    select(a.c.card_id).where(a.c.invoice_id == invoice_id, a.c.try_number == unresolved.try_number)
                ).scalars()
            )
    now = clock.now()
    with db.transaction() as conn:
        coll = _lock_collection(conn, invoice_id)
        due = (
            coll is not None
            and coll.method == "card"
            and (
                (coll.state == CollectionState.COLLECTING and coll.next_try_at is not None and coll.next_try_at <= now)
                or (extra and coll.state in (CollectionState.COLLECTING, CollectionState.FAILED))
            )
        )
        if not due:
            return
        invoice = _invoice(conn, invoice_id)
        cards = charge_order(pay.load_cards(conn, invoice.account_id), now)
        cards.sort(key=lambda card: card.id != prefer_card)
        try_number = _last_try(conn, invoice_id) + 1 if extra else coll.tries_made + 1
        if tried and try_number != unresolved.try_number:
            return  # the declined attempt was not this scheduled try's (an extra one): nothing more now
        # A run that died after this try's declines and before counting the try left them on the
        # record: they count as tried, so this run goes on and counts it (R19), never charging again.
        tried |= _declined_in_try(conn, invoice_id, try_number)
    charged, cards = [c for c in cards if c.id in tried], [c for c in cards if c.id not in tried]
    declined = list(charged)
    for card in cards:
        attempt = _begin_attempt(db, invoice, card, try_number, coll.tries_made, now, me)
        if attempt is None:
            return
        attempt |= {"token": card.token, "account_id": invoice.account_id}
        result = _charge(db, gateway, clock, attempt, report)
        if result.outcome is ChargeOutcome.SUCCEEDED and declined:
            _tell_declined(db, clock, invoice, declined)
        if result.outcome is not ChargeOutcome.DECLINED:
            return  # paid, or unknown: resolved on the next run, never charged anew
        declined.append(card)
    _after_failed_try(db, clock, policy, invoice, coll, [*charged, *cards], report, extra)


def _declined_in_try(conn: Connection, invoice_id: str, try_number: int) -> set[str]:
    """The cards declined in try `try_number` of the invoice."""
    a = p.payment_attempts
    declined = select(a.c.card_id).where(
        a.c.invoice_id == invoice_id, a.c.try_number == try_number, a.c.outcome == AttemptOutcome.DECLINED
    )
    return set(conn.execute(declined).scalars())


def _last_try(conn: Connection, invoice_id: str) -> int:
    a = p.payment_attempts
    return conn.execute(select(func.coalesce(func.max(a.c.try_number), 0)).where(a.c.invoice_id == invoice_id)).scalar()


def _tell_declined(db: Database, clock: Clock, invoice, cards) -> None:
    """R19: the account is told when a card is declined, even if the other card then paid."""
    with db.transaction() as conn:
        tell_declined(conn, clock.now(), invoice, cards)


def tell_declined(conn: Connection, now: datetime, invoice, cards) -> None:
    """R19: invoice.payment_failed for each card declined before another paid, in the caller's transaction."""
    payload = dict(invoice=invoice_ref(invoice), reason="the card was declined", paid_by_other_card=True)
    record(
        conn,
        now,
        *(
            NewEvent(EventType.INVOICE_PAYMENT_FAILED, invoice.account_id, payload | {"card": card_ref(card)})
            for card in cards
        ),
    )


def _after_failed_try(db, clock, policy: RetryPolicy, invoice, coll, cards, report: CollectReport, extra: bool) -> None:
    with db.transaction() as conn:
        count_failed_try(conn, clock.now(), policy, invoice, coll, cards, report, extra)


def count_failed_try(
    conn: Connection, now: datetime, policy: RetryPolicy, invoice, coll, cards, report: CollectReport, extra: bool
) -> None:
    """R19: every card of the try declined (or none to charge): the try is counted once and the next
    scheduled, or, with none left, the account suspended (an unpaid upgrade cancelled instead)."""
    report.declined.append(invoice.id)
    why = "no card that can be charged is on file" if not cards else "the card was declined"
    # The invoice row first, as a transfer being recorded locks it: if it was paid meanwhile
    # (by a transfer, or another card), this failed try changes nothing and suspends nobody.
    status = conn.execute(select(t.invoices.c.status).where(t.invoices.c.id == invoice.id).with_for_update())
    if status.scalar() != InvoiceState.OPEN:
        return
    failed = dict(invoice=invoice_ref(invoice), reason=why)
    if extra:
        record(conn, now, NewEvent(EventType.INVOICE_PAYMENT_FAILED, invoice.account_id, failed | {"extra": True}))
        return
    first = coll.first_try_at or now
    tries = coll.tries_made + 1
    nxt = policy.next_try_at(first, tries)
    c = p.collections
    counted = conn.execute(
        update(c)
        .where(c.c.invoice_id == invoice.id, c.c.tries_made == coll.tries_made)
        .where(c.c.state.in_([CollectionState.COLLECTING, *sources(CollectionState.COLLECTING)]))
        .values(tries_made=tries, first_try_at=first, next_try_at=nxt, state=CollectionState.after_failed_try(nxt))
    ).rowcount
    if not counted:
        return  # another worker counted this try already
    failed |= dict(try_number=tries, next_try_at=nxt)
    record(conn, now, NewEvent(EventType.INVOICE_PAYMENT_FAILED, invoice.account_id, failed))
    if nxt is not None:
        return
    if cancel_unpaid_upgrade(conn, now, invoice):
        return
    suspend(conn, now, invoice, f"card payment failed {tries} times: {why}")
    report.suspended.append(invoice.account_id)


def cancel_unpaid_upgrade(conn: Connection, now: datetime, invoice) -> bool:
    """R10: an upgrade whose payment never came does not happen: the plan the account has stays on,
    and the upgrade's invoice is void (nothing was delivered for it). True if it was one."""
    if not cancel_upgrade_bought_by(conn, now, invoice):
        return False
    inv, void = t.invoices, InvoiceState.VOID
    conn.execute(update(inv).where(inv.c.id == invoice.id, inv.c.status.in_(sources(void))).values(status=void))
    audit(
        conn,
        now,
        "worker",
        "invoice.voided",
        account_id=invoice.account_id,
        subject=invoice.number,
        amount=-max(owed(invoice.amount_due, invoice.amount_credited, pay.amount_received(conn, invoice.id)), 0),
        currency=invoice.currency,
        reason="the upgrade it was for was never paid",
    )
    cancel_collection(conn, invoice.id)
    return True


def cancel_upgrade_bought_by(conn: Connection, now: datetime, invoice) -> bool:
    """R10: the upgrade a purchase invoice was for does not happen (its invoice never paid, or
    voided by a credit note): the plan the account has stays on. True if it was one."""
    pc = p.plan_changes
    cancelled = conn.execute(
        update(pc)
        .where(pc.c.purchase_invoice_id == invoice.id, pc.c.applied_at.is_(None), pc.c.cancelled_at.is_(None))
        .values(cancelled_at=now)
    ).rowcount
    if not cancelled:
        return False
    change = conn.execute(select(pc).where(pc.c.purchase_invoice_id == invoice.id)).one()
    voided = invoice_ref(invoice) | {"status": InvoiceState.VOID.value}
    record(conn, now, plan_changed(change, "cancelled", invoice=voided))
    return True


def collect_due(
    db: Database,
    gateway: PaymentGateway,
    clock: Clock,
    policy: RetryPolicy,
    progress=None,
    actor: str = "worker",
    timeline: Timeline = SERVER,
    settings: Settings | None = None,
) -> CollectReport:
    """R15, R19: every card invoice of the timeline's accounts whose try is due now, and every
    attempt whose outcome is still unknown (the close and the purchase opened their collections
    when they finalized them), in claimed batches charged FLEETBILL_COLLECT_CONCURRENCY at once."""
    from .collect_batch import collect_claimed_batches  # it builds on this module's steps

    settings = settings or Settings()
    report = CollectReport()
    handled = collect_claimed_batches(
        db,
        gateway,
        clock,
        policy,
        report,
        timeline=timeline,
        concurrency=settings.collect_concurrency,
        lease=timedelta(seconds=settings.collect_lease_seconds),
        progress=progress,
    )
    if handled:
        with db.transaction() as conn:
            audit(
                conn,
                clock.now(),
                actor,
                "collection.run",
                invoices=handled,
                paid=len(report.paid),
                declined=len(report.declined),
                unknown=len(report.unknown),
                suspended=len(report.suspended),
            )
    return report
