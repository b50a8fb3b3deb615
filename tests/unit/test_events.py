"""The events' core (R22): their types, and the webhooks' retry schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleetbill.domain.events import RETRY_DELAYS, EventType, NewEvent, next_attempt, parse_types

T0 = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)


def test_r22_a_delivery_is_tried_ten_times_over_about_three_days_then_given_up():
    # given a delivery first tried at T0
    # when each try fails, the next is scheduled from the first try
    schedule = [next_attempt(T0, n) for n in range(1, 11)]
    # then: 5 s, then 5 min later, ... the tenth try is the last, about three days after the first
    assert schedule[0] == T0 + timedelta(seconds=5)
    assert schedule[1] == T0 + timedelta(seconds=5, minutes=5)
    assert schedule[8] == T0 + sum(RETRY_DELAYS, timedelta()) == T0 + timedelta(hours=71, minutes=35, seconds=5)
    assert schedule[9] is None
    assert all(a < b for a, b in zip(schedule[:9], schedule[1:9], strict=False))


def test_r22_event_types_are_read_from_a_list_or_commas_and_an_unknown_one_is_named():
    assert parse_types("invoice.paid, account.suspended,") == {EventType.INVOICE_PAID, EventType.ACCOUNT_SUSPENDED}
    assert parse_types(["invoice.paid"]) == {EventType.INVOICE_PAID}
    assert parse_types("") == parse_types(None) == frozenset()
    with pytest.raises(ValueError, match="unknown event type 'invoice.payed'; the types are: account.created"):
        parse_types("invoice.payed")


def test_r22_an_event_without_an_account_is_in_the_operators_stream():
    assert NewEvent(EventType.WEBHOOK_ENDPOINT_DISABLED, None, {}).stream == "operator"
    assert NewEvent(EventType.INVOICE_PAID, "acc-1", {}).stream == "acc-1"
