"""The public catalogue: `/api/v1/services` (GovStack Registration names a procedure a
"service")."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from tinhso.core.api import READ_PROBLEMS
from tinhso.procedures import selectors
from tinhso.procedures.models import Procedure

router = Router()


class ServiceLevelOut(Schema):
    kind: str
    valid_from: date | None
    valid_to: date | None


class ServiceSummary(Schema):
    code: str
    name: str
    field: str
    competent_level: str
    time_limit: int
    time_unit: str
    level_today: str | None = Field(description="Mức độ / loại dịch vụ công trực tuyến hôm nay")
    online_filing: bool

    @staticmethod
    def resolve_field(obj: Procedure) -> str:
        return obj.field.name

    @staticmethod
    def resolve_level_today(obj: Procedure) -> str | None:
        level = obj.level_on(timezone.localdate())
        return level.kind if level else None

    @staticmethod
    def resolve_online_filing(obj: Procedure) -> bool:
        level = obj.level_on(timezone.localdate())
        return bool(level and level.online_filing)


class DocumentOut(Schema):
    name: str
    originals: int
    copies: int
    optional: bool


class FeeOut(Schema):
    kind: str
    name: str
    amount: int
    note: str


class StepOut(Schema):
    key: str
    name: str
    role: str
    organ_scope: str
    duration_hours: int
    actions: list[str]
    transitions: dict[str, str]


class ServiceDetail(ServiceSummary):
    legal_basis: str
    result_type: str
    applicant_kinds: list[str]
    cutoff: str | None
    service_levels: list[ServiceLevelOut]
    required_documents: list[DocumentOut]
    fees: list[FeeOut]
    steps: list[StepOut]
    form_schema: dict[str, Any]

    @staticmethod
    def resolve_cutoff(obj: Procedure) -> str | None:
        return obj.cutoff.strftime("%H:%M") if obj.cutoff else None

    @staticmethod
    def resolve_service_levels(obj: Procedure) -> list[Any]:
        return list(obj.service_levels.all())

    @staticmethod
    def resolve_required_documents(obj: Procedure) -> list[Any]:
        return list(obj.required_documents.all())

    @staticmethod
    def resolve_fees(obj: Procedure) -> list[Any]:
        return list(obj.fees.all())

    @staticmethod
    def resolve_steps(obj: Procedure) -> list[Any]:
        return list(obj.steps.all())


class SearchQuery(Schema):
    q: str = Field("", max_length=200, description="Tên (không cần dấu) hoặc mã thủ tục")
    field: str = ""
    level: str = Field("", pattern="^(|province|district|commune)$")
    online: bool = Field(False, description="Chỉ thủ tục nộp trực tuyến được hôm nay")


@router.get(
    "/services",
    response=list[ServiceSummary],
    summary="Tra cứu thủ tục hành chính / search the catalogue",
    operation_id="service_list",
)
@paginate(PageNumberPagination, page_size=20)
def service_list(request: HttpRequest, filters: Query[SearchQuery]) -> QuerySet[Procedure]:
    """Active procedures matching `q` without regard to diacritics, by name or code prefix."""
    return selectors.procedure_search(
        query=filters.q,
        field=filters.field,
        level=filters.level,
        online_on=timezone.localdate() if filters.online else None,
    )


@router.get(
    "/services/{code}",
    response={200: ServiceDetail, **READ_PROBLEMS},
    summary="Chi tiết thủ tục / one procedure",
    operation_id="service_get",
)
def service_get(request: HttpRequest, code: str) -> Procedure:
    return selectors.procedure_get(code=code)
