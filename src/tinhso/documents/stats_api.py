"""Statistics of official documents under /api/v1/statistics/documents, for signed-in officials
who may view reports; figures cover the organs in their scope. Thin: `statistics.report`
counts, and each field's description is the formula of its definition."""

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
from tinhso.core.reporting import Rate, parse_period
from tinhso.documents.statistics.definitions import FIGURES, LEVELS, RATES
from tinhso.documents.statistics.report import Row, build_report, narrow, reporting_organs

router = Router()


class DocumentStatisticsQuery(Schema):
    first: str | None = Field(None, alias="from", description="Từ ngày (YYYY-MM-DD)")
    last: str | None = Field(
        None, alias="to", description="Đến ngày (YYYY-MM-DD), tính cả ngày này"
    )
    group: str = Field(
        "organ",
        description="organ (từng cơ quan), unit (cơ quan gồm đơn vị trực thuộc) hoặc level",
    )
    organ: str = Field(
        "", description="Mã định danh QCVN 102 của cơ quan; tính cả các đơn vị trực thuộc"
    )
    level: str = Field("", description=f"Cấp: {', '.join(LEVELS)}")


class RateOut(Schema):
    numerator: int
    denominator: int
    value: float | None = Field(description="Tử số / mẫu số; null khi mẫu số bằng 0")
    text: str = Field(description="Dạng hiển thị, ví dụ 98,6%")


class PeriodOut(Schema):
    first: date
    last: date


DocumentStatisticsRow = create_model(
    "DocumentStatisticsRow",
    __base__=Schema,
    group=(str, Field(description='"organ:<id>", "tree:<id>", "level:<cấp>"; rỗng: tổng')),
    label=(str, ...),
    **{k: (int, Field(description=f.formula)) for k, f in FIGURES.items()},
    **{r: (RateOut, Field(description=d.formula)) for r, d in RATES.items()},
)


class DocumentStatisticsOut(Schema):
    period: PeriodOut
    group: str
    organ: str | None = Field(description="Cơ quan đã chọn (mã QCVN 102), gồm đơn vị trực thuộc")
    level: str
    rows: list[DocumentStatisticsRow]  # type: ignore[valid-type]
    total: DocumentStatisticsRow  # type: ignore[valid-type]


def _rate(rate: Rate) -> dict[str, Any]:
    return {
        "numerator": rate.numerator,
        "denominator": rate.denominator,
        "value": rate.value,
        "text": rate.text,
    }


def _row(row: Row) -> dict[str, Any]:
    return {
        "group": row.group,
        "label": row.label,
        **row.counts,
        **{key: _rate(rate) for key, rate in row.rates.items()},
    }


@router.get(
    "/statistics/documents",
    response={200: DocumentStatisticsOut, **AUTH_PROBLEMS, 422: ProblemOut},
    auth=django_auth,
    summary="Thống kê văn bản đi, đến / statistics of official documents",
    operation_id="statistics_documents",
)
def statistics_documents(
    request: HttpRequest, query: Query[DocumentStatisticsQuery]
) -> dict[str, Any]:
    """Outgoing documents issued and incoming documents arrived in the period, the share sent
    and received electronically (outgoing: PAdES-signed and delivered to every internal or
    exchange recipient; incoming: from an organ of the platform or the exchange, not scanned
    paper; classified documents excepted), and the handling of incoming documents (completed
    on time or late, in handling within or past the deadline, waiting for assignment at the
    end), per organ, per organ with its subtree, or per level, for an organ's subtree and a
    level. Defaults to the current month; 422 names the bad filter."""
    try:
        scope = reporting_organs(request.user)
    except PermissionDenied as error:
        raise Problem(403, "forbidden", _("Không có quyền"), str(error)) from error
    period = parse_period(query.first, query.last)
    organs, chosen = narrow(scope, organ=query.organ, level=query.level, by_identifier=True)
    report = build_report(
        organs=organs, period=period, grouping=query.group, organ=chosen, level=query.level
    )
    return {
        "period": {"first": period.first, "last": period.last},
        "group": report.grouping,
        "organ": query.organ or None,
        "level": report.level,
        "rows": [_row(r) for r in report.rows],
        "total": _row(report.total),
    }
