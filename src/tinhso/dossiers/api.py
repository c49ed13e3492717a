"""Applications (dossiers) and tasks under /api/v1, named as the GovStack Registration
building block names them. Thin: services and selectors do the work."""

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.responses import NinjaJSONEncoder
from ninja.security import django_auth
from pydantic import Field

from tinhso.core.api import AUTH_PROBLEMS, READ_PROBLEMS, Problem, ProblemOut
from tinhso.core.ratelimit import allow, client_ip
from tinhso.directory.models import Official
from tinhso.directory.selectors import organ_holding
from tinhso.dossiers import selectors, services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.states import Action, IllegalTransition
from tinhso.procedures.selectors import procedure_for_filing

router = Router()
LOOKUPS_PER_WINDOW, LOOKUP_WINDOW = 20, 600
WRITE_PROBLEMS: dict[int, type[Schema]] = {
    **AUTH_PROBLEMS,
    404: ProblemOut,
    409: ProblemOut,
    422: ProblemOut,
}


class ApplicationIn(Schema):
    service: str = Field(description="Mã thủ tục")
    organ: str = Field(description="Mã định danh cơ quan tiếp nhận")
    form_data: dict[str, Any] = Field(default_factory=dict)


class ApplicationOut(Schema):
    id: int
    code: str | None
    service: str
    organ: str
    state: str
    state_label: str
    version: int
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    step: str
    step_due_at: datetime | None

    @staticmethod
    def resolve_id(obj: Dossier) -> int:
        return obj.pk

    @staticmethod
    def resolve_service(obj: Dossier) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_organ(obj: Dossier) -> str:
        return obj.organ.identifier()

    @staticmethod
    def resolve_step(obj: Dossier) -> str:
        return obj.step_key


class StatusOut(Schema):
    code: str
    procedure: str
    state: str
    state_label: str
    received_at: datetime | None
    due_at: datetime | None
    resolved_at: datetime | None
    finished_at: datetime | None


# The status lookup's query parameters, read by hand from request.GET (see application_status)
# and declared here for the OpenAPI document: name, maximum length, description.
STATUS_PARAMS = (
    ("code", 40, "Mã hồ sơ"),
    ("identifier", 14, "Số CCCD hoặc mã số thuế của người nộp"),
)


def _status_params(request: HttpRequest) -> tuple[str, str]:
    """The lookup's two query parameters, or a 422 problem naming each missing or too long.
    The same problem details as Django Ninja's validation would give, without building a
    pydantic model per request (bench/README.md, 3a)."""
    values, errors = [], []
    for name, longest, _description in STATUS_PARAMS:
        value = request.GET.get(name, "")
        if not value.strip():
            reason = _("bắt buộc phải có")
        elif len(value) > longest:
            reason = _("dài quá %(count)d ký tự") % {"count": longest}
        else:
            values.append(value)
            continue
        errors.append(
            {
                "field": name,
                "in": "query",
                "message": _("Giá trị của trường «%(field)s» không hợp lệ: %(reason)s")
                % {"field": name, "reason": reason},
            }
        )
    if errors:
        raise Problem(
            422,
            "validation",
            _("Dữ liệu không hợp lệ"),
            "; ".join(e["message"] for e in errors),
            errors,
        )
    return values[0], values[1]


class ActionIn(Schema):
    action: Action
    note: str = ""
    version: int | None = Field(None, description="Phiên bản hồ sơ mà người thao tác đang xem")
    assignee: int | None = Field(None, description="Mã cán bộ được phân công (action=assign)")
    return_channel: int | None = Field(
        None,
        description="Hình thức trả kết quả: 1 trực tiếp, 2 trực tuyến, 3 bưu chính",
    )


class TaskOut(ApplicationOut):
    marker: str = Field(description="overdue, due_soon hoặc rỗng")

    @staticmethod
    def resolve_marker(obj: Dossier) -> str:
        return selectors.marker(obj)


def _illegal(error: IllegalTransition) -> Problem:
    """409 problem details naming the actions allowed in the dossier's state."""
    return Problem(
        409,
        "illegal-transition",
        _("Thao tác không hợp lệ ở trạng thái này"),
        _("Các thao tác được phép: %(a)s.") % {"a": ", ".join(error.allowed) or "—"},
        errors=[{"field": "action", "message": a} for a in error.allowed],
    )


def _applicant(request: HttpRequest) -> Any:
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise Problem(
            403, "forbidden", _("Không có quyền"), _("Tài khoản chưa gắn với người nộp hồ sơ.")
        )
    return applicant


@router.post(
    "/applications",
    response={201: ApplicationOut, **WRITE_PROBLEMS},
    auth=django_auth,
    summary="Nộp hồ sơ trực tuyến / file an application",
    operation_id="application_create",
)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status:
    """The signed-in applicant files a dossier online; form errors come back by field
    (`form_data.<name>`)."""
    applicant = _applicant(request)
    procedure = procedure_for_filing(code=payload.service)
    organ = organ_holding(identifier=payload.organ, on=timezone.localdate())
    errors = {}
    if procedure is None:
        errors["service"] = [_("Không có thủ tục mang mã này.")]
    if organ is None:
        errors["organ"] = [_("Không có cơ quan mang mã định danh này.")]
    if errors:
        raise services.DossierError(errors)
    dossier = services.dossier_file_online(
        procedure=procedure,
        applicant=applicant,
        organ=organ,
        form_data=payload.form_data,
        actor=request.user,
    )
    return Status(201, dossier)


