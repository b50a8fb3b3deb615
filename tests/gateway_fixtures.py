"""Fixtures for the payment gateway tests: localstripe (a fake Stripe server) in a subprocess, a TCP
proxy that loses answers on demand, and one harness per gateway so that the same conformance tests
run on the sandbox and on Stripe."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pytest
import stripe

from fleetbill.adapters.gateway import ChargeOutcome, PaymentGateway, SandboxGateway, StripeGateway

SERVER = Path(__file__).with_name("localstripe_server.py")
API_KEY = "sk_test_fleetbill"
STALL_SECONDS = 10.0  # longer than any client timeout used with the proxy


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory) -> Iterator[str]:
    """localstripe on 127.0.0.1, its state kept in a temporary folder; yields its base URL."""
    folder = tmp_path_factory.mktemp("localstripe")
    # The parent binds the port and hands the socket over: no race for a "free" port.
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(SERVER), str(listener.fileno()), str(folder)],
            pass_fds=[listener.fileno()],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    try:
        _wait_until_answering(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(url: str, process: subprocess.Popen, log_path: Path, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(f"{url}/v1/customers", headers={"Authorization": f"Bearer {API_KEY}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"localstripe exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(request, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    pytest.fail(f"localstripe did not answer within {seconds} s:\n{log_path.read_text()}")


class LossyProxy:
    """A TCP proxy on 127.0.0.1 in front of localstripe that, on demand, loses the next charge
    (`POST /v1/payment_intents`): "request" drops it unsent, "answer" forwards it and drops the
    connection before the answer reaches the client, "stall" forwards it and never answers."""

    def __init__(self, upstream_url: str) -> None:
        host, port = upstream_url.removeprefix("http://").split(":")
        self._upstream = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._lock = threading.Lock()
        self._loss: str | None = None
        self._closed = threading.Event()
        self.lost = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def lose_next_charge(self, how: str) -> None:
        """Lose the next charge request's `request`, `answer`, or stall it."""
        assert how in {"request", "answer", "stall"}
        self._loss = how

    def close(self) -> None:
        self._closed.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        upstream = socket.create_connection(self._upstream)
        with client, upstream, client.makefile("rb") as from_client, upstream.makefile("rb") as from_upstream:
            while (request := _read_http_message(from_client)) is not None:
                loss = self._take_loss(request)
                if loss == "request":
                    return
                upstream.sendall(request)
                answer = _read_http_message(from_upstream)
                if answer is None or loss == "answer":
                    return
                if loss == "stall":
                    client.settimeout(STALL_SECONDS)
                    _wait_for_close(client)
                    return
                client.sendall(answer)

    def _take_loss(self, request: bytes) -> str | None:
        if not request.startswith(b"POST /v1/payment_intents "):
            return None
        with self._lock:
            loss, self._loss = self._loss, None
            self.lost += loss is not None
        return loss


def _read_http_message(stream: BinaryIO) -> bytes | None:
    """One HTTP/1.1 request or response (head and Content-Length body), or None at end of stream."""
    head = stream.readline()
    if not head:
        return None
    length = 0
    while True:
        line = stream.readline()
        head += line
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return head + stream.read(length)


def _wait_for_close(client: socket.socket) -> None:
    try:
        client.recv(1)  # b"" once the client gives up and closes
    except OSError:
        pass


@dataclass
class GatewayHarness:
    """A gateway under test and what a test needs around it that the port does not offer."""

    name: str
    gateway: PaymentGateway
    tokenize: Callable[[str, int, int, str], str]  # the card owner's side: the browser library
    charges_for: Callable[[str], int]  # charges the gateway holds for a customer
    card_update_webhook: Callable[..., tuple[bytes, dict[str, str]]]  # (token, last4, month, year, stranger=False)
    lose_next_charge: Callable[[bool], PaymentGateway]  # (charged) -> a gateway whose next answer is lost
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    sign_webhook: Callable[[bytes], dict[str, str]] | None = None  # any body, signed as the gateway signs


