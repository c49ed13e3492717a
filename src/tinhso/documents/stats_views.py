"""Back-office statistics of official documents: the dashboard (charts with their tables), the
list behind each figure, the Excel export. Thin: `statistics.report` counts; this module lays
out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from tinhso.core.charts import stacked_bars
from tinhso.core.reporting import Period, parse_period
from tinhso.directory.models import Organ
from tinhso.documents import selectors
from tinhso.documents.statistics import excel
from tinhso.documents.statistics.definitions import FIGURES, LEVELS, RATES
from tinhso.documents.statistics.report import (
    GROUPINGS,
    Report,
    Row,
    build_report,
    counted,
    narrow,
    reporting_organs,
)

# (id, title, stacked segments: a figure key, or (label, whole, parts subtracted); the table's
# figures; the table's shares). The segments of a chart are disjoint.
CHARTS: tuple[tuple[str, Any, tuple[Any, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "outgoing",
        gettext_lazy("Văn bản đi ban hành trong kỳ: gửi điện tử có chữ ký số"),
        ("out_electronic", "out_not_electronic", "out_classified"),
        ("out_issued", "out_classified", "out_counted", "out_electronic", "out_not_electronic"),
        ("out_share",),
    ),
    (
        "incoming",
        gettext_lazy("Văn bản đến trong kỳ theo nguồn"),
        (
            "in_internal",
            "in_exchange",
            "in_scan",
            "in_classified",
            (gettext_lazy("Chờ vào sổ hoặc từ chối nhận"), "in_arrived", ("in_registered",)),
        ),
        (
            "in_arrived",
            "in_registered",
            "in_waiting",
            "in_refused",
            "in_classified",
            "in_counted",
            "in_electronic",
            "in_internal",
            "in_exchange",
            "in_scan",
        ),
        ("in_share", "share"),
    ),
    (
        "completed",
        gettext_lazy("Văn bản đến hoàn thành xử lý trong kỳ"),
        ("h_on_time", "h_late"),
        ("h_completed", "h_on_time", "h_late"),
        ("on_time_rate",),
    ),
    (
        "in_progress",
        gettext_lazy("Văn bản đến đang xử lý, chờ phân công cuối kỳ"),
        ("h_within", "h_past", "h_unassigned"),
        ("h_in_progress", "h_within", "h_past", "h_unassigned"),
        (),
    ),
)


def _segment(row: Row, spec: Any) -> tuple[str, int]:
    if isinstance(spec, str):
        return str(FIGURES[spec].label), row.counts[spec]
    label, whole, parts = spec
    return str(label), row.counts[whole] - sum(row.counts[p] for p in parts)


def _chart(report: Report, chart_id: str, title: Any, segments: tuple[Any, ...]) -> dict[str, Any]:
    bars = [(row.label, [_segment(row, spec) for spec in segments]) for row in report.rows]
    legend = [_segment(report.total, spec)[0] for spec in segments]
    return stacked_bars(chart_id, str(title), bars, legend)


def _table(
    report: Report, keys: tuple[str, ...], rates: tuple[str, ...], query: str
) -> dict[str, Any]:
    """The numbers of a chart, each linking to the list of what it counted."""
    list_url = reverse("documents:stats_list")

    def cells(row: Row) -> list[dict[str, Any]]:
        return [
            {
                "value": row.counts[key],
                "url": f"{list_url}?{urlencode({'figure': key, 'group': row.group})}&{query}",
                "formula": FIGURES[key].formula,
            }
            for key in keys
        ]

    def line(row: Row) -> dict[str, Any]:
        return {"label": row.label, "cells": cells(row), "rates": [row.rate(r).text for r in rates]}

    return {
        "headers": [FIGURES[k].label for k in keys] + [RATES[r].label for r in rates],
        "rows": [line(row) for row in report.rows],
        "total": line(report.total),
    }


def _filters(request: HttpRequest, organs: QuerySet[Organ]) -> tuple[QuerySet[Organ], Any]:
    """The organs narrowed to the organ (with its subtree) and level asked for."""
    return narrow(organs, organ=request.GET.get("organ", ""), level=request.GET.get("level", ""))


def _query(period: Period, report_organ: Organ | None, level: str) -> dict[str, str]:
    query = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    if report_organ is not None:
        query["organ"] = str(report_organ.pk)
    if level:
        query["level"] = level
    return query


def _bad_request(error: ValidationError) -> HttpResponse:
    return HttpResponseBadRequest(
        " ".join(error.messages), content_type="text/plain; charset=utf-8"
    )


@never_cache
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = reporting_organs(request.user)
    errors: dict[str, list[str]] = {}
    get = request.GET
    try:
        period = parse_period(get.get("from"), get.get("to"), preset=get.get("preset", ""))
    except ValidationError as error:
        period, errors = parse_period(None, None), error.message_dict
    organs, chosen, level = scope, None, ""
    try:
        organs, chosen = narrow(scope, organ=get.get("organ", ""))
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        organs = narrow(organs, level=get.get("level", ""))[0]
        level = get.get("level", "")
    except ValidationError as error:
        errors.update(error.message_dict)
    grouping = get.get("group", "organ")
    if grouping not in GROUPINGS:
        errors["group"] = [_("Cách nhóm không hợp lệ.")]
        grouping = "organ"
    report = build_report(
        organs=organs, period=period, grouping=grouping, organ=chosen, level=level
    )
    filters = _query(period, chosen, level)
    link_query = urlencode(filters)
    charts = [
        {**_chart(report, cid, title, segments), "table": _table(report, keys, rates, link_query)}
        for cid, title, segments, keys, rates in CHARTS
    ]
    return render(
        request,
        "documents/stats/dashboard.html",
        {
            "report": report,
            "period": period,
            "charts": charts,
            "errors": errors,
            "groupings": GROUPINGS.items(),
            "grouping": grouping,
            "levels": [(key, label) for key, (label, _kinds) in LEVELS.items()],
            "level": level,
            "organs": scope.order_by("tree_path").only("pk", "name", "tree_path"),
            "chosen": chosen,
            "excel_query": urlencode({**filters, "group": grouping}),
            "preset_query": urlencode(
                {**{k: v for k, v in filters.items() if k in ("organ", "level")}, "group": grouping}
            ),
        },
    )


@never_cache
@login_required
def export(request: HttpRequest) -> HttpResponse:
    scope = reporting_organs(request.user)
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"))
        organs, chosen = _filters(request, scope)
        report = build_report(
            organs=organs,
            period=period,
            grouping=request.GET.get("group", "organ"),
            organ=chosen,
            level=request.GET.get("level", ""),
        )
    except ValidationError as error:
        return _bad_request(error)
    response = HttpResponse(
        excel.workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"thong-ke-van-ban-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
def counted_list(request: HttpRequest) -> HttpResponse:
    """The documents one figure counted, with the figure's own condition. Each links to its
    page, and shows its summary, only where the official may see the document itself."""
    scope = reporting_organs(request.user)
    key = request.GET.get("figure", "")
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"))
        organs, chosen = _filters(request, scope)
        subject, rows = counted(
            organs=organs, period=period, figure=key, group=request.GET.get("group", "")
        )
    except ValidationError as error:
        return _bad_request(error)
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    ids = [item.pk for item in page]
    if subject == "outgoing":
        visible = selectors.documents_for(user=request.user)
    else:
        visible = selectors.incoming_for(user=request.user)
    seen = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/stats/list.html",
        {
            "figure": FIGURES[key],
            "subject": subject,
            "page": page,
            "items": [(item, item.pk in seen) for item in page],
            "period": period,
            "page_query": query.urlencode(),
            "back_query": urlencode(_query(period, chosen, request.GET.get("level", ""))),
        },
    )
