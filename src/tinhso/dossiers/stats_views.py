"""Back-office statistics pages: the dashboard (charts with their tables), the list behind each
figure, the Excel export. Thin: `statistics.report` counts; this module only lays out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from tinhso.dossiers.statistics import excel
from tinhso.dossiers.statistics.definitions import INDICATORS, RATES, Period
from tinhso.dossiers.statistics.report import (
    GROUPINGS,
    Report,
    Row,
    build_report,
    counted,
    parse_period,
    reporting_organs,
)

# Colours with at least 3:1 contrast against white, told apart by the tables as well.
PALETTE = ("#1b5e9c", "#2e7d32", "#b35900", "#8b1a1a", "#5e35b1")
BAR_AREA, LABEL_WIDTH, BAR_HEIGHT, GAP = 320, 190, 18, 8

# (id, title, stacked segments (figure key, or (label, whole, minus parts)), table figures,
# table shares). Each segment set is disjoint, so a bar's length is the sum it shows.
CHARTS: tuple[tuple[str, Any, tuple[Any, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "received",
        gettext_lazy("Hồ sơ tiếp nhận trong kỳ theo hình thức nộp (chỉ số 3.3)"),
        (
            "i33_online",
            (
                gettext_lazy("Trực tuyến, chưa có kết quả điện tử bắt buộc"),
                "received_online",
                ("i33_online",),
            ),
            "received_counter",
            "received_post",
        ),
        (
            "carried_over",
            "received",
            "received_online",
            "i33_online",
            "received_counter",
            "received_post",
        ),
        ("i33",),
    ),
    (
        "synchronised",
        gettext_lazy("Chỉ số 1.4: hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
        (
            "i14_synchronised",
            (gettext_lazy("Chưa đồng bộ"), "received", ("i14_synchronised",)),
        ),
        ("received", "i14_synchronised"),
        ("i14",),
    ),
    (
        "resolved",
        gettext_lazy("Kết quả giải quyết trong kỳ"),
        ("resolved_early", "resolved_on_time", "resolved_late"),
        ("resolved", "resolved_early", "resolved_on_time", "resolved_late", "refused", "withdrawn"),
        ("on_time_rate",),
    ),
    (
        "in_progress",
        gettext_lazy("Hồ sơ đang giải quyết cuối kỳ"),
        ("in_progress_within", "in_progress_past"),
        ("in_progress", "in_progress_within", "in_progress_past", "waiting_supplement"),
        (),
    ),
    (
        "i21",
        gettext_lazy("Chỉ số 2.1: xử lý hồ sơ đúng hạn"),
        ("i21_on_time", "i21_late_finished", "i21_late_unfinished"),
        ("i21_counted", "i21_on_time", "i21_late_finished", "i21_late_unfinished"),
        ("i21",),
    ),
    (
        "online",
        gettext_lazy("Chỉ số 3.1, 3.2: thủ tục cung cấp trực tuyến"),
        (
            "offered_online_used",
            (
                gettext_lazy("Trực tuyến, chưa có hồ sơ trực tuyến"),
                "offered_online",
                ("offered_online_used",),
            ),
            (gettext_lazy("Chưa cung cấp trực tuyến"), "offered", ("offered_online",)),
        ),
        ("offered", "offered_online", "offered_online_used"),
        ("i31", "i32"),
    ),
    (
        "payment",
        gettext_lazy("Chỉ số 3.5, 3.6: thanh toán trực tuyến"),
        (
            "i36_paid_online",
            (
                gettext_lazy("Có nghĩa vụ tài chính, chưa thanh toán trực tuyến"),
                "i36_fee_dossiers",
                ("i36_paid_online",),
            ),
        ),
        ("i35_fee_procedures", "i35_paid_online", "i36_fee_dossiers", "i36_paid_online"),
        ("i35", "i36"),
    ),
    (
        "digitisation",
        gettext_lazy("Chỉ số 4.1–4.3: kết quả điện tử, số hóa hồ sơ, tái sử dụng dữ liệu"),
        (
            "i41_result_electronic",
            (gettext_lazy("Có kết quả, chưa điện tử"), "i41_granted", ("i41_result_electronic",)),
        ),
        (
            "i41_granted",
            "i41_result_electronic",
            "received",
            "i42_digitised",
            "i43_data_reused",
        ),
        ("i41", "i42", "i43"),
    ),
)


def _segment(row: Row, spec: Any) -> tuple[str, int]:
    if isinstance(spec, str):
        return str(INDICATORS[spec].label), row.counts[spec]
    label, whole, parts = spec
    return str(label), row.counts[whole] - sum(row.counts[p] for p in parts)


def _chart(report: Report, chart_id: str, title: Any, segments: tuple[Any, ...]) -> dict[str, Any]:
    """Geometry of a horizontal stacked bar chart, one bar per group."""
    bars, biggest = [], 1
    for row in report.rows:
        values = [_segment(row, spec) for spec in segments]
        biggest = max(biggest, sum(v for _l, v in values))
        bars.append((row, values))
    laid_out = []
    for index, (row, values) in enumerate(bars):
        x, parts = LABEL_WIDTH, []
        for colour, (label, value) in zip(PALETTE, values, strict=False):
            width = round(BAR_AREA * value / biggest, 1)
            parts.append({"x": x, "width": width, "fill": colour, "label": label, "value": value})
            x += width
        short = row.label if len(row.label) <= 28 else row.label[:27] + "…"
        y = 8 + index * (BAR_HEIGHT + GAP)
        laid_out.append(
            {
                "label": row.label,
                "short": short,
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "end_x": x + 4,
                "total": sum(v for _l, v in values),
                "parts": parts,
            }
        )
    legend = [
        {"label": label, "fill": colour}
        for colour, (label, _v) in zip(
            PALETTE, [_segment(report.total, s) for s in segments], strict=False
        )
    ]
    return {
        "id": chart_id,
        "title": str(title),
        "bars": laid_out,
        "legend": legend,
        "width": LABEL_WIDTH + BAR_AREA + 40,
        "height": 16 + max(1, len(laid_out)) * (BAR_HEIGHT + GAP),
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 6,
    }


def _table(
    report: Report, keys: tuple[str, ...], rates: tuple[str, ...], query: str
) -> dict[str, Any]:
    """The numbers of a chart, each linking to the list of what it counted."""
    list_url = reverse("dossiers:stats_list")

    def cells(row: Row) -> list[dict[str, Any]]:
        return [
            {
                "value": row.counts[key],
                "url": f"{list_url}?{urlencode({'indicator': key, 'group': row.group})}&{query}",
                "formula": INDICATORS[key].formula,
            }
            for key in keys
        ]

    return {
        "headers": [INDICATORS[k].label for k in keys] + [RATES[r].label for r in rates],
        "rows": [
            {"label": row.label, "cells": cells(row), "rates": [row.rate(r).text for r in rates]}
            for row in report.rows
        ],
        "total": {
            "label": report.total.label,
            "cells": cells(report.total),
            "rates": [report.total.rate(r).text for r in rates],
        },
    }


def _period_query(period: Period) -> dict[str, str]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _period(request: HttpRequest) -> tuple[Period, dict[str, list[str]]]:
    """The period asked for, or the current month with the errors of what was asked."""
    try:
        return (
            parse_period(
                request.GET.get("from"), request.GET.get("to"), preset=request.GET.get("preset", "")
            ),
            {},
        )
    except ValidationError as error:
        return parse_period(None, None), error.message_dict


def _bad_request(error: ValidationError) -> HttpResponse:
    return HttpResponseBadRequest(
        " ".join(error.messages), content_type="text/plain; charset=utf-8"
    )


@never_cache
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organs = reporting_organs(request.user)
    period, errors = _period(request)
    grouping = request.GET.get("group", "organ")
    if grouping not in GROUPINGS:
        errors["group"] = [_("Cách nhóm không hợp lệ.")]
        grouping = "organ"
    report = build_report(organs=organs, period=period, grouping=grouping)
    query = {**_period_query(period), "group": grouping}
    link_query = urlencode(_period_query(period))
    charts = [
        {**_chart(report, cid, title, segments), "table": _table(report, keys, rates, link_query)}
        for cid, title, segments, keys, rates in CHARTS
    ]
    discrepancies = [(row.label, row.discrepancies()) for row in [*report.rows, report.total]]
    return render(
        request,
        "dossiers/stats/dashboard.html",
        {
            "report": report,
            "period": period,
            "charts": charts,
            "errors": errors,
            "groupings": GROUPINGS.values(),
            "grouping": grouping,
            "excel_query": urlencode(query),
            "discrepancies": [(label, broken) for label, broken in discrepancies if broken],
        },
    )


@never_cache
@login_required
def export(request: HttpRequest) -> HttpResponse:
    organs = reporting_organs(request.user)
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"))
        report = build_report(
            organs=organs, period=period, grouping=request.GET.get("group", "organ")
        )
    except ValidationError as error:
        return _bad_request(error)
    response = HttpResponse(
        excel.workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"thong-ke-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
def counted_list(request: HttpRequest) -> HttpResponse:
    """The dossiers (or procedures) one figure counted, with the figure's own condition."""
    organs = reporting_organs(request.user)
    key = request.GET.get("indicator", "")
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"))
        subject, rows = counted(
            organs=organs, period=period, indicator=key, group=request.GET.get("group", "")
        )
    except ValidationError as error:
        return _bad_request(error)
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/stats/list.html",
        {
            "indicator": INDICATORS[key],
            "subject": subject,
            "page": page,
            "period": period,
            "page_query": query.urlencode(),
            "back_query": urlencode(_period_query(period)),
        },
    )
