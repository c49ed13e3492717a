"""Statistics of the one-stop-shop under /api/v1/statistics, for signed-in officials who may
view reports; figures cover the organs in their scope. Thin: `statistics.report` counts, and
each field's description is the formula of its definition."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field, create_model

from tinhso.core.api import AUTH_PROBLEMS, Problem, ProblemOut
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
from tinhso.dossiers.statistics.report import (
    Rate,
    Report,
    Row,
    build_report,
    parse_period,
    reporting_organs,
)

router = Router()
ONE_STOP_RATES = ("on_time_rate",)
INDICATOR_KEYS = I33 + I14 + I21 + I31_32 + I35_36 + I4
INDICATOR_RATES = ("i14", "i21", "i31", "i32", "i33", "i35", "i36", "i41", "i42", "i43")


class StatisticsQuery(Schema):
    first: str | None = Field(None, alias="from", description="Từ ngày (YYYY-MM-DD)")
    last: str | None = Field(
        None, alias="to", description="Đến ngày (YYYY-MM-DD), tính cả ngày này"
    )
    group: str = Field("organ", description="organ, field hoặc level")


class RateOut(Schema):
    numerator: int
    denominator: int
    value: float | None = Field(description="Tử số / mẫu số; null khi mẫu số bằng 0")
    text: str = Field(description="Dạng hiển thị, ví dụ 98,6%")


class PeriodOut(Schema):
    first: date
    last: date


def _row_schema(name: str, keys: tuple[str, ...], rates: tuple[str, ...]) -> type[Schema]:
    fields: dict[str, Any] = {
        "group": (str, Field(description='"organ:<id>", "field:<id>", "level:<mã>"; rỗng: tổng')),
        "label": (str, ...),
    }
    fields.update({k: (int, Field(description=INDICATORS[k].formula)) for k in keys})
    fields.update({r: (RateOut, Field(description=RATES[r].formula)) for r in rates})
    return create_model(name, __base__=Schema, **fields)


OneStopRow = _row_schema("OneStopRow", CLASSIC, ONE_STOP_RATES)
IndicatorRow = _row_schema("IndicatorRow", INDICATOR_KEYS, INDICATOR_RATES)


class OneStopOut(Schema):
    period: PeriodOut
    group: str
    rows: list[OneStopRow]  # type: ignore[valid-type]
    total: OneStopRow  # type: ignore[valid-type]


class IndicatorsOut(Schema):
    period: PeriodOut
    group: str
    rows: list[IndicatorRow]  # type: ignore[valid-type]
    total: IndicatorRow  # type: ignore[valid-type]


def _rate(rate: Rate) -> dict[str, Any]:
    return {
        "numerator": rate.numerator,
        "denominator": rate.denominator,
        "value": rate.value,
        "text": rate.text,
    }


def _row(row: Row, keys: tuple[str, ...], rates: tuple[str, ...]) -> dict[str, Any]:
    return {
        "group": row.group,
        "label": row.label,
        **{k: row.counts[k] for k in keys},
        **{r: _rate(row.rate(r)) for r in rates},
    }


def _report(request: HttpRequest, query: StatisticsQuery) -> Report:
    try:
        organs = reporting_organs(request.user)
    except PermissionDenied as error:
        raise Problem(403, "forbidden", _("Không có quyền"), str(error)) from error
    period = parse_period(query.first, query.last)
    return build_report(organs=organs, period=period, grouping=query.group)


def _body(report: Report, keys: tuple[str, ...], rates: tuple[str, ...]) -> dict[str, Any]:
    return {
        "period": {"first": report.period.first, "last": report.period.last},
        "group": report.grouping.key,
        "rows": [_row(r, keys, rates) for r in report.rows],
        "total": _row(report.total, keys, rates),
    }


PROBLEMS = {**AUTH_PROBLEMS, 422: ProblemOut}


@router.get(
    "/statistics/one-stop",
    response={200: OneStopOut, **PROBLEMS},
    auth=django_auth,
    summary="Báo cáo một cửa / one-stop report",
    operation_id="statistics_one_stop",
)
def statistics_one_stop(request: HttpRequest, query: Query[StatisticsQuery]) -> dict[str, Any]:
    """Received (by channel), carried over, resolved (early, on time, late), refused,
    withdrawn, in progress at the end (within, past deadline) and waiting for supplement, per
    organ, field or competent level. Every row satisfies carried_over + received = resolved +
    withdrawn + in_progress. Defaults to the current month; 422 for bad dates or grouping."""
    return _body(_report(request, query), CLASSIC, ONE_STOP_RATES)


@router.get(
    "/statistics/indicators",
    response={200: IndicatorsOut, **PROBLEMS},
    auth=django_auth,
    summary="Chỉ số Quyết định 766 / Decision 766 indicators",
    operation_id="statistics_indicators",
)
def statistics_indicators(request: HttpRequest, query: Query[StatisticsQuery]) -> dict[str, Any]:
    """Indicators 1.4 (dossiers synchronised to the national portal), 2.1 (on-time handling),
    3.1 (procedures offered online), 3.2 (online services used online), 3.3 (dossiers by
    channel, online counted only with the electronic result a procedure requires), 3.5 and
    3.6 (online payment: procedures and dossiers with a financial obligation paid online) and
    4.1–4.3 (electronic result, digitised dossier, reused data) of Decision 766/QĐ-TTg, per
    organ, field or competent level; the shares as numerator / denominator."""
    return _body(_report(request, query), INDICATOR_KEYS, INDICATOR_RATES)
