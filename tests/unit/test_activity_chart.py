"""The billing page's chart (R5, R20): one step line per device type, each thinned to what its
pixel columns can show: the same picture (every column spans the same levels and is left at the
same level), each type's exact peak drawn, marked and labelled, at most 4 corners a column however
many steps the month has; a legend and an SVG title and description that say every type's peak."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fleetbill.entrypoints.web.activity_chart import HEIGHT, PAD, WIDTH, chart_svg
from fleetbill.entrypoints.web.i18n import translator

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


def polylines(svg: str) -> dict[str, list[tuple[float, float]]]:
    """Each device type's line, by its data-type."""
    return {
        dt: [tuple(map(float, p.split(","))) for p in points.split()]
        for points, dt in re.findall(r'<polyline points="([^"]*)" class="type-line" data-type="([^"]*)"', svg)
    }


def polyline(svg: str) -> list[tuple[float, float]]:
    [line] = polylines(svg).values()
    return line


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
    svg = chart_svg({"esp32": steps}, START, END, now, "Asia/Tokyo")
    assert re.search(r'<polyline points="([^"]*)"', svg).group(1) == unthinned(steps, now, 5)
    # the peak is marked where it was first reached, labelled, and said in the legend and the description
    assert '<circle cx="%.1f" cy="%.1f"' % (PAD + COLUMNS * 3 / 31, PAD) in svg
    assert 'class="type-peak" style="fill:#0072B2">5</text>' in svg
    assert '<li data-type="esp32">' in svg and "esp32: peak 5</li>" in svg
    assert '<desc id="chart-desc">esp32: peak 5, first reached on Mar 04.</desc>' in svg


def test_r5_two_types_are_two_lines_each_with_its_own_peak_marked(tmp_path):
    # given esp32 at 9 from day 3 and m5stack at 7 from day 10 (a bill of 9 + 7 = 16), never
    # more than 15 at once in all
    esp32 = [(START, 2), (START + timedelta(days=2), 9), (START + timedelta(days=9), 8)]
    m5 = [(START, 0), (START + timedelta(days=9), 7), (START + timedelta(days=12), 3)]
    # when the chart is drawn, in Japanese too
    svg = chart_svg({"m5stack": m5, "esp32": esp32}, START, END, NOW, "Asia/Tokyo")
    ja = chart_svg({"m5stack": m5, "esp32": esp32}, START, END, NOW, "Asia/Tokyo", translator("ja"), "ja")
    # then one line a type, in the order of their names, each in its own colour and dashes
    lines = polylines(svg)
    assert list(lines) == ["esp32", "m5stack"]
    assert 'stroke-width="2" style="fill:none;stroke:#0072B2;stroke-dasharray:none"' in svg
    assert 'stroke-width="2" style="fill:none;stroke:#C24E00;stroke-dasharray:none"' in svg
    # the chart's top is the higher peak; each peak is labelled with its own number, in its colour
    assert min(y for _, y in lines["esp32"]) == float(f"{PAD:.1f}")
    assert min(y for _, y in lines["m5stack"]) == round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * 7 / 9, 1)
    assert 'style="fill:#0072B2">9</text>' in svg and 'style="fill:#C24E00">7</text>' in svg
    assert ">15<" not in svg and ">16<" not in svg  # no all-types line
    # a circle for the first type's peak, a square for the second's
    assert svg.count("<circle ") == 2 and svg.count("<rect ") == 2  # the marks and the legend's swatches
    # the legend and the description say each peak, as the bill counts them
    assert "esp32: peak 9</li>" in svg and "m5stack: peak 7</li>" in svg
    assert "esp32: peak 9, first reached on Mar 03. m5stack: peak 7, first reached on Mar 10." in svg
    assert "esp32：最大 9 台（3月3日に到達）。 m5stack：最大 7 台（3月10日に到達）。" in ja
    assert "m5stack：最大 7 台</li>" in ja


def test_no_steps_is_a_flat_line_at_zero():
    svg = chart_svg({"esp32": [(START, 0)]}, START, END, START + timedelta(days=1), "Asia/Tokyo")
    assert polyline(svg) == [(PAD, HEIGHT - PAD), (round(PAD + COLUMNS / 31, 1), HEIGHT - PAD)]
    assert "<circle " not in svg.split("<ul")[0]  # no peak to mark
    nothing = chart_svg({}, START, END, START + timedelta(days=1), "Asia/Tokyo")
    assert polylines(nothing) == {} and "No device was Active this month." in nothing


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([50, 700, 6_000, 15_000]))
def test_thousands_of_steps_draw_the_same_picture_with_at_most_4_corners_a_column(seed, n):
    # given a month of n steps, bunched like bulk switching, and its exact peak
    steps = random_steps(random.Random(seed), n)
    peak = max(level for _, level in steps)
    now = NOW
    # when the chart is drawn
    svg = chart_svg({"esp32": steps}, START, END, now, "Asia/Tokyo")
    drawn = polyline(svg)
    # then every pixel column spans the same levels, and is left at the same level, as the
    # unthinned line: the same picture, the peak drawn at its place
    before = [tuple(map(float, p.split(","))) for p in unthinned(steps, now, peak).split()]
    assert columns(drawn) == columns(before)
    assert drawn[0] == before[0] and drawn[-1] == before[-1]
    # and the line goes left to right, with at most 4 corners a column (plus where it ends)
    assert all(a[0] <= b[0] for a, b in zip(drawn, drawn[1:], strict=False))
    assert len(drawn) <= 4 * (COLUMNS + 1) + 1
    # the label, the legend and the description say the exact peak
    assert f">{peak}</text>" in svg and f"esp32: peak {peak}</li>" in svg and f"esp32: peak {peak}, " in svg
    assert min(y for _, y in drawn) == float(f"{PAD:.1f}")  # the top of the chart is the peak


def test_the_benchmarks_month_fits_in_a_few_kilobytes():
    steps = random_steps(random.Random(4), 9_000)
    assert len(steps) > 5_000
    svg = chart_svg({"esp32": steps}, START, END, NOW, "Asia/Tokyo")
    assert len(svg) < 40_000
