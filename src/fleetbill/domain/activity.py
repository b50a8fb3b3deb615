"""How many devices were Active through a month: the steps behind the peak (R5, R20)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .metering import StatusChange


def active_steps(changes: Iterable[StatusChange], start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(instant, devices Active from then on) for [start, end): the level at the start, then one
    step per instant where it changed (changes at one instant apply together)."""
    state: dict[str, bool] = {}
    steps: list[tuple[datetime, int]] = []
    for ch in sorted(changes, key=lambda c: (c.at, c.seq)):
        if ch.at >= end:
            break
        state[ch.device] = ch.active
        level = sum(state.values())
        at = max(ch.at, start)
        if steps and steps[-1][0] == at:
            steps[-1] = (at, level)
        elif not steps or steps[-1][1] != level:
            steps.append((at, level))
    if not steps or steps[0][0] > start:
        steps.insert(0, (start, 0))
    return steps
