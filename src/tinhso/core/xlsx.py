"""A plain tabular Excel writer (openpyxl) for the back office's exports: each sheet a
title, a few lines saying what it covers, a bold header row, the rows, and bold total rows.

Numbers stay numbers (with a number format per column), so the figures can be summed again
in Excel; dates and texts are written as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

AMOUNT = "#,##0"  # whole đồng; Excel shows the separators of the reader's locale


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    lines: Sequence[str] = ()  # what the sheet covers, under the title
    totals: Sequence[Sequence[object]] = ()  # bold rows after the data
    formats: dict[int, str] = field(default_factory=dict)  # column index (0-based) → format
    widths: dict[int, float] = field(default_factory=dict)  # column index (0-based) → width


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as .xlsx bytes (at least one sheet)."""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, spec in enumerate(sheets):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = spec.title[:31]
        sheet.append([spec.title])
        sheet["A1"].font = Font(bold=True, size=13)
        for line in spec.lines:
            sheet.append([line])
        sheet.append([])
        sheet.append(list(spec.header))
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in spec.rows:
            sheet.append(list(row))
            _format(sheet[sheet.max_row], spec.formats)
        for row in spec.totals:
            sheet.append(list(row))
            _format(sheet[sheet.max_row], spec.formats)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for column, width in spec.widths.items():
            sheet.column_dimensions[get_column_letter(column + 1)].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _format(cells: Sequence[object], formats: dict[int, str]) -> None:
    for column, number_format in formats.items():
        if column < len(cells):
            cells[column].number_format = number_format  # type: ignore[attr-defined]
