"""Collection in batches (issue 11 item 3; R15-R19): a run claims the invoices to collect a batch
at a time (services/collection_claims), reads what the batch needs in one go, writes every
attempt of a round in one transaction before any of its charges is sent, sends them with bounded
concurrency, and records the round's answers in one transaction. The rules are try_invoice's:
an attempt whose outcome is not known is asked first, with its own key, and its answer decides;
the default card, then the other; a decline told when the other card pays; a try whose cards all
declined counted once, the next scheduled or the account suspended (R19).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db.engine import Database
from ..adapters.gateway.port import ChargeOutcome, ChargeResult, PaymentGateway
from ..clock import Clock
from ..domain.cards import Card, charge_order
from ..domain.dunning import RetryPolicy
from ..domain.lifecycle import UNRESOLVED, AttemptOutcome, CollectionState, InvoiceState, owed
from . import collect_invoice as one
from . import collection_claims as claims
from .collection_claims import among
from .paid_charges import amounts_received, record_paid_charges
from .timeline import Timeline

log = logging.getLogger("fleetbill.collect")

# A batch is this many rounds of `concurrency` charges: enough to keep the gateway busy while the
# database records the round before, few enough that a claim outlives the batch by far.
BATCH_ROUNDS = 4
# Batches in progress at once in one run (PostgreSQL): while one waits for the gateway, the other
# reads and records, so the database and the gateway's latency overlap.
LANES = 2


@dataclass
class _Job:
    """One claimed invoice on its way through a try."""

    invoice: Any  # its row as read for the batch
    coll: Any  # its collection's row
    customer: str | None  # the account's customer at the gateway
    cards: list[Card] = field(default_factory=list)  # the cards this try has still to charge, in order
    declined: list[Card] = field(default_factory=list)  # the cards declined in this try
    considered: list[Card] = field(default_factory=list)  # every card this try could charge
    try_number: int = 0


@dataclass
class _Batch:
    """What a batch reads at once: its invoices, their attempts, cards and customers."""

    jobs: dict[str, _Job]
    attempts: dict[str, list[Any]]  # invoice id -> its attempts, oldest first
    unresolved: dict[str, dict]  # invoice id -> the attempt to ask about again, as it was asked
    cards: dict[str, list[Card]]  # account id -> its cards on file, default first


def collect_claimed_batches(
    db: Database,
    gateway: PaymentGateway,
    clock: Clock,
    policy: RetryPolicy,
    report: one.CollectReport,
    *,
    timeline: Timeline,
    concurrency: int,
    lease: timedelta,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Claim and collect batch after batch until nothing is left to claim; how many invoices were
    handled. Every claim is held until the run ends (an answer still unknown is not asked twice in
    one run), then let go; a run that dies lets its claims lapse."""
    me = claims.claimant()
    total = claims.count_to_collect(db, clock.now(), timeline) if progress else 0
    handled, counting = [0], threading.Lock()

    def lane(pool: ThreadPoolExecutor) -> None:
        while ids := claims.claim_batch(db, clock.now(), me, concurrency * BATCH_ROUNDS, lease, timeline):
            _collect(db, gateway, clock, policy, pool, ids, me, lease, report)
            with counting:
                handled[0] += len(ids)
                done = handled[0]
            if progress:
                progress("collecting", done, max(total, done))

    # SQLite has one writer: one lane; PostgreSQL: a batch's database work overlaps another's charges.
    lanes = LANES if db.dialect == "postgresql" else 1
    try:
        with ThreadPoolExecutor(concurrency, thread_name_prefix="charge") as pool:
            if lanes == 1:
                lane(pool)
            else:
                with ThreadPoolExecutor(lanes, thread_name_prefix="collect") as running:
                    for each in [running.submit(lane, pool) for _ in range(lanes)]:
                        each.result()
    finally:
        claims.release(db, me)
    return handled[0]


def _collect(db, gateway, clock, policy, pool, ids: list[str], me: str, lease: timedelta, report) -> None:
    now = clock.now()
    batch = _read(db, ids)
    # An attempt whose outcome is not known was its invoice's try: asked first, with its own key.
    asking = [(batch.jobs[i], attempt) for i, attempt in batch.unresolved.items() if i in batch.jobs]
    trying: list[_Job] = []
    for job, answer in _settle(db, clock, policy, asking, _send(gateway, pool, asking), report):
        if answer is ChargeOutcome.DECLINED:  # the try goes on with the cards it has not charged (R19)
            trying += _start_try(batch, job, now, after=batch.unresolved[job.invoice.id]["try_number"])
    trying += [
        j for i, j in batch.jobs.items() if i not in batch.unresolved for j in _start_try(batch, j, now, after=None)
    ]
    # Rounds: each invoice's next card, until each is paid, unknown, or out of cards.
    while trying := [j for j in trying if _out_of_cards(db, clock, policy, j, report)]:
        flights = _begin_attempts(
            db, trying, now, me, until=clock.now() + lease
        )  # a lease from now, not the batch's start
        answers = _settle(db, clock, policy, flights, _send(gateway, pool, flights), report)
        trying = [job for job, answer in answers if answer is ChargeOutcome.DECLINED]


