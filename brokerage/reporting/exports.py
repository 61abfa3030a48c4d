"""CSV (csv module) and XLSX (openpyxl) exports of a report table: what the page shows, as data.

Numbers stay numbers; money is in pounds (two decimals) with the column saying so; text cells
that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from brokerage.reporting.tables import PENCE, PERCENT, TEXT, Table, raw

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(table: Table) -> list[str]:
    labels = []
    for column in table.columns:
        suffix = " (£)" if column.kind == PENCE else " (%)" if column.kind == PERCENT else ""
        labels.append(f"{column.label}{suffix}")
    return labels


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def _rows(table: Table) -> list[list]:
    rows = [[_safe(raw(row.get(c.key), c.kind)) for c in table.columns] for row in table.rows]
    if table.total is not None:
        rows.append([_safe(raw(table.total.get(c.key), c.kind)) for c in table.columns])
    return rows


def _preamble(table: Table, context: list[str]) -> list[list]:
    return [[line] for line in [table.caption, *context]] + [[]]


def table_csv(table: Table, *, context: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(_preamble(table, context))
    writer.writerow(_header(table))
    writer.writerows(_rows(table))
    if table.notes:
        writer.writerow([])
        writer.writerows([[note] for note in table.notes])
    return buffer.getvalue()


def table_xlsx(table: Table, *, context: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the one a new workbook opens on
    sheet.title = table.slug[:31]
    for line in _preamble(table, context):
        sheet.append(line)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append(_header(table))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in _rows(table):
        sheet.append(row)
    for index, column in enumerate(table.columns, start=1):
        if column.kind == PENCE:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = "£#,##0.00"
        width = max(len(column.label), 12) + 2 if column.kind != TEXT else 40
        sheet.column_dimensions[get_column_letter(index)].width = width
    if table.total is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([note])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
