"""The webhook core (R22): which URLs and addresses fleetbill sends to (SSRF), what an attempt's
outcome means for its delivery, and when an endpoint is disabled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleetbill.adapters.notify.addresses import AddressRefused, allowed
from fleetbill.domain.errors import InvalidInput
from fleetbill.domain.events import DISABLE_AFTER, RETRY_DELAYS
from fleetbill.domain.webhooks import (
    active_secrets,
    attempt_outcome,
    check_endpoint_url,
    forbidden_address,
    should_disable,
)

T0 = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


def test_r22_an_https_url_is_taken_with_its_host_and_port():
    parsed = check_endpoint_url("https://hooks.example.com/fleetbill?x=1", https_only=True)
    assert (parsed.scheme, parsed.host, parsed.port) == ("https", "hooks.example.com", 443)
    assert check_endpoint_url("http://127.0.0.1:8080/in", https_only=False).port == 8080


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://hooks.example.com/in", "https only"),
        ("ftp://hooks.example.com/in", "must start with https://"),
        ("hooks.example.com/in", "must start with https://"),
        ("https:///in", "names no host"),
        ("https://user:pw@hooks.example.com/in", "no user name or password"),
        ("https://hooks.example.com/in#part", "#fragment"),
        ("https://hooks.example.com:99999/in", "not a URL fleetbill can read"),
        ("", "absolute URL"),
        ("https://example.com/" + "a" * 2000, "absolute URL"),
    ],
)
def test_r22_a_url_fleetbill_will_not_send_to_is_refused_with_what_to_change(url, said):
    with pytest.raises(InvalidInput, match=said):
        check_endpoint_url(url, https_only=True)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "100.64.0.1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_r22_ssrf_loopback_private_link_local_multicast_and_reserved_addresses_are_forbidden(address):
    assert forbidden_address(address) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8"])
def test_r22_public_addresses_are_allowed(address):
    assert forbidden_address(address) is None


def test_r22_ssrf_a_name_resolving_to_one_private_address_among_public_ones_is_refused_whole():
    with pytest.raises(AddressRefused, match="hooks.example.com resolves to 10.0.0.7, and 10.0.0.7 is a private"):
        allowed("hooks.example.com", ["93.184.215.14", "10.0.0.7"], allow_private=False)
    assert allowed("hooks.example.com", ["10.0.0.7"], allow_private=True) == ["10.0.0.7"]


def test_r22_retries_follow_the_schedule_then_the_delivery_is_given_up():
    # given a delivery first tried at T0, failing every time
    when = [attempt_outcome(False, T0, n).next_attempt_at for n in range(1, len(RETRY_DELAYS) + 1)]
    # then each retry is the schedule's sum so far: 5 s, then 5 min later, ... about three days in all
    assert when[0] == T0 + timedelta(seconds=5) and when[1] == T0 + timedelta(seconds=5, minutes=5)
    assert timedelta(days=2, hours=12) < when[-1] - T0 < timedelta(days=3, hours=12)
    assert attempt_outcome(False, T0, len(RETRY_DELAYS) + 1).state == "failed"
    assert attempt_outcome(True, T0, 3).state == "succeeded"


def test_r22_an_endpoint_is_disabled_after_days_without_a_success_not_before():
    assert not should_disable(None, T0)
    assert not should_disable(T0, T0 + DISABLE_AFTER - timedelta(seconds=1))
    assert should_disable(T0, T0 + DISABLE_AFTER)


def test_r22_after_a_rotation_both_secrets_sign_until_the_overlap_ends():
    assert active_secrets("new", "old", T0 + timedelta(hours=24), T0) == ["new", "old"]
    assert active_secrets("new", "old", T0 + timedelta(hours=24), T0 + timedelta(hours=24)) == ["new"]
    assert active_secrets("new", None, None, T0) == ["new"]


@pytest.mark.parametrize("value", ["0", "-3", "many", "1001"])
def test_r22_a_webhook_concurrency_setting_out_of_range_is_refused_naming_it(monkeypatch, value):
    from fleetbill.settings import Settings

    monkeypatch.setenv("FLEETBILL_WEBHOOK_CONCURRENCY", value)
    with pytest.raises(InvalidInput, match="FLEETBILL_WEBHOOK_CONCURRENCY: give a whole number from 1 to 1000"):
        Settings.from_env()


def test_r22_webhook_settings_are_read_from_the_environment(monkeypatch):
    from fleetbill.settings import Settings

    monkeypatch.setenv("FLEETBILL_WEBHOOKS_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("FLEETBILL_WEBHOOK_INTERVAL", "2")
    monkeypatch.setenv("FLEETBILL_WEBHOOK_SECRET_OVERLAP_HOURS", "48")
    found = Settings.from_env()
    assert (found.webhooks_allow_private, found.webhook_interval, found.webhook_secret_overlap_hours) == (True, 2, 48)
    assert found.webhook_concurrency == 64
