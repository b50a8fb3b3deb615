"""Cards on file (R17): add through the gateway's token, make default, remove; never edit."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ..adapters.db import payments_repo as pay
from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_payments as p
from ..adapters.db.engine import Database
from ..adapters.gateway.port import ATTACHED_ELSEWHERE, CardRejected, GatewayError, PaymentGateway
from ..clock import Clock
from ..domain.cards import MAX_CARDS, Card, card_expired
from ..domain.dunning import RetryPolicy
from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.lifecycle import CollectionState, InvoiceState
from .collect_invoice import CollectReport, try_invoice

log = logging.getLogger("fleetbill.cards")

NOT_THIS_ACCOUNTS = (
    "this card token belongs to another account: a card is added only from its own account's card "
    "form (or by the operator for that account); type the card in this account's form instead"
)
TOO_MANY = (
    f"an account keeps at most {MAX_CARDS} cards; remove one first "
    "(a card cannot be edited: add the new one, then remove the old)"
)


def gateway_customer(db: Database, gateway: PaymentGateway, clock: Clock, account) -> str:
    """The account's customer at the gateway, created the first time a card is added."""
    with db.read() as conn:
        row = pay.billing_settings(conn, account.id)
    if row is not None and row.gateway_customer:
        return row.gateway_customer
    customer = gateway.create_customer(account.id, account.billing_email, f"customer:{account.id}")
    with db.transaction() as conn:
        bs = p.billing_settings
        if pay.billing_settings(conn, account.id) is None:
            conn.execute(
                insert(bs),
                dict(
                    account_id=account.id,
                    collection_method="card",
                    gateway_customer=customer,
                    changed_by="system",
                    changed_at=clock.now(),
                ),
            )
        else:
            conn.execute(update(bs).where(bs.c.account_id == account.id).values(gateway_customer=customer))
    return customer


def add_card(
    db: Database, gateway: PaymentGateway, clock: Clock, account_id: str, token: str, make_default: bool = False
) -> Card:
    """Attach a tokenized card at the gateway and keep its token, brand, last 4 and expiry."""
    return _add_card(db, gateway, clock, account_id, token, make_default)[0]


def add_card_and_retry(
    db: Database,
    gateway: PaymentGateway,
    clock: Clock,
    policy: RetryPolicy,
    account_id: str,
    token: str,
    make_default: bool = False,
) -> tuple[Card, list[str]]:
    """R17, R19: add the card and charge the unpaid invoices to it at once; the invoices tried.
    The same token sent again (a reload, a double click) adds nothing and tries nothing again."""
    card, created = _add_card(db, gateway, clock, account_id, token, make_default)
    return card, retry_unpaid(db, gateway, clock, policy, account_id, card.id) if created else []


def _add_card(
    db: Database, gateway: PaymentGateway, clock: Clock, account_id: str, token: str, make_default: bool
) -> tuple[Card, bool]:
    token = token.strip()
    if not token or token.replace(" ", "").replace("-", "").isdigit():
        # NOTE: R17 a card number must not travel further than this, not even to the gateway's URL.
        raise InvalidInput("token must be the gateway's token for the card, never the card number itself")
    with db.read() as conn:
        account = repo.get_account(conn, account_id)
        on_file = pay.load_cards(conn, account_id)
        _refuse_another_accounts(conn, account_id, token)
    if any(c.token == token for c in on_file):
        return next(c for c in on_file if c.token == token), False
    if len(on_file) >= MAX_CARDS:
        raise Conflict(TOO_MANY)
    customer = gateway_customer(db, gateway, clock, account)
    # NOTE: R17 fleetbill asks whose the card is and decides itself, whatever the attach would say.
    if gateway.card_owner(token) not in (None, customer):
        raise InvalidInput(NOT_THIS_ACCOUNTS)
    saved = gateway.attach_card(customer, token, f"attach:{account_id}:{token}")
    if isinstance(saved, CardRejected) and saved.code == ATTACHED_ELSEWHERE:
        raise InvalidInput(NOT_THIS_ACCOUNTS)
    if isinstance(saved, CardRejected):
        # NOTE: R17 the gateway's message may quote what it was sent, which may be a card number pasted
        # where the token belongs: never repeat it.
        message = saved.message.replace(token, "the token sent")
        raise InvalidInput(f"the card was refused by the gateway ({saved.code}): {message}; try another card")
    if card_expired(saved.exp_month, saved.exp_year, clock.now(), account.timezone):  # NOTE: R17 its month, its zone
        _forget(gateway, account_id, saved)
        raise InvalidInput(
            f"the card expired in {saved.exp_month:02d}/{saved.exp_year}; add a card that is still valid"
        )
    with db.transaction() as conn:
        # The account's row is locked, not only its cards (there may be none yet): two adds at
        # once are decided one after the other, against the cards as the other left them.
        repo.lock_account(conn, account_id)
        _refuse_another_accounts(conn, account_id, saved.token)  # added there meanwhile: not detached, it is theirs
        on_file = pay.load_cards(conn, account_id, lock=True)
        same = [c for c in on_file if c.token == saved.token]
        if same:
            return same[0], False
        if len(on_file) >= MAX_CARDS:
            _forget(gateway, account_id, saved)
            raise Conflict(TOO_MANY)
        default = make_default or not on_file
        if default:
            conn.execute(update(p.cards).where(p.cards.c.account_id == account_id).values(is_default=False))
        card = Card(
            repo.new_id(),
            account_id,
            saved.token,
            saved.brand,
            saved.last4,
            saved.exp_month,
            saved.exp_year,
            default,
            account.timezone,
        )
        conn.execute(
            insert(p.cards),
            dict(
                id=card.id,
                account_id=account_id,
                gateway=gateway.name,
                token=card.token,
                brand=card.brand,
                last4=card.last4,
                exp_month=card.exp_month,
                exp_year=card.exp_year,
                is_default=default,
                added_at=clock.now(),
            ),
        )
    return card, True


