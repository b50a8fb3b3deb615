"""The billing page's chart (R20) thinned to what its pixel columns can show: the same picture
(every column spans the same levels and is left at the same level), the exact peak drawn and
labelled, at most 4 corners a column however many steps the month has."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fleetbill.entrypoints.web.billing_page import HEIGHT, PAD, WIDTH, chart_svg

START = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)  # March 2026 in Tokyo
END = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)
SPAN = (END - START).total_seconds()
NOW = END - timedelta(hours=9)  # noon on the month's last day in Tokyo
COLUMNS = WIDTH - 2 * PAD


def unthinned(steps, now, top):
    """The polyline as it was drawn before thinning: two corners a step."""
    x = lambda at: PAD + COLUMNS * min(max((at - START).total_seconds() / SPAN, 0), 1)  # noqa: E731
    y = lambda n: HEIGHT - PAD - (HEIGHT - 2 * PAD) * n / top  # noqa: E731
    points, last = [], None
    for at, n in steps:
        if last is not None:
            points.append(f"{x(at):.1f},{y(last):.1f}")
        points.append(f"{x(at):.1f},{y(n):.1f}")
        last = n
    points.append(f"{x(min(now, END)):.1f},{y(last or 0):.1f}")
    return " ".join(points)


def polyline(svg: str) -> list[tuple[float, float]]:
    points = re.search(r'<polyline points="([^"]*)"', svg).group(1)
    return [tuple(map(float, p.split(","))) for p in points.split()]


def columns(points):
    """Per pixel column: the span of y drawn in it (the vertical moves), and the y it is left at."""
    spans, left = {}, {}
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x0 == x1:
            col = math.floor(x0)
            lo, hi = spans.get(col, (y0, y0))
            spans[col] = (min(lo, y0, y1), max(hi, y0, y1))
            left[col] = y1
    return spans, left


def random_steps(rng: random.Random, n: int) -> list[tuple[datetime, int]]:
    """n steps at random instants of the month so far, bunched (bulk switching), levels wandering."""
    so_far = int((NOW - START).total_seconds()) - 3_600
    bursts = [START + timedelta(seconds=rng.randrange(so_far)) for _ in range(8)]
    instants = sorted(
        {
            rng.choice(bursts) + timedelta(seconds=rng.randrange(3_600))
            if rng.random() < 0.7
            else START + timedelta(seconds=rng.randrange(1, so_far))
            for _ in range(n)
        }
        - {START}
    )
    level, steps = rng.randrange(5_000, 8_000), []
    steps.append((START, level))
    for at in instants:
        new = max(0, level + rng.choice([-1, 1]) * rng.randrange(1, 300))
        if new != level:
            steps.append((at, new))
            level = new
    return steps


def test_a_month_of_few_steps_is_drawn_as_before():
    steps = [(START, 2), (START + timedelta(days=3), 5), (START + timedelta(days=9, hours=2), 1)]
    now = START + timedelta(days=20)
    svg = chart_svg(steps, START, END, now, 5, "Asia/Tokyo")
    assert re.search(r'<polyline points="([^"]*)"', svg).group(1) == unthinned(steps, now, 5)
    assert 'aria-label="Active devices this month; peak 5"' in svg and ">peak 5</text>" in svg


def test_no_steps_is_a_flat_line_at_zero():
    svg = chart_svg([(START, 0)], START, END, START + timedelta(days=1), 0, "Asia/Tokyo")
    assert polyline(svg) == [(PAD, HEIGHT - PAD), (round(PAD + COLUMNS / 31, 1), HEIGHT - PAD)]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([50, 700, 6_000, 15_000]))
def test_thousands_of_steps_draw_the_same_picture_with_at_most_4_corners_a_column(seed, n):
    # given a month of n steps, bunched like bulk switching, and its exact peak
    steps = random_steps(random.Random(seed), n)
    peak = max(level for _, level in steps)
    now = NOW
    # when the chart is drawn
    svg = chart_svg(steps, START, END, now, peak, "Asia/Tokyo")
    drawn = polyline(svg)
    # then every pixel column spans the same levels, and is left at the same level, as the
    # unthinned line: the same picture, the peak drawn at its place
    before = [tuple(map(float, p.split(","))) for p in unthinned(steps, now, peak).split()]
    assert columns(drawn) == columns(before)
    assert drawn[0] == before[0] and drawn[-1] == before[-1]
    # and the line goes left to right, with at most 4 corners a column (plus where it ends)
    assert all(a[0] <= b[0] for a, b in zip(drawn, drawn[1:], strict=False))
    assert len(drawn) <= 4 * (COLUMNS + 1) + 1
    # the label and the line across the chart say the exact peak
    assert f'aria-label="Active devices this month; peak {peak}"' in svg and f">peak {peak}</text>" in svg
    assert min(y for _, y in drawn) == float(f"{PAD:.1f}")  # the top of the chart is the peak


def test_the_benchmarks_month_fits_in_a_few_kilobytes():
    steps = random_steps(random.Random(4), 9_000)
    assert len(steps) > 5_000
    svg = chart_svg(steps, START, END, NOW, max(n for _, n in steps), "Asia/Tokyo")
    assert len(svg) < 40_000
