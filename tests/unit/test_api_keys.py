"""R22's "the operator's platform": what an API key's scope allows and when its last use is
written, as pure rules (domain.api_keys)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleetbill.domain.api_keys import Scope, last_use_due, parse_scope, permits, secret_prefix

AT = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("method", ["GET", "HEAD", "get"])
def test_r22_a_read_only_api_key_may_read(method):
    assert permits(Scope.READ_ONLY, method)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_r22_a_read_only_api_key_may_change_nothing_and_a_full_one_anything(method):
    assert not permits(Scope.READ_ONLY, method)
    assert permits(Scope.FULL, method)


@pytest.mark.parametrize(
    ("text", "scope"), [("full", Scope.FULL), ("read-only", Scope.READ_ONLY), ("READ_ONLY", Scope.READ_ONLY)]
)
def test_r22_an_api_key_scope_is_read_as_the_cli_and_the_api_write_it(text, scope):
    assert parse_scope(text) is scope


def test_r22_an_unknown_api_key_scope_is_refused_with_the_two_that_exist():
    with pytest.raises(ValueError, match="'full' or 'read_only'"):
        parse_scope("admin")


def test_r22_api_key_last_use_is_due_once_a_minute():
    assert last_use_due(None, AT)
    assert not last_use_due(AT, AT + timedelta(seconds=59, microseconds=999_999))
    assert last_use_due(AT, AT + timedelta(minutes=1))


def test_r22_api_key_secrets_say_whether_they_are_live_or_test():
    assert (secret_prefix(False), secret_prefix(True)) == ("fb_live_", "fb_test_")
