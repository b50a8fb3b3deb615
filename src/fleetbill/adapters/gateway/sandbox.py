"""The sandbox gateway: an embedded card processor for development and tests, with no network and
no account anywhere. It answers Stripe's documented test cards the way Stripe does.

Tokens describe their card (brand, last 4, expiry, behaviour) so that any process can use them;
the charges it made are kept in memory, by idempotency key. Webhooks are signed with Standard
Webhooks.

A latency (FLEETBILL_SANDBOX_LATENCY_MS) makes every charge and refund wait before it answers, as a
real gateway's network and bank do, so that a benchmark of collection is honest. A journal file
(FLEETBILL_SANDBOX_JOURNAL, for tests and benchmarks) keeps the charges across processes: every
process that names it answers a known idempotency key with its first result, as Stripe does, and
the charges of a process killed in the middle can still be counted.

A token belongs to one customer, as a Stripe PaymentMethod does (R17): one made through a card
setup for a customer (the billing page's form, like a Stripe SetupIntent) carries that customer,
signed with a key derived from the webhook secret so that no one can rewrite it; one made without
(like `createPaymentMethod`) belongs to the first customer it is attached to. Neither can be
attached to, or charged for, another customer.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from .events import card_update_payload, event_payload, webhook_event
from .port import (
    ATTACHED_ELSEWHERE,
    ATTACHED_ELSEWHERE_MESSAGE,
    Card,
    CardRejected,
    ChargeOutcome,
    ChargeRequest,
    ChargeResult,
    InvalidWebhook,
    RefundRequest,
    WebhookEvent,
)

TOKEN_PREFIX = "pm_sb"


class Behaviour(StrEnum):
    """What a card does, by Stripe's test card numbers (docs.stripe.com/testing)."""

    OK = "ok"
    DECLINED_AT_ATTACH = "attachdecline"  # 4000 0000 0000 0002
    DECLINED = "decline"  # 4000 0000 0000 0341: attaches, then every charge is declined
    EXPIRED = "expired"  # 4000 0000 0000 0069
    INSUFFICIENT_FUNDS = "nofunds"  # 4000 0000 0000 9995
    PROCESSING_ERROR = "processing"  # 4000 0000 0000 0119
    AUTHENTICATION_REQUIRED = "auth"  # 4000 0025 0000 3155: the bank wants the cardholder (3-D Secure)


TEST_CARDS = {
    "4000000000000002": Behaviour.DECLINED_AT_ATTACH,
    "4000000000000341": Behaviour.DECLINED,
    "4000000000000069": Behaviour.EXPIRED,
    "4000000000009995": Behaviour.INSUFFICIENT_FUNDS,
    "4000000000000119": Behaviour.PROCESSING_ERROR,
    "4000002500003155": Behaviour.AUTHENTICATION_REQUIRED,
}

# The codes and messages Stripe reports for each decline.
CHARGE_DECLINES = {
    Behaviour.DECLINED: ("card_declined", "Your card was declined."),
    Behaviour.EXPIRED: ("expired_card", "Your card has expired."),
    Behaviour.INSUFFICIENT_FUNDS: ("insufficient_funds", "Your card has insufficient funds."),
    Behaviour.PROCESSING_ERROR: ("processing_error", "An error occurred while processing your card."),
    Behaviour.AUTHENTICATION_REQUIRED: ("authentication_required", "This payment needs the cardholder to confirm it."),
}

# Longest prefix first; the names are Stripe's `card.brand` values.
BRAND_PREFIXES = (
    ("34", "amex"),
    ("37", "amex"),
    ("35", "jcb"),
    ("30", "diners"),
    ("36", "diners"),
    ("38", "diners"),
    ("62", "unionpay"),
    ("6", "discover"),
    ("5", "mastercard"),
    ("2", "mastercard"),
    ("4", "visa"),
)


@dataclass(frozen=True, slots=True)
class SandboxCard:
    """What a sandbox token says about its card."""

    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    behaviour: Behaviour
    card_id: str = ""  # the random part: the card's identity, whoever's customer it is bound to
    binding: str = ""  # "<customer, hex>-<signature>" when made through a card setup for a customer


@dataclass(frozen=True, slots=True)
class SandboxCharge:
    """A charge the sandbox made (money that a real gateway would have taken)."""

    reference: str
    customer: str
    card_token: str
    amount: int
    currency: str
    idempotency_key: str
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Fault:
    outcome: ChargeOutcome
    after_charging: bool
    code: str