def _read(db: Database, ids: list[str]) -> _Batch:
    """The batch's invoices, collections, attempts, cards and gateway customers, in a few queries."""
    inv, c, a, bs = t.invoices, p.collections, p.payment_attempts, p.billing_settings
    with db.read() as conn:
        invoices = {r.id: r for r in conn.execute(select(inv).where(among(conn, inv.c.id, ids)))}
        colls = {r.invoice_id: r for r in conn.execute(select(c).where(among(conn, c.c.invoice_id, ids)))}
        attempts: dict[str, list[Any]] = defaultdict(list)
        for row in conn.execute(select(a).where(among(conn, a.c.invoice_id, ids)).order_by(a.c.attempted_at, a.c.id)):
            attempts[row.invoice_id].append(row)
        accounts = {i.account_id for i in invoices.values()}
        customers = dict(
            conn.execute(
                select(bs.c.account_id, bs.c.gateway_customer).where(among(conn, bs.c.account_id, accounts))
            ).all()
        )
        cards = _cards_on_file(conn, accounts)
        first_unresolved = {
            i: next(r for r in rows if r.outcome in UNRESOLVED)
            for i, rows in attempts.items()
            if any(r.outcome in UNRESOLVED for r in rows)
        }
        tokens = dict(
            conn.execute(
                select(p.cards.c.id, p.cards.c.token).where(
                    among(conn, p.cards.c.id, {r.card_id for r in first_unresolved.values()})
                )
            ).all()
        )
    jobs = {
        i: _Job(invoices[i], colls[i], customers.get(invoices[i].account_id))
        for i in ids
        if i in invoices and i in colls
    }
    unresolved = {
        i: dict(r._mapping) | {"token": tokens[r.card_id], "account_id": invoices[i].account_id}
        for i, r in first_unresolved.items()
    }
    return _Batch(jobs, attempts, unresolved, cards)


def _cards_on_file(conn: Connection, accounts: set[str]) -> dict[str, list[Card]]:
    """Each account's cards not removed, default first (payments_repo.load_cards, for many accounts)."""
    cards, accts = p.cards, t.accounts
    q = (
        select(cards, accts.c.timezone.label("account_timezone"))
        .join(accts, accts.c.id == cards.c.account_id)
        .where(among(conn, cards.c.account_id, accounts), cards.c.removed_at.is_(None))
        .order_by(cards.c.account_id, cards.c.is_default.desc(), cards.c.added_at)
    )
    found: dict[str, list[Card]] = defaultdict(list)
    for r in conn.execute(q):
        found[r.account_id].append(
            Card(
                r.id, r.account_id, r.token, r.brand, r.last4, r.exp_month, r.exp_year, r.is_default, r.account_timezone
            )
        )
    return found


def _start_try(batch: _Batch, job: _Job, now: datetime, after: int | None) -> list[_Job]:
    """The job, ready for its scheduled try's cards, if that try is due (try_invoice's rules):
    after a declined unresolved attempt (`after`: its try), only when it was this try's."""
    coll = job.coll
    if not (coll.method == "card" and coll.state == CollectionState.COLLECTING and coll.next_try_at is not None):
        return []
    if coll.next_try_at > now:
        return []
    job.try_number = coll.tries_made + 1
    if after is not None and job.try_number != after:
        return []  # the declined attempt was an extra try's: nothing more now
    this_try = [r for r in batch.attempts.get(job.invoice.id, ()) if r.try_number == job.try_number]
    # NOTE: R19 a card charged in this try is not charged again in it; those declined count as
    # tried (a run that died after them goes on and counts the try, never charging again).
    tried = {r.card_id for r in this_try if after is not None or r.outcome == AttemptOutcome.DECLINED}
    order = charge_order(batch.cards.get(job.invoice.account_id, []), now)
    job.considered = order
    job.declined = [card for card in order if card.id in tried]
    job.cards = [card for card in order if card.id not in tried]
    return [job]


def _out_of_cards(db, clock, policy, job: _Job, report) -> bool:
    """True while the job has a card left to charge in its try; with none, the try is counted (R19)."""
    if job.cards:
        return True
    one._after_failed_try(db, clock, policy, job.invoice, job.coll, job.considered, report, False)
    return False


