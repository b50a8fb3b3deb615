"""What only the sandbox gateway does: Stripe.js-like tokenizing, the test cards that real Stripe
refuses at attach (so the conformance tests cannot share them), fault injection, the factory."""

from __future__ import annotations

import pytest

from fleetbill.adapters.gateway import (
    Card,
    ChargeOutcome,
    ChargeRequest,
    InvalidWebhook,
    SandboxGateway,
    make_gateway,
)
from fleetbill.adapters.gateway.sandbox import luhn_valid, parse_token


@pytest.fixture
def sandbox() -> SandboxGateway:
    return SandboxGateway()


def _charge(sandbox: SandboxGateway, number: str, key: str = "inv-1/try-1"):
    token = sandbox.tokenize(number, 12, 2030, "123")
    card = sandbox.attach_card("cus_1", token, f"attach-{key}")
    assert isinstance(card, Card)
    return sandbox.charge(ChargeRequest("cus_1", token, 5_500, "JPY", key))


def test_r17_token_keeps_only_the_last_4_digits():
    # given a card number typed with spaces
    token = SandboxGateway.tokenize("4242 4242 4242 4242", 3, 2031, "123")

    # then the token says what fleetbill may keep, and nothing more of the number
    card = parse_token(token)
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("visa", "4242", 3, 2031)
    assert "424242" not in token


def test_tokens_differ_for_the_same_card_and_work_in_another_process():
    first = SandboxGateway.tokenize("4242424242424242", 3, 2031, "123")
    second = SandboxGateway.tokenize("4242424242424242", 3, 2031, "123")

    assert first != second
    assert isinstance(SandboxGateway().attach_card("cus_1", first, "k"), Card)


@pytest.mark.parametrize(
    ("number", "month", "year", "cvc", "message"),
    [
        ("4242 4242 4242 4241", 12, 2030, "123", "Luhn"),
        ("4242-4242", 12, 2030, "123", "12 to 19 digits"),
        ("4242424242424242", 13, 2030, "123", "month"),
        ("4242424242424242", 12, 2030, "12", "CVC"),
    ],
)
def test_tokenize_refuses_what_stripe_js_refuses(number, month, year, cvc, message):
    with pytest.raises(ValueError, match=message):
        SandboxGateway.tokenize(number, month, year, cvc)


def test_two_digit_year_is_this_century():
    assert parse_token(SandboxGateway.tokenize("4242424242424242", 1, 31, "123")).exp_year == 2031


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("5555 5555 5555 4444", "mastercard"),
        ("3782 822463 10005", "amex"),
        ("6011 1111 1111 1117", "discover"),
        ("3566 0020 2036 0505", "jcb"),
        ("4000 0566 5566 5556", "visa"),
    ],
)
def test_other_valid_numbers_succeed_with_their_brand(sandbox, number, brand):
    token = sandbox.tokenize(number, 12, 2030, "1234")

    card = sandbox.attach_card("cus_1", token, "k")
    result = sandbox.charge(ChargeRequest("cus_1", token, 100, "JPY", f"key-{number}"))

    assert card.brand == brand and card.last4 == number[-4:]
    assert result.outcome is ChargeOutcome.SUCCEEDED


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000 0000 0000 0069", "expired_card"),
        ("4000 0000 0000 9995", "insufficient_funds"),
        ("4000 0000 0000 0119", "processing_error"),
        ("4000 0000 0000 0341", "card_declined"),
    ],
)
def test_r19_test_cards_attach_then_their_charges_are_declined_with_stripes_code(sandbox, number, code):
    result = _charge(sandbox, number)

    assert (result.outcome, result.code) == (ChargeOutcome.DECLINED, code)
    assert result.reference.startswith("pi_sb_")
    assert sandbox.charges == ()


