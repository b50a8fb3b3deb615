"""The billing page's chart (R5, R20): devices Active through the month, one step line per device
type with its peak marked, because the bill counts one peak per type: the peaks in the legend
add up to what the estimate charges for, which a line of all types together would not show.

Server-rendered SVG, no script. Each series is thinned to the plot's pixel columns (`_corners`),
so a month of bulk switching stays a few kilobytes. A series is told apart by its colour, its
dash pattern and its peak's marker shape, so it reads without colour too; the legend is HTML
under the drawing, so it wraps and stays readable on a phone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from .i18n import Translate, translator

WIDTH, HEIGHT, PAD = 640, 200, 32
Step = tuple[datetime, int]

# Okabe-Ito's colour-blind-safe hues, darkened to 4.5:1 on white so the labels in them are readable.
COLOURS = ("#0072B2", "#C24E00", "#007A5E", "#A0468C", "#8A6100", "#404040")
DASHES = ("", "7 3", "2 2", "9 3 2 3")  # a second way to tell the lines apart
MARKERS = ("circle", "square", "triangle", "diamond")


def _day(at: datetime, lang: str) -> str:
    return f"{at.month}月{at.day}日" if lang == "ja" else f"{at:%b %d}"


def _corners(steps: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """The corners (x, level) of the step line through `steps` (x, level from there on), thinned
    to what a pixel column can show: in each column, from the level it is entered at, the lowest
    and the highest level of its steps in the order they come, then the level it is left at, all
    at the x of its first step. So at most 4 corners a column whatever the history (a month of
    bulk switching is thousands of steps on 576 columns), the peak is always drawn, every level
    held across columns is drawn where it is, and a column with one step is drawn as it was."""
    corners: list[tuple[float, int]] = []
    i, entered = 0, None
    while i < len(steps):
        x0, column = steps[i][0], []
        while i < len(steps) and math.floor(steps[i][0]) == math.floor(x0):
            column.append(steps[i][1])
            i += 1
        lo, hi = min(column), max(column)
        extremes = [lo, hi] if column.index(lo) <= column.index(hi) else [hi, lo]
        for n in [column[0] if entered is None else entered, *extremes, column[-1]]:
            if not corners or corners[-1] != (x0, n):
                corners.append((x0, n))
        entered = column[-1]
    return corners


def _marker(shape: str, cx: float, cy: float, colour: str) -> str:
    """A peak's marker, 9 pixels across, in the series' shape."""
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        pts = f"{cx:.1f},{cy - 5.5:.1f} {cx + 5:.1f},{cy + 3.5:.1f} {cx - 5:.1f},{cy + 3.5:.1f}"
    else:
        pts = f"{cx:.1f},{cy - 5.5:.1f} {cx + 5.5:.1f},{cy:.1f} {cx:.1f},{cy + 5.5:.1f} {cx - 5.5:.1f},{cy:.1f}"
    return f'<polygon points="{pts}" fill="{colour}"/>'


def _swatch(i: int) -> Markup:
    """The legend's sample of series i: its line and its peak's marker, in its colour."""
    colour, dash = COLOURS[i % len(COLOURS)], DASHES[i // len(COLOURS) % len(DASHES)]
    return Markup(
        f'<svg viewBox="0 0 28 12" width="28" height="12" aria-hidden="true">'
        f'<line x1="0" y1="6" x2="28" y2="6" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
        f"{_marker(MARKERS[i % len(MARKERS)], 14, 6, colour)}</svg>"
    )


def _label_at(x: float, y: float, taken: list[tuple[float, float]]) -> tuple[float, float]:
    """Where a peak's number goes: above its marker, moved up (or below, at the top) until it
    overlaps no label placed before it."""
    ly = y - 9
    while any(abs(x - tx) < 30 and abs(ly - ty) < 13 for tx, ty in taken):
        ly -= 13
    if ly < 11:  # no room above the plot: below the marker instead
        ly = y + 18
        while any(abs(x - tx) < 30 and abs(ly - ty) < 13 for tx, ty in taken):
            ly += 13
    taken.append((x, ly))
    return x, ly


@dataclass(frozen=True)
class _Frame:
    """The month mapped onto the drawing: instants to x, device counts to y."""

    start: datetime
    end: datetime
    top: int  # the count at the top of the plot: the highest peak

    def x(self, at: datetime) -> float:
        share = (at - self.start).total_seconds() / (self.end - self.start).total_seconds()
        return PAD + (WIDTH - 2 * PAD) * min(max(share, 0), 1)

    def y(self, n: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * n / self.top


def _line(i: int, device_type: str, steps: list[Step], frame: _Frame, now: datetime) -> str:
    """Series i's step line, thinned to the pixel columns it is drawn in, on to `now`."""
    colour, dash = COLOURS[i % len(COLOURS)], DASHES[i // len(COLOURS) % len(DASHES)]
    corners = _corners([(round(frame.x(at), 1), n) for at, n in steps])
    points = [f"{cx:.1f},{frame.y(n):.1f}" for cx, n in corners]
    points.append(f"{frame.x(min(now, frame.end)):.1f},{frame.y(corners[-1][1]):.1f}")
    return (
        f'<polyline points="{" ".join(points)}" class="type-line" data-type="{escape(device_type)}" '
        f'stroke-width="2" style="fill:none;stroke:{colour};stroke-dasharray:{dash or "none"}"/>'
    )


def _peak_mark(i: int, peak: int, reached: datetime, frame: _Frame, taken: list[tuple[float, float]]) -> str:
    """Series i's peak: its marker where it was first reached, and the count above it."""
    colour = COLOURS[i % len(COLOURS)]
    mx, my = frame.x(reached), frame.y(peak)
    lx, ly = _label_at(min(max(mx, PAD + 12), WIDTH - PAD - 12), my, taken)
    return (
        f'{_marker(MARKERS[i % len(MARKERS)], mx, my, colour)}<text x="{lx:.1f}" y="{ly:.1f}" '
        f'text-anchor="middle" class="type-peak" style="fill:{colour}">{peak}</text>'
    )


def chart_svg(
    series: dict[str, list[Step]],
    start: datetime,
    end: datetime,
    now: datetime,
    tz: str,
    _: Translate = translator("en"),
    lang: str = "en",
) -> Markup:
    """Active devices through the month, one step line per device type with its peak marked and
    labelled, then the legend: why each billed count is what it is (R5, R20)."""
    zone, types = ZoneInfo(tz), sorted(series)
    peaks = {dt: max(n for _at, n in series[dt]) for dt in types}
    frame = _Frame(start, end, max([*peaks.values(), 1]))
    lines, marks, descs, legend, taken = [], [], [], [], []
    for i, dt in enumerate(types):
        peak = peaks[dt]
        reached = next(at for at, n in series[dt] if n == peak)  # NOTE: R5 the type's billed count
        lines.append(_line(i, dt, series[dt], frame, now))
        if peak > 0:
            marks.append(_peak_mark(i, peak, reached, frame, taken))
        day = _day(reached.astimezone(zone), lang)
        descs.append(_("{type}: peak {peak}, first reached on {day}.", type=dt, peak=peak, day=day))
        named = escape(_("{type}: peak {peak}", type=dt, peak=peak))
        legend.append(f'<li data-type="{escape(dt)}">{_swatch(i)} {named}</li>')
    title = escape(_("Devices Active at once this month, one line per device type"))
    desc = escape(" ".join(descs) or _("No device was Active this month."))
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" class="chart">'
        f'<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis" stroke="#9aa3b2"/>'
        f'<line x1="{PAD}" y1="{PAD}" x2="{WIDTH - PAD}" y2="{PAD}" stroke="#e8eaee"/>'
        f"{''.join(lines)}{''.join(marks)}"
        f'<text x="{PAD - 6}" y="{HEIGHT - PAD + 4}" text-anchor="end">0</text>'
        f'<text x="2" y="{PAD + 4}">{frame.top}</text>'  # from the left edge: room for a count of any length
        f'<text x="{PAD}" y="{HEIGHT - 8}">{_day(start.astimezone(zone), lang)}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" text-anchor="end">{_day(end.astimezone(zone), lang)}</text></svg>'
        f'<ul class="chart-legend">{"".join(legend)}</ul>'
    )
