"""R5 (issue 11 item 2): a month's high-water mark, folded change by change in whatever order
the changes arrive, gives the peak the reference sweep gives (domain/metering.peak_active)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fleetbill.domain.marks import first, fold, fold_all, month_peak, month_peak_at
from fleetbill.domain.metering import StatusChange, explain_peaks, peak_active

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
# instants before the month, at its first instant, inside it (a few shared by many changes)
INSTANTS = [
    START - timedelta(days=2),
    START,
    START + timedelta(hours=1),
    START + timedelta(days=9),
    END - timedelta(seconds=1),
]


@st.composite
def histories(draw):
    """Up to 5 devices, each with a few changes on shared instants (same-instant changes apply together)."""
    changes, seq = [], 0
    for device in range(draw(st.integers(0, 5))):
        for at, active in draw(st.lists(st.tuples(st.sampled_from(INSTANTS), st.booleans()), max_size=5)):
            seq += 1
            changes.append(StatusChange(f"d{device}", "esp32", at, active, seq))
    return changes, draw(st.randoms(use_true_random=False))


def _deltas(changes: list[StatusChange]) -> list[tuple[datetime, int]]:
    """What each change did to the count, as the services write it (its status less the one before)."""
    status, out = {}, []
    for c in sorted(changes, key=lambda c: (c.at, c.seq)):
        out.append((c.at, int(c.active) - int(status.get(c.device, False))))
        status[c.device] = c.active
    return out


@given(histories())
def test_r5_the_mark_folded_in_any_order_gives_the_sweeps_peak(example):
    changes, rng = example
    deltas = _deltas(changes)
    opening = sum(d for at, d in deltas if at < START)
    in_month = [(at, d) for at, d in deltas if START <= at < END]
    # folded as the changes arrive, in a random order; one that comes too late refolds the month
    arrived = list(in_month)
    rng.shuffle(arrived)
    mark, seen = None, []
    for at, d in arrived:
        seen.append((at, d))
        mark = first(START, at, d) if mark is None else fold(mark, at, d)
        if mark is None:
            mark = fold_all(START, _per_instant(seen))
    # then it is the month folded in order, and its peak the sweep's
    assert mark == fold_all(START, _per_instant(in_month))
    assert month_peak(opening, mark) == peak_active(changes, START, END).get("esp32", 0)
    # issue 12: and the instant it was first reached is the sweep's (a tie keeps the first)
    explained = explain_peaks(changes, START, END).get("esp32")
    if explained is not None:
        assert month_peak_at(START, mark) == explained.at
        assert explained.peak == month_peak(opening, mark)


def _per_instant(changes):
    summed = defaultdict(int)
    for at, d in changes:
        summed[at] += d
    return sorted(summed.items())
