"""The steps behind the billing page's chart (R20): domain.activity.active_steps, the reference
sweep, on hand-made histories, and against the definition it replaced (re-summing every device
after each change), which it must equal step for step.

Every month here is January 2026 in Asia/Tokyo, written out in UTC: [2025-12-31T15:00Z,
2026-01-31T15:00Z).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.activity import active_steps
from fleetbill.domain.metering import StatusChange

START = datetime(2025, 12, 31, 15, 0, tzinfo=UTC)
END = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


def day(n: int) -> datetime:
    return START + timedelta(days=n - 1)


def history(*changes: tuple[str, datetime, bool]) -> list[StatusChange]:
    """The changes in the order written (seq, as the database id), of two device types."""
    return [
        StatusChange(device, "esp32" if device < "m" else "lte", at, active, seq=i + 1)
        for i, (device, at, active) in enumerate(changes)
    ]


def resummed(changes, start, end):
    """The definition active_steps had: the level re-summed over every device after each change,
    the changes at one instant merged into one step; without the repeated levels it left when an
    instant's changes cancelled out."""
    state, steps = {}, []
    for ch in sorted(changes, key=lambda c: (c.at, c.seq)):
        if ch.at >= end:
            break
        state[ch.device] = ch.active
        level, at = sum(state.values()), max(ch.at, start)
        if steps and steps[-1][0] == at:
            steps[-1] = (at, level)
        elif not steps or steps[-1][1] != level:
            steps.append((at, level))
    if not steps or steps[0][0] > start:
        steps.insert(0, (start, 0))
    return [s for i, s in enumerate(steps) if i == 0 or s[1] != steps[i - 1][1]]


def test_no_history_is_one_step_of_none():
    assert active_steps([], START, END) == [(START, 0)]


def test_the_level_at_the_start_counts_every_device_type_and_everything_before():
    # a on and b on before the month (b off and on again), m (another type) on at exactly its start
    changes = history(
        ("a", day(1) - timedelta(days=9), True),
        ("b", day(1) - timedelta(days=3), True),
        ("b", day(1) - timedelta(days=2), False),
        ("b", day(1) - US, True),
        ("m", START, True),
        ("a", day(3), False),
    )
    assert active_steps(changes, START, END) == [(START, 3), (day(3), 2)]


def test_changes_at_one_instant_apply_together():
    # at day 2, a goes off as b goes on: the level stays 1, no step; at day 4, c goes on and off
    # again: no step; at day 5 c on then d on: one step of two
    changes = history(
        ("a", day(1) - US, True),
        ("b", day(2), True),
        ("a", day(2), False),
        ("c", day(4), True),
        ("c", day(4), False),
        ("d", day(5), True),
        ("c", day(5), True),
    )
    assert active_steps(changes, START, END) == [(START, 1), (day(5), 3)]


def test_the_last_change_of_a_device_at_an_instant_wins_and_switching_an_active_device_on_is_no_change():
    changes = history(
        ("a", day(2), True),
        ("a", day(3), True),  # again: still one
        ("a", day(4), False),
        ("a", day(4), True),  # off and on at one instant: still on
        ("b", day(6), False),  # never on: off is nothing
        ("a", day(7), False),
    )
    assert active_steps(changes, START, END) == [(START, 0), (day(2), 1), (day(7), 0)]


def test_the_month_ends_before_its_end_and_the_order_written_breaks_ties():
    changes = history(
        ("a", day(2), True),
        ("a", END - US, False),
        ("b", END, True),  # the next month's first instant
        ("c", END + timedelta(days=1), True),
    )
    assert active_steps(changes, START, END) == [(START, 0), (day(2), 1), (END - US, 0)]
    # written in another order, same instant: the one written last (higher seq) wins
    tie = [StatusChange("a", "esp32", day(2), False, seq=2), StatusChange("a", "esp32", day(2), True, seq=1)]
    assert active_steps(tie, START, END) == [(START, 0)]


def test_it_is_linear_in_the_history():
    # 10,000 devices switched on one by one, then 20,000 changes: the old re-sum took minutes here
    changes = [StatusChange(f"d{i}", "esp32", START + timedelta(seconds=i), True, i) for i in range(10_000)]
    changes += [
        StatusChange(f"d{i % 10_000}", "esp32", day(2) + timedelta(seconds=i), i % 3 == 0, 10_000 + i)
        for i in range(20_000)
    ]
    steps = active_steps(changes, START, END)
    assert steps[0] == (START, 1) and max(n for _, n in steps) == 10_000
    assert steps[-1][1] == sum(1 for i in range(10_000, 20_000) if i % 3 == 0)


EDGES = [START - timedelta(days=2), START - US, START, START + US, day(9), day(9) + US, END - US, END]
anywhere = st.integers(-3 * 86_400, 34 * 86_400).map(lambda s: START + timedelta(seconds=s))
random_histories = st.lists(
    st.tuples(st.sampled_from("abcmn"), st.one_of(st.sampled_from(EDGES), anywhere), st.booleans()), max_size=40
)


@given(random_histories)
def test_it_equals_the_re_summed_definition_on_random_histories(drawn):
    changes = history(*drawn)
    steps = active_steps(changes, START, END)
    assert steps == resummed(changes, START, END)
    # and the steps are well formed: the level at the start first, then rising instants inside
    # the month, each changing the level
    assert steps[0][0] == START and all(START < at < END for at, _ in steps[1:])
    assert all(a[0] < b[0] and a[1] != b[1] for a, b in zip(steps, steps[1:], strict=False))
