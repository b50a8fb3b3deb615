"""How many devices were Active through a month: the steps behind the peak (R5, R20).

This is the reference definition, a plain sweep over the status history; the billing page gets
the same steps, per device type, from SQL (adapters/db/usage.active_steps_by_type), and a
property test keeps them equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from .metering import StatusChange


def active_steps(changes: Iterable[StatusChange], start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(instant, devices Active from then on) for [start, end), all device types together: the
    level at the start (every change up to and at it), then one step per instant inside the month
    where the level changed. Changes at one instant apply together (R5), so an instant whose
    changes cancel out is no step, and no two steps in a row have the same level.

    One pass: the level is kept running (each change adds its device's new status minus its old),
    so it costs the history's length, not its length times the devices."""
    state: dict[str, bool] = {}
    level = 0
    steps: list[tuple[datetime, int]] = [(start, 0)]
    for ch in sorted(changes, key=lambda c: (c.at, c.seq)):
        if ch.at >= end:
            break
        level += ch.active - state.get(ch.device, False)
        state[ch.device] = ch.active
        at = max(ch.at, start)  # everything before the month folds into its first instant
        if steps[-1][0] == at:
            steps[-1] = (at, level)  # another change at this instant: they apply together
        else:
            steps.append((at, level))
        if len(steps) > 1 and steps[-2][1] == steps[-1][1]:
            steps.pop()  # the instant left the level as it was: no step
    return steps


def active_steps_by_type(
    changes: Iterable[StatusChange], start: datetime, end: datetime
) -> dict[str, list[tuple[datetime, int]]]:
    """`active_steps` for each device type with a change before `end`: one series per type, as
    the bill counts one peak per type (R5), so each series' highest level is its billed peak."""
    by_type: dict[str, list[StatusChange]] = defaultdict(list)
    for ch in changes:
        if ch.at < end:
            by_type[ch.device_type].append(ch)
    return {dt: active_steps(own, start, end) for dt, own in sorted(by_type.items())}