def _refuse_another_accounts(conn: Connection, account_id: str, token: str) -> None:
    """NOTE: R17 a token that another account has (or had) on file is that account's card: refused
    here, from fleetbill's own records, even if a gateway would let it be attached again."""
    c = p.cards
    theirs = select(c.c.id).where(c.c.token == token, c.c.account_id != account_id).limit(1)
    if conn.execute(theirs).first() is not None:
        raise InvalidInput(NOT_THIS_ACCOUNTS)


def _forget(gateway: PaymentGateway, account_id: str, saved) -> None:
    """A card attached at the gateway a moment ago (or by Stripe.js) but refused here: not kept, so
    not left there either."""
    try:
        gateway.detach_card(saved.token, f"detach:{account_id}:{saved.token}")
    except GatewayError:
        log.warning("card %s of account %s refused but not detached at the gateway", saved.last4, account_id)


def _card(conn: Connection, account_id: str, card_id: str) -> Card:
    found = [c for c in pay.load_cards(conn, account_id, lock=True) if c.id == card_id]
    if not found:
        raise NotFound(f"no card {card_id} on file for account {account_id}")
    return found[0]


def make_default(conn: Connection, account_id: str, card_id: str) -> Card:
    card = _card(conn, account_id, card_id)
    conn.execute(update(p.cards).where(p.cards.c.account_id == account_id).values(is_default=False))
    conn.execute(update(p.cards).where(p.cards.c.id == card_id).values(is_default=True))
    return replace(card, is_default=True)  # as it now is, not as it was read


def _needs_a_card(conn: Connection, account_id: str) -> str | None:
    """Why the account must keep a card, if it must: an unpaid card invoice, or a paid plan."""
    if pay.collection_method(conn, account_id) == "bank_transfer":
        return None
    unpaid = conn.execute(
        select(t.invoices.c.number).where(
            t.invoices.c.account_id == account_id, t.invoices.c.status == InvoiceState.OPEN
        )
    ).first()
    if unpaid:
        return f"invoice {unpaid.number} is unpaid"
    account = repo.get_account(conn, account_id)
    versions = repo.load_price_versions(conn, [account.plan_id])[account.plan_id]
    if any(v.fixed_fee or any(tier.unit_price for tiers in v.tiers.values() for tier in tiers) for v in versions):
        return f"plan {account.plan_id} is a paid plan"
    return None


def remove_card(conn: Connection, now: datetime, account_id: str, card_id: str) -> None:
    """R17: refused when it would leave an unpaid invoice or a paid plan with no way to pay."""
    card = _card(conn, account_id, card_id)
    left = [c for c in pay.load_cards(conn, account_id) if c.id != card_id]
    valid = [c for c in left if not c.expired(now)]
    if not valid and (why := _needs_a_card(conn, account_id)):
        raise Conflict(f"this is the only card that can pay and {why}; add another card first, then remove this one")
    conn.execute(update(p.cards).where(p.cards.c.id == card_id).values(removed_at=now, is_default=False))
    if card.is_default and left:  # a card left on file is always the default, valid or not
        conn.execute(update(p.cards).where(p.cards.c.id == (valid or left)[0].id).values(is_default=True))


def remove_and_detach(db: Database, gateway: PaymentGateway, clock: Clock, account_id: str, card_id: str) -> None:
    """Take the card off file (refused as `remove_card` says), then ask the gateway to forget it."""
    with db.transaction() as conn:
        card = _card(conn, account_id, card_id)
        remove_card(conn, clock.now(), account_id, card_id)
    try:
        gateway.detach_card(card.token, f"detach:{card_id}")
    except GatewayError as e:  # the card is off file already; the gateway forgets it later
        log.warning("card %s removed, but the gateway did not detach it: %s", card_id, e)


def retry_unpaid(
    db: Database, gateway: PaymentGateway, clock: Clock, policy: RetryPolicy, account_id: str, card_id: str
) -> list[str]:
    """R19: a new card while an invoice is unpaid: charge it again at once, with that card first.
    Returns the invoices tried."""
    c = p.collections
    with db.read() as conn:
        unpaid = (
            conn.execute(
                select(c.c.invoice_id).where(
                    c.c.account_id == account_id,
                    c.c.method == "card",
                    c.c.state.in_([CollectionState.COLLECTING, CollectionState.FAILED]),
                )
            )
            .scalars()
            .all()
        )
    report = CollectReport()
    for invoice_id in unpaid:
        try_invoice(db, gateway, clock, policy, invoice_id, report, extra=True, prefer_card=card_id)
    return list(unpaid)
