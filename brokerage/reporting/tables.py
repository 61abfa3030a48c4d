"""The shape every report table takes: columns, rows of raw values, a total row and notes.

Selectors build ``Table`` objects from database aggregates; the page, the CSV and the XLSX
exports and the charts all read the same objects, so what is exported is what is shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from portal.core.money import pence_display

INT = "int"
PENCE = "pence"
PERCENT = "percent"
HOURS = "hours"
TEXT = "text"
#: A row's list of names it stands for (the areas counted in "Other areas"), shown expandable.
DETAILS = "details"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = INT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Chart:
    """What to draw: ``kind`` is "bar" or "line"; series are (label, column key)."""

    kind: str
    category_key: str
    series: list[tuple[str, str]]
    title: str
    unit: str = ""


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    chart: Chart | None = None
    empty_message: str = "Nothing recorded for this period and area yet."

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        return [
            [(display(row.get(c.key), c.kind), c.numeric) for c in self.columns]
            for row in self.rows
        ]

    def body(self) -> list[tuple[list[tuple[str, bool]], list[str]]]:
        """Each row's cells with the names it stands for (the areas in "Other areas")."""
        return [
            (cells, list(row.get(DETAILS) or []))
            for cells, row in zip(self.display_rows(), self.rows, strict=True)
        ]

    def display_total(self) -> list[tuple[str, bool]] | None:
        if self.total is None:
            return None
        return [(display(self.total.get(c.key), c.kind), c.numeric) for c in self.columns]


def share(actual: int | None, target: int | None) -> float | None:
    """Actual as a share of target, in per cent (None when there is no target)."""
    if not target or actual is None:
        return None
    return round(actual * 100 / target, 1)


def column_sum(rows: list[dict], key: str) -> int:
    """The total of one column of a table's rows (an empty cell counts as 0)."""
    return sum(row.get(key) or 0 for row in rows)


def display(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "–" if kind != TEXT else ""
    if kind == PENCE:
        return pence_display(int(value))
    if kind == PERCENT:
        return f"{value:g}%"
    if kind == HOURS:
        return f"{value:.1f} hours"
    if kind == INT:
        return f"{int(value):,}"
    if isinstance(value, datetime.date):
        return value.strftime("%B %Y")
    return str(value)


def raw(value: Any, kind: str) -> Any:
    """The value as it goes into a spreadsheet: numbers stay numbers, pence become pounds."""
    if value is None:
        return ""
    if kind == PENCE:
        return round(int(value) / 100, 2)
    if kind in (INT, PERCENT, HOURS):
        return value
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m")
    return str(value)


def month_range(scope) -> list[datetime.date]:
    """The first day of every month from the scope's first to its last day (none left out)."""
    month = scope.date_from.replace(day=1)
    months = []
    while month <= scope.date_to:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months