def luhn_valid(digits: str) -> bool:
    """True when the number passes the Luhn check that every card number carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def card_brand(digits: str) -> str:
    """The brand Stripe would report for a card number, from its first digits."""
    return next((brand for prefix, brand in BRAND_PREFIXES if digits.startswith(prefix)), "unknown")


def parse_token(token: str) -> SandboxCard | None:
    """The card a sandbox token describes, or None when it is not one."""
    parts = token.split("_")
    if len(parts) not in (8, 9) or "_".join(parts[:2]) != TOKEN_PREFIX:
        return None
    _, _, card_id, brand, last4, month, year, behaviour = parts[:8]
    binding = parts[8] if len(parts) == 9 else ""
    try:
        return SandboxCard(token, brand, last4, int(month), int(year), Behaviour(behaviour), card_id, binding)
    except ValueError:
        return None


def tokenize(number: str, exp_month: int, exp_year: int, cvc: str) -> str:
    """What the gateway's browser library does: check the card and return a token for it. The token
    keeps only the brand, last 4 digits and expiry, never the number (R17)."""
    digits = number.replace(" ", "")
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise ValueError("the card number must be 12 to 19 digits (spaces allowed)")
    if not luhn_valid(digits):
        raise ValueError("the card number is invalid (it fails the Luhn check): check for a typo")
    if not 1 <= exp_month <= 12:
        raise ValueError(f"the expiry month must be 1 to 12, not {exp_month}")
    exp_year = exp_year + 2000 if exp_year < 100 else exp_year
    if not 2000 <= exp_year <= 2099:
        raise ValueError(f"the expiry year {exp_year} is not valid")
    if not (cvc.isdigit() and len(cvc) in (3, 4)):
        raise ValueError("the security code (CVC) must be 3 or 4 digits")
    behaviour = TEST_CARDS.get(digits, Behaviour.OK)
    random = secrets.token_hex(6)
    return f"{TOKEN_PREFIX}_{random}_{card_brand(digits)}_{digits[-4:]}_{exp_month:02d}_{exp_year}_{behaviour}"


def _binding(card_id: str, customer: str, key: bytes) -> str:
    """The part of a token that binds it to `customer`: the customer, and a signature no one else can make."""
    mark = hmac.new(key, f"{card_id}:{customer}".encode(), hashlib.sha256).hexdigest()[:20]
    return f"{customer.encode().hex()}-{mark}"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:24]


class SandboxGateway:
    """The embedded default gateway: Stripe's test cards, in memory, no network."""

    name = "sandbox"

    def __init__(self, webhook_secret: str = "", latency_ms: int = 0, journal: str = "") -> None:
        # No default secret in the code: anyone could sign events with it. The app passes the
        # installation's (settings.sandbox_webhook_secret); without one, this instance makes its own.
        webhook_secret = webhook_secret or "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        self._webhook = Webhook(webhook_secret)
        # Signs the customer into a token made through a card setup: every process with the same
        # (installation's) secret reads it, so the token endpoint and the server agree.
        self._binding_key = hmac.new(webhook_secret.encode(), b"fleetbill sandbox card owners", hashlib.sha256).digest()
        self._owners: dict[str, str] = {}  # card id -> the customer an unbound token was first attached to
        self._lock = threading.Lock()
        self._results: dict[str, tuple[ChargeRequest, ChargeResult]] = {}
        self._charges: list[SandboxCharge] = []
        self._detached: list[str] = []
        self._updated: set[str] = set()  # tokens the account updater renewed
        self._fault: _Fault | None = None
        self._latency = 0.0  # seconds every charge waits before it is answered
        self.set_latency(latency_ms / 1000)
        self._journal = _Journal(journal) if journal else None
        self._refunds: dict[str, tuple[RefundRequest, ChargeResult]] = {}  # by idempotency key
        self._refunded: dict[str, int] = {}  # charge reference -> refunded so far
        self._refund_fault: bool | None = None  # the next refund's answer is lost: after refunding, or before

    tokenize = staticmethod(tokenize)

    @property
    def charges(self) -> tuple[SandboxCharge, ...]:
        """The charges made so far, in order: a replayed idempotency key adds none."""
        with self._lock:
            return tuple(self._charges)

    @property
    def detached(self) -> tuple[str, ...]:
        """The tokens detached so far."""
        return tuple(self._detached)

    def create_customer(self, account_id: str, email: str, idempotency_key: str) -> str:
        """A customer id derived from the idempotency key, so a retry gives the same one."""
        return f"cus_sb_{_digest(idempotency_key)}"

    def card_setup_secret(self, customer: str, idempotency_key: str) -> str:
        """What the billing page's card form sends with the card, as a SetupIntent's client secret:
        the token endpoint then makes a token that belongs to this customer alone."""
        return f"seti_sb_{_binding('setup', customer, self._binding_key)}"

    def tokenize_for_setup(self, setup_secret: str, number: str, exp_month: int, exp_year: int, cvc: str) -> str:
        """A token for the card that belongs to the setup's customer; ValueError for a setup secret
        this gateway did not make."""
        customer = self._setup_customer(setup_secret)
        if customer is None:
            raise ValueError("this card form has expired: reload the page and type the card again")
        token = tokenize(number, exp_month, exp_year, cvc)
        card = parse_token(token)
        assert card is not None
        return f"{token}_{_binding(card.card_id, customer, self._binding_key)}"

    def _setup_customer(self, setup_secret: str) -> str | None:
        hex_customer, _, _ = setup_secret.removeprefix("seti_sb_").partition("-")
        return self._bound(hex_customer, "setup", setup_secret.removeprefix("seti_sb_"))

    def _bound(self, hex_customer: str, card_id: str, binding: str) -> str | None:
        """The customer a binding names, if this gateway signed it."""
        try:
            customer = bytes.fromhex(hex_customer).decode()
        except ValueError:
            return None
        return customer if hmac.compare_digest(binding, _binding(card_id, customer, self._binding_key)) else None

    def card_owner(self, token: str) -> str | None:
        """NOTE: R17 the customer the token belongs to: the one its card setup was for, or the one it
        was first attached to; None when it belongs to no one yet (or is no sandbox token)."""
        card = parse_token(token)
        if card is None:
            return None
        if card.binding:
            return self._bound(card.binding.partition("-")[0], card.card_id, card.binding)
        return self._owners.get(card.card_id)

    def attach_card(self, customer: str, token: str, idempotency_key: str) -> Card | CardRejected:
        """The card the token describes, or Stripe's refusal: a card declined at attach, or one that
        belongs to another customer."""
        card = parse_token(token)
        if card is None or (card.binding and self.card_owner(token) is None):
            return CardRejected("resource_missing", f"No such PaymentMethod: {token!r}")
        with self._lock:
            owner = self.card_owner(token)
            if owner not in (None, customer):
                return CardRejected(ATTACHED_ELSEWHERE, ATTACHED_ELSEWHERE_MESSAGE)
            if card.behaviour is Behaviour.DECLINED_AT_ATTACH:
                return CardRejected("card_declined", "Your card was declined.")
            self._owners.setdefault(card.card_id, customer)
        return Card(token, card.brand, card.last4, card.exp_month, card.exp_year)

    def detach_card(self, token: str, idempotency_key: str) -> None:
        """Nothing to forget in the sandbox: the detach is only recorded."""
        self._detached.append(token)

    def fail_next(
        self, outcome: ChargeOutcome = ChargeOutcome.UNKNOWN, after_charging: bool = True, code: str | None = None
    ) -> None:
        """Make the next charge go wrong. UNKNOWN: the caller gets a timeout, and the charge was made
        (after_charging) or not; asking again with the same key then tells what happened.
        DECLINED: the charge is declined with `code` (card_declined by default), as a real decline."""
        if outcome is ChargeOutcome.SUCCEEDED:
            raise ValueError("fail_next makes a charge fail: UNKNOWN or DECLINED")
        default_code = "timeout" if outcome is ChargeOutcome.UNKNOWN else "card_declined"
        self._fault = _Fault(ChargeOutcome(outcome), after_charging, code or default_code)

    @property
    def pending_fault(self) -> _Fault | None:
        """What the next charge will suffer, if anything (test mode shows it)."""
        return self._fault

    @property
    def latency(self) -> float:
        return self._latency

    def set_latency(self, seconds: float) -> None:
        """Answer every charge after `seconds` (0: at once), as a slow gateway would."""
        if seconds < 0:
            raise ValueError("a latency is never negative")
        self._latency = seconds

    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Charge the card as its token's behaviour says; a known idempotency key replays its result."""
        if self._latency:
            time.sleep(self._latency)  # outside the lock: a slow answer does not hold up the others
        with self._lock, self._shared():
            fault, self._fault = self._fault, None
            if fault and fault.outcome is ChargeOutcome.UNKNOWN:
                if fault.after_charging:
                    self._charge_once(request, None)
                return ChargeResult(ChargeOutcome.UNKNOWN, code=fault.code, message="The gateway did not answer.")
            return self._charge_once(request, fault)

    def _shared(self):
        """Under the journal's lock, with what other processes charged read in (no journal: nothing)."""
        if self._journal is None:
            return _NO_JOURNAL
        return self._journal.locked(self._learn)

    def _learn(self, line: dict) -> None:
        request = ChargeRequest(
            line["customer"], line["card_token"], line["amount"], line["currency"], line["key"], line["metadata"]
        )
        result = ChargeResult(ChargeOutcome(line["outcome"]), line["reference"], line["code"], line["message"])
        self._remember(request, result)

    def _remember(self, request: ChargeRequest, result: ChargeResult) -> None:
        self._results[request.idempotency_key] = (request, result)
        if result.outcome is ChargeOutcome.SUCCEEDED:
            self._charges.append(
                SandboxCharge(
                    result.reference or "",
                    request.customer,
                    request.card_token,
                    request.amount,
                    request.currency,
                    request.idempotency_key,
                    dict(request.metadata),
                )
            )

    def _charge_once(self, request: ChargeRequest, fault: _Fault | None) -> ChargeResult:
        known = self._results.get(request.idempotency_key)
        if known is not None:
            first_request, first_result = known
            if first_request != request:
                return _declined("idempotency_error", "This idempotency key was used with different parameters.", None)
            return first_result
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal  # refused before anything started: like Stripe, nothing is remembered
        result = self._decide(request, fault)
        self._remember(request, result)
        if self._journal is not None:
            self._journal.append(
                dict(
                    key=request.idempotency_key,
                    customer=request.customer,
                    card_token=request.card_token,
                    amount=request.amount,
                    currency=request.currency,
                    metadata=dict(request.metadata),
                    outcome=result.outcome.value,
                    reference=result.reference,
                    code=result.code,
                    message=result.message,
                )
            )
        return result

    def _refusal(self, request: ChargeRequest) -> ChargeResult | None:
        if request.amount <= 0:
            return _declined("invalid_request", f"The amount must be positive, not {request.amount}.", None)
        if parse_token(request.card_token) is None:
            return _declined("resource_missing", f"No such PaymentMethod: {request.card_token!r}", None)
        if self.card_owner(request.card_token) not in (None, request.customer):
            # As Stripe: a customer's charge can only use that customer's saved card.
            return _declined("resource_missing", "The customer has no such saved card.", None)
        return None

    def _decide(self, request: ChargeRequest, fault: _Fault | None) -> ChargeResult:
        reference = f"pi_sb_{_digest(request.idempotency_key)}"
        if fault is not None:
            return _declined(fault.code, "Your card was declined.", reference)
        card = parse_token(request.card_token)
        assert card is not None  # checked by _refusal
        behaviour = card.behaviour
        if behaviour is Behaviour.EXPIRED and card.token in self._updated:
            behaviour = Behaviour.OK  # the account updater gave the card a new expiry
        if behaviour in CHARGE_DECLINES:
            code, message = CHARGE_DECLINES[behaviour]
            return _declined(code, message, reference)
        return ChargeResult(ChargeOutcome.SUCCEEDED, reference=reference)

    @property
    def refunds(self) -> tuple[tuple[str, int, str], ...]:
        """The refunds made so far: (charge reference, amount, idempotency key); a replayed key adds none."""
        with self._lock:
            return tuple(
                (r.payment_reference, r.amount, key)
                for key, (r, result) in self._refunds.items()
                if result.outcome is ChargeOutcome.SUCCEEDED
            )

    def lose_next_refund_answer(self, after_refunding: bool = True) -> None:
        """The next refund times out: made first (after_refunding) or not; asking again tells."""
        self._refund_fault = after_refunding

    def refund(self, request: RefundRequest) -> ChargeResult:
        """Refund part or all of a charge this sandbox made; a known idempotency key replays its result."""
        if self._latency:
            time.sleep(self._latency)
        with self._lock, self._shared():
            fault, self._refund_fault = self._refund_fault, None
            if fault is not None:
                if fault:
                    self._refund_once(request)
                return ChargeResult(ChargeOutcome.UNKNOWN, code="timeout", message="The gateway did not answer.")
            return self._refund_once(request)

    def _refund_once(self, request: RefundRequest) -> ChargeResult:
        known = self._refunds.get(request.idempotency_key)
        if known is not None:
            first, result = known
            if first != request:
                return _declined("idempotency_error", "This idempotency key was used with different parameters.", None)
            return result
        charged = next((c for c in self._charges if c.reference == request.payment_reference), None)
        if charged is None:
            return _declined("resource_missing", f"No such payment: {request.payment_reference!r}", None)
        left = charged.amount - self._refunded.get(charged.reference, 0)
        if request.amount <= 0 or request.amount > left:
            # As Stripe: refused, and nothing remembered (a right amount with a new key may follow).
            return _declined("amount_too_large", f"Refund amount ({request.amount}) is greater than {left}.", None)
        self._refunded[charged.reference] = self._refunded.get(charged.reference, 0) + request.amount
        result = ChargeResult(ChargeOutcome.SUCCEEDED, reference=f"re_sb_{_digest(request.idempotency_key)}")
        self._refunds[request.idempotency_key] = (request, result)
        return result

    def account_updater_event(
        self, token: str, last4: str, exp_month: int, exp_year: int
    ) -> tuple[bytes, dict[str, str]]:
        """A signed `payment_method.automatically_updated` event, as the card networks' account
        updater would cause (R19); later charges on an expired card then succeed."""
        card = parse_token(token)
        self._updated.add(token)
        details = {"last4": last4, "exp_month": exp_month, "exp_year": exp_year, "brand": card and card.brand}
        event_id = f"evt_sb_{secrets.token_hex(12)}"
        body = json.dumps(card_update_payload(event_id, int(datetime.now(UTC).timestamp()), token, details)).encode()
        return body, self.signed_headers(body, event_id)

    def signed_headers(self, body: bytes, message_id: str | None = None) -> dict[str, str]:
        """The Standard Webhooks headers that sign `body` with this gateway's secret, as it sends them."""
        now = datetime.now(UTC)  # the signature's time is the real one: receivers check it against theirs
        message_id = message_id or f"msg_sb_{secrets.token_hex(12)}"
        return {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": self._webhook.sign(message_id, now, body.decode()),
        }

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify the Standard Webhooks signature and read the event, or raise InvalidWebhook."""
        try:
            # Only the signature here: event_payload reads the body, refusing what it cannot read
            # (a RecursionError from json would otherwise cross the port as a 500).
            self._webhook.verify(body, dict(headers), json_parse=False)
        except (WebhookVerificationError, ValueError, TypeError) as error:  # ValueError: malformed header, not UTF-8
            raise InvalidWebhook(f"the webhook's signature did not verify: {error}") from None
        return webhook_event(event_payload(body))


class _Journal:
    """The charges' results in a file of JSON lines shared by processes: each decision is made
    under an exclusive lock on it, after reading what the others appended."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._read = 0  # bytes of the file already learnt
        self._fd: int | None = None

    @contextlib.contextmanager
    def locked(self, learn):
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size > self._read:
                os.lseek(fd, self._read, os.SEEK_SET)
                for line in os.read(fd, size - self._read).splitlines():
                    learn(json.loads(line))
                self._read = size
            self._fd = fd
            yield
        finally:
            self._fd = None
            os.close(fd)  # closing releases the lock

    def append(self, line: dict) -> None:
        """Write one decision (one write: a process killed now leaves the line whole or absent)."""
        data = (json.dumps(line, separators=(",", ":")) + "\n").encode()
        assert self._fd is not None, "append only within locked()"
        os.write(self._fd, data)
        self._read += len(data)


_NO_JOURNAL = contextlib.nullcontext()


def _declined(code: str, message: str, reference: str | None) -> ChargeResult:
    return ChargeResult(ChargeOutcome.DECLINED, reference=reference, code=code, message=message)
