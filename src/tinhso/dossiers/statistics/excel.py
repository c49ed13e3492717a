"""The report as an Excel workbook: one sheet for the classic one-stop report, one for the
Decision 766 indicators. Counts are numbers, shares are numbers formatted as percentages
(empty when there is nothing to share), headers are in Vietnamese."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from tinhso.core.formats import format_date
from tinhso.dossiers.statistics.definitions import (
    CLASSIC,
    I4,
    I14,
    I21,
    I31_32,
    I33,
    I35_36,
    INDICATORS,
    RATES,
)
from tinhso.dossiers.statistics.report import Report, Row

PERCENT = "0.0%"
# (sheet title, figure keys, share keys) of each sheet.
SHEETS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("one-stop", CLASSIC, ("on_time_rate",)),
    (
        "766",
        I33 + I14 + I21 + I31_32 + I35_36 + I4,
        ("i14", "i21", "i31", "i32", "i33", "i35", "i36", "i41", "i42", "i43"),
    ),
)


def _sheet(
    sheet: Worksheet, report: Report, title: str, keys: tuple[str, ...], rates: tuple[str, ...]
) -> None:
    period = report.period
    sheet.append([title])
    sheet.append(
        [
            _("Từ ngày %(first)s đến ngày %(last)s")
            % {"first": format_date(period.first), "last": format_date(period.last)}
        ]
    )
    sheet.append([])
    header = [str(report.grouping.label)]
    header += [str(INDICATORS[k].label) for k in keys]
    header += [str(RATES[k].label) for k in rates]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rows: list[Row] = [*report.rows, report.total]
    for row in rows:
        values: list[object] = [row.label, *(row.counts[k] for k in keys)]
        values += [row.rate(k).value for k in rates]
        sheet.append(values)
        for cell in sheet[sheet.max_row][1 + len(keys) :]:
            cell.number_format = PERCENT
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    sheet.freeze_panes = "B5"


def workbook(report: Report) -> bytes:
    """The report as .xlsx bytes."""
    book = Workbook()
    first = book.active
    assert first is not None
    titles = {
        "one-stop": _("Tình hình giải quyết TTHC"),
        "766": _("Chỉ số Quyết định 766"),
    }
    for index, (name, keys, rates) in enumerate(SHEETS):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = titles[name][:31]
        _sheet(sheet, report, titles[name], keys, rates)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
