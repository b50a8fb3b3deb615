"""What only the Stripe adapter does, against localstripe: the requests it sends, how the SDK's
failures become typed results, and webhooks signed by the server itself."""

from __future__ import annotations

import json
import queue
import secrets
import socket
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import stripe

from fleetbill.adapters.gateway import (
    Card,
    CardRejected,
    ChargeOutcome,
    ChargeRequest,
    GatewayError,
    InvalidWebhook,
    StripeGateway,
    make_gateway,
)
from tests.gateway_fixtures import API_KEY, LossyProxy, stripe_signature, stripe_signed_card_update


@pytest.fixture
def api(localstripe) -> stripe.StripeClient:
    """Stripe's API as a test reads it, to check what the adapter left there."""
    return stripe.StripeClient(API_KEY, base_addresses={"api": localstripe}, max_network_retries=0)


SECRET = "whsec_fleetbill_stripe_tests"


@pytest.fixture
def gateway(localstripe) -> StripeGateway:
    return StripeGateway(API_KEY, SECRET, api_base=localstripe)


@pytest.fixture
def saved_card(gateway, stripe_harness) -> tuple[str, Card]:
    customer = gateway.create_customer("acct-7", "billing@example.jp", uuid.uuid4().hex)
    card = gateway.attach_card(customer, stripe_harness.tokenize("4242424242424242", 12, 2030, "123"), uuid.uuid4().hex)
    assert isinstance(card, Card)
    return customer, card


def _request(customer: str, card: Card, amount: int = 12_345) -> ChargeRequest:
    return ChargeRequest(customer, card.token, amount, "JPY", uuid.uuid4().hex, {"invoice": "FB-2026-02-0007"})


def test_make_gateway_builds_stripe_from_settings(localstripe):
    gateway = make_gateway("stripe", api_key=API_KEY, webhook_secret="whsec_x", api_base=localstripe)
    assert isinstance(gateway, StripeGateway)


def test_charge_is_an_off_session_jpy_payment_intent_with_metadata(gateway, saved_card, api):
    customer, card = saved_card

    result = gateway.charge(_request(customer, card))

    intent = api.v1.payment_intents.retrieve(result.reference)
    assert (intent.amount, intent.currency, intent.customer) == (12_345, "jpy", customer)
    assert intent.payment_method == card.token
    assert intent.metadata.to_dict() == {"invoice": "FB-2026-02-0007"}
    assert intent.status == "succeeded"


def test_customer_carries_the_account_id(gateway, api):
    customer = gateway.create_customer("acct-9", "ops@example.jp", uuid.uuid4().hex)

    found = api.v1.customers.retrieve(customer)

    assert (found.email, found.metadata["account_id"]) == ("ops@example.jp", "acct-9")


def test_declined_charge_names_the_payment_intent_stripe_made(gateway, stripe_harness, api):
    # localstripe leaves error.payment_intent empty: the adapter finds it through the charge.
    customer = gateway.create_customer("acct-7", "billing@example.jp", uuid.uuid4().hex)
    card = gateway.attach_card(customer, stripe_harness.tokenize("4000000000000341", 1, 2031, "123"), uuid.uuid4().hex)

    result = gateway.charge(_request(customer, card))

    assert result.outcome is ChargeOutcome.DECLINED
    assert api.v1.payment_intents.retrieve(result.reference).status == "requires_payment_method"


def test_attaching_an_unknown_payment_method_is_rejected(gateway, saved_card):
    customer, _ = saved_card

    rejected = gateway.attach_card(customer, "pm_doesnotexist", uuid.uuid4().hex)

    assert isinstance(rejected, CardRejected) and rejected.code


def test_a_stalled_charge_times_out_as_unknown_then_resolves(stripe_harness, saved_card, localstripe):
    customer, card = saved_card
    proxy = LossyProxy(localstripe)
    stripe_harness.cleanups.append(proxy.close)
    gateway = StripeGateway(API_KEY, "whsec_x", api_base=proxy.url, timeout=0.5)
    request = _request(customer, card)
    proxy.lose_next_charge("stall")

    lost = gateway.charge(request)
    resolved = gateway.charge(request)

    assert (lost.outcome, lost.code) == (ChargeOutcome.UNKNOWN, "timeout")
    assert resolved.outcome is ChargeOutcome.SUCCEEDED
    assert stripe_harness.charges_for(customer) == 1 and proxy.lost == 1


