"""Bar and line charts as server-rendered SVG: no JavaScript, accessible, printable.

Each chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` (read by screen readers via
``aria-labelledby``) that says what it shows and where to find the numbers: the data table
beside it. Colours are the GOV.UK palette; every series also has a legend and, on bars, its
value written above the bar, so colour is never the only way to tell series apart.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from brokerage.reporting.tables import Chart, Table, display

COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c"]
WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 72


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _label(value) -> str:
    text = display(value, "text")
    return text if len(text) <= 18 else text[:17] + "…"


def _values(table: Table, key: str, kind: str) -> list[float]:
    scale = 100 if kind == "pence" else 1
    return [float(row.get(key) or 0) / scale for row in table.rows]


def chart_svg(table: Table, chart_id: str) -> SafeString:
    chart = table.chart
    if chart is None or not table.rows:
        return mark_safe("")
    categories = [_label(row.get(chart.category_key)) for row in table.rows]
    series = [(label, _values(table, key, table.column(key).kind)) for label, key in chart.series]
    peak = _nice_max(max((v for _, values in series for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h - (value / peak) * plot_h

    parts = [
        f'<svg class="portal-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMidYMid meet" width="100%">',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(table, chart, series, categories))}</desc>',
    ]
    # grid and axis labels
    for i in range(5):
        value = peak * i / 4
        gy = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#0b0c0c">{value:g}</text>'
        )
    if chart.unit:
        parts.append(
            f'<text x="{LEFT}" y="{TOP - 24}" font-size="12" fill="#0b0c0c">'
            f"{escape(chart.unit.capitalize())}</text>"
        )
    # legend
    x = LEFT
    for index, (label, _) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="{TOP - 16}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16}" y="{TOP - 6}" font-size="12" fill="#0b0c0c">{escape(label)}</text>'
        )
        x += 24 + 7 * len(label)

    slot = plot_w / max(len(categories), 1)
    if chart.kind == "line":
        for index, (_, values) in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            points = " ".join(
                f"{LEFT + slot * (i + 0.5):.1f},{y(v):.1f}" for i, v in enumerate(values)
            )
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"/>'
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
                    f'height="{TOP + plot_h - y(v):.1f}" fill="{colour}"/>'
                )
                if len(categories) * len(series) <= 24:
                    parts.append(
                        f'<text x="{bx + bar / 2 - 1:.1f}" y="{y(v) - 4:.1f}" text-anchor="middle" '
                        f'font-size="11" fill="#0b0c0c">{v:,.0f}</text>'
                    )
    # category labels (rotated when crowded)
    step = max(1, len(categories) // 12)
    for i, label in enumerate(categories):
        if i % step:
            continue
        cx = LEFT + slot * (i + 0.5)
        cy = TOP + plot_h + 16
        if len(categories) > 4:
            parts.append(
                f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="11" fill="#0b0c0c" text-anchor="end" '
                f'transform="rotate(-30 {cx:.1f} {cy:.1f})">{escape(label)}</text>'
            )
        else:
            parts.append(
                f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="12" fill="#0b0c0c" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        f'stroke="#0b0c0c"/>'
    )
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
