"""The applicant's pages: file online, my dossiers, supplement, withdraw, rate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.directory.models import Applicant
from tinhso.dossiers import digitisation, fees, national_glue, selectors, services
from tinhso.dossiers.models import Attachment, Dossier
from tinhso.dossiers.services.results import latest_result
from tinhso.dossiers.states import IllegalTransition, State, allowed_actions
from tinhso.dossiers.views import receipt_response
from tinhso.procedures import forms
from tinhso.procedures.selectors import procedure_get


def _applicant(request: HttpRequest) -> Applicant:
    applicant = Applicant.objects.filter(user=request.user).first()
    if applicant is None:
        raise PermissionDenied(_("Tài khoản này không gắn với người nộp hồ sơ."))
    return applicant


def _own(request: HttpRequest, pk: int) -> Dossier:
    dossier = selectors.dossiers_of_applicant(applicant=_applicant(request)).filter(pk=pk).first()
    if dossier is None:
        raise Http404(_("Không có hồ sơ này."))
    return dossier


def _uploads(request: HttpRequest, documents: Any) -> list[tuple[Any, Any]]:
    return [(d, f) for d in documents for f in request.FILES.getlist(f"document_{d.pk}")]


def _prefill_key(code: str) -> str:
    return f"dossiers.prefill:{code}"


@login_required
def file_online(request: HttpRequest, code: str) -> HttpResponse:
    applicant = _applicant(request)
    procedure = procedure_get(code=code)
    level = procedure.level_on(timezone.localdate())
    if not (level and level.online_filing):
        raise Http404(_("Thủ tục này không nhận hồ sơ trực tuyến."))
    documents = list(procedure.required_documents.all())
    context: dict[str, Any] = {
        "procedure": procedure,
        "organs": procedure.organs.order_by("name"),
        "documents": documents,
        "form_fields": forms.form_fields(procedure.form_schema),
        "values": {},
        "errors": {},
    }
    if request.method != "POST":  # once-only: what the population database knows is filled
        context["values"] = national_glue.prefill_from_population(
            applicant=applicant, fields=context["form_fields"]
        )
        # Kept server-side, so that filing can tell whether the data was reused (4.3).
        request.session[_prefill_key(procedure.code)] = context["values"]
        if context["values"]:
            messages.info(
                request,
                _("Một số thông tin đã được điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư."),
            )
    if request.method == "POST":
        values = {k[2:]: v for k, v in request.POST.items() if k.startswith("f_")}
        context["values"] = values
        files = _uploads(request, documents)
        errors = services.check_files((f"document_{d.pk}", f) for d, f in files)
        for d in documents:
            if not d.optional and not request.FILES.getlist(f"document_{d.pk}"):
                errors.setdefault(f"document_{d.pk}", []).append(
                    _("Cần đính kèm «%(n)s».") % {"n": d.name}
                )
        organ = procedure.organs.filter(pk=request.POST.get("organ") or 0).first()
        if organ is None:
            errors["organ"] = [_("Chọn cơ quan tiếp nhận.")]
        if not errors:
            try:
                with transaction.atomic():  # the dossier and its files, or neither
                    dossier = services.dossier_file_online(
                        procedure=procedure,
                        applicant=applicant,
                        organ=organ,
                        form_data=values,
                        actor=request.user,
                        data_reused=digitisation.prefill_kept(
                            request.session.get(_prefill_key(procedure.code)) or {}, values
                        ),
                    )
                    services.attach_files(
                        dossier=dossier,
                        files=files,
                        kind=Attachment.Kind.SUBMITTED,
                        actor=request.user,
                    )
            except ValidationError as error:
                errors = {k.removeprefix("form_data."): v for k, v in error.message_dict.items()}
            else:
                messages.success(
                    request, _("Đã nộp hồ sơ. Bộ phận một cửa sẽ tiếp nhận và báo mã hồ sơ.")
                )
                if fees.payment_request_of(dossier) is not None:
                    messages.info(request, _("Hồ sơ có phí, lệ phí: bấm «chờ thanh toán» để nộp."))
                return redirect("citizen:dossier", pk=dossier.pk)
        context["errors"] = errors
    return render(request, "dossiers/citizen/file.html", context)


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = selectors.dossiers_of_applicant(applicant=_applicant(request))
    return render(request, "dossiers/citizen/list.html", {"dossiers": dossiers})


@login_required
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own(request, pk)
    last_request = dossier.events.filter(action="request_supplement").order_by("-at").first()
    return render(
        request,
        "dossiers/citizen/detail.html",
        {
            "dossier": dossier,
            "can_withdraw": "withdraw" in allowed_actions(State(dossier.state)),
            "can_supplement": dossier.state == State.WAITING_SUPPLEMENT,
            "can_rate": dossier.state == State.RETURNED and not hasattr(dossier, "rating"),
            "supplement_note": last_request.note if last_request else "",
            "attachments": dossier.attachments.all(),
            "payment_request": fees.payment_request_of(dossier),
            "result": latest_result(dossier),
        },
    )


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return receipt_response(request, _own(request, pk))


@require_POST
@login_required
def supplement(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own(request, pk)
    files = [(None, f) for f in request.FILES.getlist("files")]
    try:
        with transaction.atomic():
            services.dossier_supplement(
                dossier=dossier,
                applicant=dossier.applicant,
                note=request.POST.get("note", ""),
                actor=request.user,
            )
            services.attach_files(
                dossier=dossier, files=files, kind=Attachment.Kind.SUPPLEMENT, actor=request.user
            )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except IllegalTransition:
        messages.error(request, _("Hồ sơ không còn ở trạng thái chờ bổ sung."))
    else:
        messages.success(request, _("Đã gửi hồ sơ bổ sung."))
    return redirect("citizen:dossier", pk=pk)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own(request, pk)
    try:
        services.dossier_withdraw(
            dossier=dossier,
            applicant=dossier.applicant,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except IllegalTransition:
        messages.error(request, _("Không thể rút hồ sơ ở trạng thái hiện tại."))
    else:
        messages.success(request, _("Đã rút hồ sơ."))
    return redirect("citizen:dossier", pk=pk)


@require_POST
@login_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own(request, pk)
    try:
        services.dossier_rate(
            dossier=dossier,
            applicant=dossier.applicant,
            score=int(request.POST.get("score") or 0),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("citizen:dossier", pk=pk)
