"""Charts people can read (issue 20, item 6): labels in full, whole-number axes for counts,
every month in the range, legends."""

import datetime
import re

from brokerage.reporting.charts import chart_svg, nice_ticks
from brokerage.reporting.tables import PENCE, TEXT, Chart, Column, Table

LONG = "…and has an opportunity that went live after the enquiry"


def _table(rows, kind="int", chart_kind="bar", unit="people"):
    return Table(
        slug="t", caption="A table",
        columns=[Column("label", "Label", TEXT), Column("a", "First", kind),
                 Column("b", "Second", kind)],
        rows=rows,
        chart=Chart(chart_kind, "label", [("First series", "a"), ("Second series", "b")],
                    "A chart", unit),
    )


def _tick_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end"><tspan[^>]*>([^<]*)</tspan>', svg)


def test_counts_have_whole_number_axes():
    assert nice_ticks(3, whole=True) == [0, 1, 2, 3]
    assert nice_ticks(1, whole=True) == [0, 1]
    assert all(t == int(t) for t in nice_ticks(7, whole=True))
    svg = chart_svg(_table([{"label": "A", "a": 1, "b": 3}]), "c")
    assert _tick_labels(svg) == ["0", "1", "2", "3"]


def test_money_axis_is_in_pounds():
    svg = chart_svg(_table([{"label": "A", "a": 12_345, "b": 0}], kind=PENCE, unit="pounds"), "c")
    assert "£" in "".join(_tick_labels(svg))


def test_labels_are_shown_in_full_wrapped_and_series_have_a_legend():
    svg = chart_svg(_table([{"label": LONG, "a": 2, "b": 1}, {"label": "Enquiries", "a": 5,
                                                              "b": 4}]), "c")
    words = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert LONG in words  # every word, in order, over several lines
    assert "…" not in LONG[1:] and "after the enquiry" in words
    assert "First series" in words and "Second series" in words


def test_every_month_is_drawn():
    months = [{"label": datetime.date(2025, m, 1), "a": m % 3, "b": 0} for m in range(1, 13)]
    svg = chart_svg(_table(months, chart_kind="line"), "c")
    assert svg.count("<circle") == 24
    texts = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t))
             for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    labels = [t for t in texts if t.endswith("2025")]
    # Every month has its point; the axis names every second month, each in full.
    assert labels == ["January 2025", "March 2025", "May 2025", "July 2025",
                      "September 2025", "November 2025"]
