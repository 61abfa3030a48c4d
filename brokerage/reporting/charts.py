"""Bar and line charts as server-rendered SVG: no JavaScript, accessible, printable.

Each chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` (read by screen readers via
``aria-labelledby``) that says what it shows and where to find the numbers: the data table
beside it. Colours are the GOV.UK palette; every series has a legend and, on bars, its value
written above the bar, so colour is never the only way to tell series apart. Labels are shown
in full, wrapped onto several lines; counts have whole-number axes; the chart grows to fit.
"""

from __future__ import annotations

import math
import textwrap

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from brokerage.reporting.tables import PENCE, Chart, Table, display

COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c"]
TEXT_COLOUR = "#0b0c0c"
WIDTH = 720
LEFT, RIGHT, TOP = 72, 16, 24
PLOT_HEIGHT = 240
FONT = 16  # px in the chart's own units; the chart scales with the page
SMALL = 14
CHAR = 0.55  # average character width as a share of the font size
LINE = 1.25  # line height as a share of the font size
TICKS = 4


def nice_ticks(peak: float, *, whole: bool) -> list[float]:
    """Evenly spaced axis values from 0 to at least ``peak``: whole numbers for counts."""
    if peak <= 0:
        return [0, 1] if whole else [0, 1]
    raw = peak / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    count = math.ceil(peak / step)
    return [round(step * i, 6) for i in range(count + 1)]


def wrap(text: str, width_px: float, size: int = SMALL) -> list[str]:
    """The whole label, wrapped into lines that fit ``width_px``."""
    chars = max(4, int(width_px / (size * CHAR)))
    return textwrap.wrap(text, chars, break_long_words=False) or [""]


def _values(table: Table, key: str, kind: str) -> list[float]:
    scale = 100 if kind == PENCE else 1
    return [float(row.get(key) or 0) / scale for row in table.rows]


def _tick_label(value: float, pounds: bool) -> str:
    if pounds:
        return f"£{value:,.0f}" if value == int(value) else f"£{value:,.2f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def _text(x: float, y: float, lines: list[str], *, size: int = SMALL, anchor: str = "middle",
          weight: str = "") -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * LINE:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{TEXT_COLOUR}" '
        f'text-anchor="{anchor}"{bold}>{spans}</text>'
    )


def chart_svg(table: Table, chart_id: str) -> SafeString:
    chart = table.chart
    if chart is None or not table.rows:
        return mark_safe("")
    categories = [display(row.get(chart.category_key), "text") for row in table.rows]
    kinds = {key: table.column(key).kind for _, key in chart.series}
    series = [(label, _values(table, key, kinds[key])) for label, key in chart.series]
    pounds = any(kind == PENCE for kind in kinds.values())
    ticks = nice_ticks(max((v for _, vs in series for v in vs), default=0), whole=not pounds)
    peak = ticks[-1] or 1
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(categories), 1)

    # Category labels: every one in full, wrapped to its slot; with many (months), every n-th.
    every = max(1, math.ceil(len(categories) / 12))
    longest_word = max((len(w) for c in categories for w in c.split()), default=1)
    while every < len(categories) and longest_word * SMALL * CHAR > slot * every - 8:
        every += 1  # label every n-th category so that no word is broken
    label_lines = [wrap(c, max(slot * every - 8, 40)) for c in categories]
    label_height = max(len(lines) for lines in label_lines) * SMALL * LINE + 12

    # Legend rows under the chart, wrapped to the width.
    legend: list[list[tuple[int, str]]] = [[]]
    used = 0.0
    for index, (label, _) in enumerate(series):
        width = 24 + len(label) * SMALL * CHAR + 24
        if legend[-1] and used + width > plot_w:
            legend.append([])
            used = 0
        legend[-1].append((index, label))
        used += width
    legend_height = len(legend) * SMALL * LINE * 1.4

    unit_height = FONT * LINE + 8
    plot_top = TOP + unit_height
    plot_bottom = plot_top + PLOT_HEIGHT
    height = plot_bottom + label_height + legend_height + 16

    def y(value: float) -> float:
        return plot_bottom - (value / peak) * PLOT_HEIGHT

    parts = [
        f'<svg class="portal-chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMidYMid meet" width="100%" font-family="inherit">',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(table, chart, series, categories))}</desc>',
    ]
    if chart.unit:
        parts.append(_text(8, TOP + FONT, [chart.unit.capitalize()], size=FONT, anchor="start",
                           weight="bold"))
    for value in ticks:
        gy = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 8, gy + SMALL * 0.35, [_tick_label(value, pounds)],
                           anchor="end"))

    if chart.kind == "line":
        for index, (_, values) in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            points = " ".join(
                f"{LEFT + slot * (i + 0.5):.1f},{y(v):.1f}" for i, v in enumerate(values)
            )
            dash = ' stroke-dasharray="8 4"' if index % 2 else ""
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="3"{dash}/>'
            )
            for i, v in enumerate(values):
                parts.append(
                    f'<circle cx="{LEFT + slot * (i + 0.5):.1f}" cy="{y(v):.1f}" r="4" '
                    f'fill="{colour}"/>'
                )
    else:
        group = slot * 0.8
        bar = group / max(len(series), 1)
        for index, (_, values) in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            for i, v in enumerate(values):
                bx = LEFT + slot * i + slot * 0.1 + bar * index
                parts.append(
                    f'<rect x="{bx:.1f}" y="{y(v):.1f}" width="{max(bar - 2, 1):.1f}" '
                    f'height="{plot_bottom - y(v):.1f}" fill="{colour}"/>'
                )
                if bar >= SMALL * 2:
                    parts.append(_text(bx + bar / 2 - 1, y(v) - 6,
                                       [_tick_label(v, pounds)]))
    for i, lines in enumerate(label_lines):
        if i % every:
            continue
        parts.append(_text(LEFT + slot * (i + 0.5), plot_bottom + SMALL + 6, lines))
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="{TEXT_COLOUR}"/>'
    )
    legend_top = plot_bottom + label_height + 8
    for row_index, row in enumerate(legend):
        x = float(LEFT)
        ly = legend_top + row_index * SMALL * LINE * 1.4
        for index, label in row:
            colour = COLOURS[index % len(COLOURS)]
            parts.append(f'<rect x="{x:.1f}" y="{ly:.1f}" width="16" height="16" '
                         f'fill="{colour}"/>')
            parts.append(_text(x + 22, ly + SMALL - 1, [label], anchor="start"))
            x += 24 + len(label) * SMALL * CHAR + 24
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _describe(table: Table, chart: Chart, series, categories) -> str:
    kind = "Line chart" if chart.kind == "line" else "Bar chart"
    names = " and ".join(label for label, _ in series)
    pairs = []
    for i, category in enumerate(categories[:12]):
        values = ", ".join(f"{label} {values[i]:,.0f}" for label, values in series)
        pairs.append(f"{category}: {values}")
    more = " and more" if len(categories) > 12 else ""
    return (
        f"{kind} of {names} for each {table.column(chart.category_key).label.lower()}. "
        f"{'; '.join(pairs)}{more}. The same figures are in the table '{table.caption}'."
    )