@router.get(
    "/applications/status",
    response={200: StatusOut, **READ_PROBLEMS, 429: ProblemOut},
    summary="Tra cứu tình trạng hồ sơ / public status lookup",
    operation_id="application_status",
    openapi_extra={
        "parameters": [
            {
                "in": "query",
                "name": name,
                "required": True,
                "description": description,
                "schema": {"type": "string", "maxLength": longest, "title": name.title()},
            }
            for name, longest, description in STATUS_PARAMS
        ]
    },
)
def application_status(request: HttpRequest) -> HttpResponse:
    """Status and dates only, for whoever has the dossier code and the applicant's identity
    number. Limited to 20 lookups per 10 minutes per address."""
    code, identifier = _status_params(request)
    if not allow("status", client_ip(request), limit=LOOKUPS_PER_WINDOW, window=LOOKUP_WINDOW):
        raise Problem(
            429, "too-many-requests", _("Quá nhiều yêu cầu"), _("Vui lòng thử lại sau ít phút.")
        )
    found = selectors.public_status(code=code, identifier=identifier)
    # The public site's hottest answer, written with Django Ninja's own encoder but without
    # validating our selector's fixed dict against StatusOut once more (a sixth of the
    # request's time; bench/README.md, 3a). A test holds it to the schema.
    return HttpResponse(json.dumps(found, cls=NinjaJSONEncoder), content_type="application/json")


@router.post(
    "/applications/{pk}/actions",
    response={200: ApplicationOut, **WRITE_PROBLEMS},
    auth=django_auth,
    summary="Thao tác xử lý hồ sơ / act on an application",
    operation_id="application_act",
)
def application_act(request: HttpRequest, pk: int, payload: ActionIn) -> Dossier:
    """An official acts at the dossier's current step. 409 names the allowed actions, or says
    that someone else acted first (`version`)."""
    dossier = selectors.dossier_for_official(user=request.user, pk=pk)
    try:
        if payload.action == Action.RECEIVE:
            return services.dossier_receive(
                dossier=dossier, officer=request.user, version=payload.version
            )
        assignee = get_object_or_404(Official, pk=payload.assignee) if payload.assignee else None
        return services.dossier_act(
            dossier=dossier,
            officer=request.user,
            action=payload.action,
            note=payload.note,
            version=payload.version,
            assignee=assignee,
            return_channel=payload.return_channel,
        )
    except IllegalTransition as error:
        raise _illegal(error) from error
    except services.Conflict as error:
        raise Problem(409, "conflict", _("Hồ sơ vừa được người khác xử lý"), str(error)) from error
    except PermissionError as error:
        raise Problem(403, "forbidden", _("Không có quyền"), str(error)) from error


class ApplicantActionIn(Schema):
    note: str = Field("", max_length=2000)
    form_data: dict[str, Any] | None = Field(None, description="Tờ khai đã sửa (khi bổ sung)")


def _own_dossier(request: HttpRequest, pk: int) -> Dossier:
    applicant = _applicant(request)
    dossier = selectors.dossiers_of_applicant(applicant=applicant).filter(pk=pk).first()
    if dossier is None:
        raise Problem(404, "not-found", _("Không tìm thấy"), _("Không có hồ sơ này."))
    return dossier


def _applicant_action(request: HttpRequest, pk: int, run: Any) -> Dossier:
    dossier = _own_dossier(request, pk)
    try:
        return run(dossier)
    except IllegalTransition as error:
        raise _illegal(error) from error


@router.get(
    "/applications",
    response={200: list[ApplicationOut], **AUTH_PROBLEMS},
    auth=django_auth,
    summary="Hồ sơ của tôi / my applications",
    operation_id="application_list",
)
def application_list(request: HttpRequest) -> list[Dossier]:
    """The signed-in applicant's dossiers, newest first."""
    return list(selectors.dossiers_of_applicant(applicant=_applicant(request))[:500])


@router.post(
    "/applications/{pk}/supplement",
    response={200: ApplicationOut, **WRITE_PROBLEMS},
    auth=django_auth,
    summary="Bổ sung hồ sơ / supplement an application",
    operation_id="application_supplement",
)
def application_supplement(request: HttpRequest, pk: int, payload: ApplicantActionIn) -> Dossier:
    """The applicant answers a supplement request (files go through the web form); the clock
    resumes and the promised date moves by the paused working time."""
    return _applicant_action(
        request,
        pk,
        lambda d: services.dossier_supplement(
            dossier=d,
            applicant=d.applicant,
            form_data=payload.form_data,
            note=payload.note,
            actor=request.user,
        ),
    )


@router.post(
    "/applications/{pk}/withdraw",
    response={200: ApplicationOut, **WRITE_PROBLEMS},
    auth=django_auth,
    summary="Rút hồ sơ / withdraw an application",
    operation_id="application_withdraw",
)
def application_withdraw(request: HttpRequest, pk: int, payload: ApplicantActionIn) -> Dossier:
    return _applicant_action(
        request,
        pk,
        lambda d: services.dossier_withdraw(
            dossier=d, applicant=d.applicant, note=payload.note, actor=request.user
        ),
    )


@router.get(
    "/tasks",
    response={200: list[TaskOut], **AUTH_PROBLEMS},
    auth=django_auth,
    summary="Hồ sơ chờ tôi xử lý / my work queue",
    operation_id="task_list",
)
def task_list(request: HttpRequest) -> list[Dossier]:
    """The signed-in official's queue, most urgent first, with overdue / due-soon markers."""
    return list(selectors.queue(user=request.user)[:200])
