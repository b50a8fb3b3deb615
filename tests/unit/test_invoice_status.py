"""An invoice's status and what is left to collect, derived from what was received (R18)."""

from __future__ import annotations

import pytest

from fleetbill.domain.lifecycle import amount_left, invoice_status


@pytest.mark.parametrize(
    ("stored", "due", "paid", "status", "left"),
    [
        ("open", 330, 0, "open", 330),
        ("open", 330, 100, "partially_paid", 230),
        ("open", 330, 329, "partially_paid", 1),
        ("paid", 330, 330, "paid", 0),
        ("void", 1_100, 0, "void", 0),  # R10: an upgrade never paid: nothing to collect
        ("open", 0, 0, "open", 0),  # nothing due: nothing left, and nothing received to call it partial
    ],
)
def test_r18_partially_paid_is_open_with_part_received_and_the_rest_is_left(stored, due, paid, status, left):
    assert invoice_status(stored, due, paid) == status
    assert amount_left(stored, due, paid) == left