def _begin_attempts(db: Database, jobs: list[_Job], now: datetime, me: str, until: datetime):
    """Write each job's next attempt before any is sent, in one transaction, under the invoices' and
    collections' row locks, unless something changed since the batch was read (another process, a
    transfer, a credit note: try_invoice's _begin_attempt checks, for many); the (job, attempt) written."""
    inv, a = t.invoices, p.payment_attempts
    ids = sorted(j.invoice.id for j in jobs)
    flights = []
    with db.transaction() as conn:
        # The invoices first, as record_transfer locks them, in one order so that no two runs deadlock.
        invoices = {
            r.id: r
            for r in conn.execute(select(inv).where(among(conn, inv.c.id, ids)).order_by(inv.c.id).with_for_update())
        }
        mine = claims.still_mine(conn, me, ids)
        tries = dict(
            conn.execute(
                select(p.collections.c.invoice_id, p.collections.c.tries_made).where(
                    among(conn, p.collections.c.invoice_id, ids)
                )
            ).all()
        )
        known = conn.execute(
            select(a.c.invoice_id, a.c.try_number, a.c.card_id, a.c.outcome).where(among(conn, a.c.invoice_id, ids))
        ).all()
        unresolved = {r.invoice_id for r in known if r.outcome in UNRESOLVED}
        charged = {(r.invoice_id, r.try_number, r.card_id) for r in known}
        received = amounts_received(conn, ids)
        for job in sorted(jobs, key=lambda j: j.invoice.id):
            invoice, card = invoices[job.invoice.id], job.cards[0]
            if job.invoice.id not in mine or tries.get(invoice.id) != job.coll.tries_made:
                continue
            if invoice.status != InvoiceState.OPEN or invoice.id in unresolved:
                continue
            if (invoice.id, job.try_number, card.id) in charged:
                continue
            # NOTE: R16, R18 only what is left: points and any transfer already received are not charged again.
            left = owed(invoice.amount_due, invoice.amount_credited, received[invoice.id])
            if left <= 0:
                continue
            attempt_id = repo.new_id()
            flights.append(
                (
                    job,
                    dict(
                        id=attempt_id,
                        invoice_id=invoice.id,
                        card_id=card.id,
                        try_number=job.try_number,
                        amount=left,
                        currency=invoice.currency,
                        idempotency_key=f"charge:{invoice.id}:{attempt_id}",
                        outcome=AttemptOutcome.PENDING.value,
                        attempted_at=now,
                    ),
                )
            )
        if flights:
            conn.execute(insert(a), [attempt for _, attempt in flights])
            claims.extend(conn, me, [job.invoice.id for job, _ in flights], until)
    return [
        (job, attempt | {"token": job.cards[0].token, "account_id": job.invoice.account_id}) for job, attempt in flights
    ]


def _send(gateway: PaymentGateway, pool: ThreadPoolExecutor, flights) -> list[ChargeResult]:
    """Every flight's charge, at most the pool's size at once; answers in the flights' order."""
    attempts = [attempt | {"customer": job.customer} for job, attempt in flights]
    return list(pool.map(lambda attempt: _charge(gateway, attempt), attempts))


def _charge(gateway: PaymentGateway, attempt: dict) -> ChargeResult:
    try:
        return one._ask(gateway, None, attempt)
    except Exception as error:  # a gateway adapter returns its failures; anything else is no answer
        log.exception("the gateway raised on %s: asked again with the same key", attempt["idempotency_key"])
        return ChargeResult(ChargeOutcome.UNKNOWN, code="error", message=str(error)[:300])


def _settle(db, clock, policy, flights, answers: list[ChargeResult], report) -> list[tuple[_Job, ChargeOutcome]]:
    """Record a round's answers in one transaction (try_invoice's _settle and _tell_declined, for
    many); each job with its answer. A declined card joins its job's declined cards."""
    if not flights:
        return []
    now = clock.now()
    answered = sorted(zip(flights, answers, strict=True), key=lambda f: f[0][0].invoice.id)
    with db.transaction() as conn:
        paid_together = record_paid_charges(conn, now, [(f, r) for f, r in answered if _plain_success(f[1], r)], report)
        for (job, attempt), result in answered:
            if attempt["id"] not in paid_together:
                one.record_outcome(conn, now, attempt, result, report)
            if result.outcome is ChargeOutcome.UNKNOWN:
                report.unknown.append(job.invoice.id)  # asked again by the next run, never charged anew
            elif result.outcome is ChargeOutcome.SUCCEEDED and job.declined:
                one.tell_declined(conn, now, job.invoice, job.declined)
            elif result.outcome is ChargeOutcome.DECLINED and job.cards and job.cards[0].id == attempt["card_id"]:
                job.declined.append(job.cards.pop(0))
    return [(job, result.outcome) for (job, _), result in answered]


def _plain_success(attempt: dict, result: ChargeResult) -> bool:
    return result.outcome is ChargeOutcome.SUCCEEDED and attempt["outcome"] == AttemptOutcome.PENDING