def test_no_server_is_unknown_for_a_charge_and_gateway_error_elsewhere(saved_card):
    customer, card = saved_card
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        closed_port = placeholder.getsockname()[1]
    gateway = StripeGateway(API_KEY, "whsec_x", api_base=f"http://127.0.0.1:{closed_port}", timeout=2)

    result = gateway.charge(_request(customer, card))

    assert (result.outcome, result.code) == (ChargeOutcome.UNKNOWN, "connection")
    with pytest.raises(GatewayError) as raised:
        gateway.create_customer("acct-7", "billing@example.jp", uuid.uuid4().hex)
    assert raised.value.code == "connection"


def test_refused_credentials_are_unknown_not_a_leaked_exception(saved_card, localstripe):
    customer, card = saved_card
    gateway = StripeGateway("not-a-key", "whsec_x", api_base=localstripe)

    result = gateway.charge(_request(customer, card))

    assert (result.outcome, result.code) == (ChargeOutcome.UNKNOWN, "authentication_error")
    with pytest.raises(GatewayError):
        gateway.detach_card(card.token, uuid.uuid4().hex)


def test_detached_card_is_no_longer_the_customers(gateway, saved_card, api):
    customer, card = saved_card

    gateway.detach_card(card.token, uuid.uuid4().hex)

    assert api.v1.payment_methods.retrieve(card.token).customer is None


def test_webhook_signed_too_long_ago_is_refused(gateway, saved_card):
    _, card = saved_card
    body, _ = stripe_signed_card_update(card.token, "1881", 3, 2031, "unused")
    headers = {"stripe-signature": stripe_signature(body, SECRET, timestamp=int(time.time()) - 3600)}

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, headers)


def test_webhook_that_is_not_json_is_refused(gateway):
    body = b"not json"

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, {"Stripe-Signature": stripe_signature(body, SECRET)})


def test_webhook_sent_and_signed_by_the_server_is_read(gateway, saved_card, localstripe):
    # localstripe signs what it sends as Stripe does; it sends payment_intent.* events, not card updates.
    customer, card = saved_card
    with _webhook_receiver() as (url, received):
        _register_webhook(localstripe, url, SECRET, ["payment_intent.succeeded"])
        result = gateway.charge(_request(customer, card))
        body, headers = _event_about(received, result.reference)

    event = gateway.parse_webhook(body, headers)

    assert (event.type, event.card_update) == ("payment_intent.succeeded", None)


def _register_webhook(base: str, url: str, secret: str, events: list[str]) -> None:
    form = [("url", url), ("secret", secret)] + [("events[]", name) for name in events]
    hook = f"{base}/_config/webhooks/fleetbill-{secrets.token_hex(4)}"
    urllib.request.urlopen(urllib.request.Request(hook, data=urllib.parse.urlencode(form).encode()), timeout=5)


def _event_about(received: queue.Queue, object_id: str, seconds: float = 10) -> tuple[bytes, dict[str, str]]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body, headers = received.get(timeout=max(deadline - time.monotonic(), 0.01))
        if json.loads(body)["data"]["object"]["id"] == object_id:
            return body, headers
    raise AssertionError(f"no webhook about {object_id}")


class _webhook_receiver:
    """An HTTP server on 127.0.0.1 that queues the webhooks posted to it."""

    def __enter__(self) -> tuple[str, queue.Queue]:
        received: queue.Queue = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.put((body, dict(self.headers)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_port}/stripe", received

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.mark.parametrize(
    ("state", "outcome", "code"),
    [
        ({"status": "succeeded"}, ChargeOutcome.SUCCEEDED, None),
        ({"status": "requires_payment_method"}, ChargeOutcome.DECLINED, "card_declined"),
        (
            {
                "status": "requires_payment_method",
                "last_payment_error": {"code": "card_declined", "decline_code": "lost_card"},
            },
            ChargeOutcome.DECLINED,
            "lost_card",
        ),
        ({"status": "requires_capture"}, ChargeOutcome.UNKNOWN, "status_requires_capture"),
    ],
)
def test_payment_intent_states_localstripe_cannot_produce_are_mapped(gateway, state, outcome, code):
    # Read from PaymentIntent objects built here: localstripe raises CardError instead of these states.
    intent = stripe.PaymentIntent.construct_from({"id": "pi_123", "object": "payment_intent", **state}, API_KEY)

    result = gateway._result_of(intent)

    assert (result.outcome, result.code, result.reference) == (outcome, code, "pi_123")