def test_r19_expired_card_updated_by_the_account_updater_is_charged_at_the_next_retry(sandbox):
    # given an expired card whose first charge was declined
    token = sandbox.tokenize("4000 0000 0000 0069", 1, 2026, "123")
    first = sandbox.charge(ChargeRequest("cus_1", token, 5_500, "JPY", "inv-1/try-1"))
    # when the account updater gives it a new expiry
    body, headers = sandbox.account_updater_event(token, "0069", 1, 2030)
    update = sandbox.parse_webhook(body, headers).card_update
    # then the next retry succeeds
    retry = sandbox.charge(ChargeRequest("cus_1", token, 5_500, "JPY", "inv-1/try-2"))
    assert first.code == "expired_card"
    assert (update.exp_month, update.exp_year) == (1, 2030)
    assert retry.outcome is ChargeOutcome.SUCCEEDED


def test_reference_is_derived_from_the_idempotency_key(sandbox):
    one, other = SandboxGateway(), SandboxGateway()

    assert _charge(one, "4242424242424242").reference == _charge(other, "4242424242424242").reference


def test_unknown_before_charging_then_the_retry_charges_once(sandbox):
    token = sandbox.tokenize("4242424242424242", 12, 2030, "123")
    request = ChargeRequest("cus_1", token, 5_500, "JPY", "inv-1/try-1", {"invoice": "FB-1"})
    sandbox.fail_next(ChargeOutcome.UNKNOWN, after_charging=False)

    lost = sandbox.charge(request)
    assert (lost.outcome, lost.code, sandbox.charges) == (ChargeOutcome.UNKNOWN, "timeout", ())
    retried = sandbox.charge(request)

    assert retried.outcome is ChargeOutcome.SUCCEEDED
    assert [(c.amount, c.idempotency_key, c.metadata) for c in sandbox.charges] == [
        (5_500, "inv-1/try-1", {"invoice": "FB-1"})
    ]


def test_fail_next_declined_is_a_decline_that_the_same_key_repeats(sandbox):
    token = sandbox.tokenize("4242424242424242", 12, 2030, "123")
    request = ChargeRequest("cus_1", token, 5_500, "JPY", "inv-1/try-1")
    sandbox.fail_next(ChargeOutcome.DECLINED, code="do_not_honor")

    first = sandbox.charge(request)

    assert (first.outcome, first.code) == (ChargeOutcome.DECLINED, "do_not_honor")
    assert sandbox.charge(request) == first
    assert sandbox.charge(ChargeRequest("cus_1", token, 5_500, "JPY", "inv-1/try-2")).outcome is ChargeOutcome.SUCCEEDED


def test_not_a_sandbox_token_is_refused(sandbox):
    assert sandbox.attach_card("cus_1", "pm_123", "k").code == "resource_missing"
    assert sandbox.charge(ChargeRequest("cus_1", "pm_123", 100, "JPY", "k")).code == "resource_missing"


def test_customer_id_follows_the_idempotency_key_and_detach_is_recorded(sandbox):
    assert sandbox.create_customer("a", "a@example.jp", "k1") == sandbox.create_customer("a", "a@example.jp", "k1")
    assert sandbox.create_customer("a", "a@example.jp", "k1") != sandbox.create_customer("a", "a@example.jp", "k2")

    sandbox.detach_card("pm_sb_x", "k3")

    assert sandbox.detached == ("pm_sb_x",)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("webhook-signature", "garbage"),
        ("webhook-signature", "v1,AAAA"),
        ("webhook-timestamp", "not-a-time"),
        ("webhook-timestamp", "1"),
    ],
)
def test_malformed_signature_headers_are_invalid_webhooks_not_crashes(sandbox, header, value):
    token = sandbox.tokenize("4242424242424242", 1, 2030, "123")
    body, headers = sandbox.account_updater_event(token, "1111", 1, 2032)

    with pytest.raises(InvalidWebhook):
        sandbox.parse_webhook(body, {**headers, header: value})


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


def test_make_gateway_defaults_to_the_sandbox_and_refuses_unknown_names():
    assert isinstance(make_gateway(), SandboxGateway)
    assert isinstance(make_gateway("sandbox", webhook_secret="whsec_c2VjcmV0"), SandboxGateway)
    with pytest.raises(ValueError, match="unknown payment gateway"):
        make_gateway("paypal")