@pytest.fixture
def sandbox_harness() -> GatewayHarness:
    """The sandbox gateway with its own tokenizer, charge list and signer."""
    gateway = SandboxGateway()

    def charges_for(customer: str) -> int:
        return sum(charge.customer == customer for charge in gateway.charges)

    def card_update_webhook(token, last4, exp_month, exp_year, stranger=False):
        signer = SandboxGateway(webhook_secret=_random_whsec()) if stranger else gateway
        return signer.account_updater_event(token, last4, exp_month, exp_year)

    def lose_next_charge(charged: bool) -> PaymentGateway:
        gateway.fail_next(ChargeOutcome.UNKNOWN, after_charging=charged)
        return gateway

    harness = GatewayHarness("sandbox", gateway, gateway.tokenize, charges_for, card_update_webhook, lose_next_charge)
    harness.sign_webhook = gateway.signed_headers
    return harness


@pytest.fixture
def stripe_harness(localstripe) -> Iterator[GatewayHarness]:
    """StripeGateway on localstripe; cards are made the way Stripe.js makes them in a browser."""
    secret = f"whsec_{secrets.token_hex(16)}"
    gateway = StripeGateway(API_KEY, secret, api_base=localstripe, timeout=10)
    client = stripe.StripeClient(API_KEY, base_addresses={"api": localstripe}, max_network_retries=0)
    harness = GatewayHarness(
        "stripe",
        gateway,
        lambda number, month, year, cvc: _stripe_js_payment_method(client, number, month, year, cvc),
        lambda customer: len(client.v1.charges.list(params={"customer": customer, "limit": 100}).data),
        lambda token, last4, month, year, stranger=False: stripe_signed_card_update(
            token, last4, month, year, f"whsec_{secrets.token_hex(16)}" if stranger else secret
        ),
        lambda charged: _through_lossy_proxy(harness, localstripe, secret, charged),
        sign_webhook=lambda body: {"Stripe-Signature": stripe_signature(body, secret)},
    )
    yield harness
    for cleanup in harness.cleanups:
        cleanup()


@pytest.fixture(params=["sandbox", "stripe"])
def gateway_harness(request) -> GatewayHarness:
    """Each gateway in turn, for the conformance tests."""
    return request.getfixturevalue(f"{request.param}_harness")


def _random_whsec() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _stripe_js_payment_method(client: stripe.StripeClient, number: str, month: int, year: int, cvc: str) -> str:
    # NOTE: R17. Only the test plays the browser here: the number goes to the gateway, never to fleetbill.
    # (localstripe accepts only secret keys on this endpoint, where Stripe.js uses the publishable one.)
    card = {"number": number.replace(" ", ""), "exp_month": month, "exp_year": year, "cvc": cvc}
    return client.v1.payment_methods.create(params={"type": "card", "card": card}).id


def _through_lossy_proxy(harness: GatewayHarness, upstream: str, secret: str, charged: bool) -> PaymentGateway:
    proxy = LossyProxy(upstream)
    harness.cleanups.append(proxy.close)
    proxy.lose_next_charge("answer" if charged else "request")
    return StripeGateway(API_KEY, secret, api_base=proxy.url, timeout=5)


def stripe_signed_card_update(
    token: str, last4: str, exp_month: int, exp_year: int, secret: str
) -> tuple[bytes, dict[str, str]]:
    """A `payment_method.automatically_updated` event as Stripe sends it: localstripe never emits one,
    so it is written here and signed the way Stripe signs (t=<ts>,v1=<HMAC-SHA256 of "ts.body">)."""
    event = {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "payment_method.automatically_updated",
        "data": {
            "object": {
                "id": token,
                "object": "payment_method",
                "type": "card",
                "card": {"brand": "visa", "last4": last4, "exp_month": exp_month, "exp_year": exp_year},
            },
            "previous_attributes": {"card": {"last4": "4242"}},
        },
    }
    body = json.dumps(event).encode()
    return body, {"Stripe-Signature": stripe_signature(body, secret)}


def stripe_signature(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header Stripe would send with this body."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
