"""Metering: how many devices a month bills for (R5 peak, R6 distinct).

This is the reference definition, a plain sweep over the status history. The close computes
the same numbers set-based in SQL (adapters/db/usage.py); a property test keeps them equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CountingMode(StrEnum):
    PEAK = "peak"  # R5: the most devices Active at the same time (the default, the FAQ's rule)
    DISTINCT = "distinct"  # R6: every device that was Active at any moment of the month


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One append-only history record (R4): `device` became Active or Inactive at `at`."""

    device: str
    device_type: str
    at: datetime
    active: bool
    seq: int = 0  # order among changes at the same instant (the database id)


def _states_at_start(changes: list[StatusChange], start: datetime) -> dict[str, bool]:
    state: dict[str, bool] = {}
    for ch in changes:
        if ch.at <= start:
            state[ch.device] = ch.active
    return state


def peak_active(changes: Iterable[StatusChange], start: datetime, end: datetime) -> dict[str, int]:
    """R5: per device type, the peak number of devices Active at once during [start, end).

    Status is right-continuous: all changes at one instant apply together, so a device switched
    Inactive and another switched Active at the same instant never count as two.
    """
    ordered = sorted(changes, key=lambda c: (c.at, c.seq))
    types = {c.device: c.device_type for c in ordered}
    state = _states_at_start(ordered, start)
    level: dict[str, int] = defaultdict(int)
    for device, active in state.items():
        level[types[device]] += active
    peak = dict(level)
    in_month = [c for c in ordered if start < c.at < end]
    i = 0
    while i < len(in_month):
        instant = in_month[i].at
        touched = set()
        while i < len(in_month) and in_month[i].at == instant:
            ch = in_month[i]
            was = state.get(ch.device, False)
            if ch.active != was:
                level[ch.device_type] += 1 if ch.active else -1
                state[ch.device] = ch.active
            touched.add(ch.device_type)
            i += 1
        for t in touched:
            peak[t] = max(peak.get(t, 0), level[t])
    return {t: n for t, n in peak.items() if n > 0}


def distinct_active(changes: Iterable[StatusChange], start: datetime, end: datetime) -> dict[str, int]:
    """R6: per device type, how many distinct devices were Active at any moment of [start, end)."""
    ordered = sorted(changes, key=lambda c: (c.at, c.seq))
    types = {c.device: c.device_type for c in ordered}
    seen = {d for d, active in _states_at_start(ordered, start).items() if active}
    # Changes at one instant apply together: only each device's last change at an instant counts.
    settled: dict[tuple[str, datetime], bool] = {}
    for c in ordered:
        if start < c.at < end:
            settled[(c.device, c.at)] = c.active
    seen |= {device for (device, _), active in settled.items() if active}
    counts: dict[str, int] = defaultdict(int)
    for device in seen:
        counts[types[device]] += 1
    return dict(counts)


def billable_quantities(
    mode: CountingMode, changes: Iterable[StatusChange], start: datetime, end: datetime
) -> dict[str, int]:
    """The billable quantity per device type under the plan's counting mode."""
    if mode is CountingMode.DISTINCT:
        return distinct_active(changes, start, end)
    return peak_active(changes, start, end)


@dataclass(frozen=True, slots=True)
class PeakExplained:
    """Why a month bills `peak` devices of a type (R5): the first instant the count reached it,
    and the devices Active then (their ids)."""

    peak: int
    at: datetime
    devices: frozenset[str]


def explain_peaks(changes: Iterable[StatusChange], start: datetime, end: datetime) -> dict[str, PeakExplained]:
    """R5, explained: per device type with a peak above 0 in [start, end), the peak, the first
    instant it was reached (`start` when the devices Active at the month's start already made it)
    and the devices Active at that instant. The reference the SQL and the pages are held to."""
    ordered = sorted(changes, key=lambda c: (c.at, c.seq))
    types = {c.device: c.device_type for c in ordered}
    active: dict[str, set[str]] = defaultdict(set)
    for device, is_active in _states_at_start(ordered, start).items():
        if is_active:
            active[types[device]].add(device)
    best = {t: PeakExplained(len(ds), start, frozenset(ds)) for t, ds in active.items()}
    in_month = [c for c in ordered if start < c.at < end]
    i = 0
    while i < len(in_month):
        instant, touched = in_month[i].at, set()
        while i < len(in_month) and in_month[i].at == instant:
            ch = in_month[i]
            (active[ch.device_type].add if ch.active else active[ch.device_type].discard)(ch.device)
            touched.add(ch.device_type)
            i += 1
        for t in touched:
            if t not in best or len(active[t]) > best[t].peak:  # ties keep the first instant
                best[t] = PeakExplained(len(active[t]), instant, frozenset(active[t]))
    return {t: p for t, p in best.items() if p.peak > 0}
