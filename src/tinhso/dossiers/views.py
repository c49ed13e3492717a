"""Back-office pages of the one-stop-shop and the public status lookup. Thin: services and
selectors decide; errors come back as Vietnamese messages beside their fields."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tinhso.core.ratelimit import allow, client_ip
from tinhso.directory.models import Applicant, Official
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope
from tinhso.directory.services import applicant_identifier_check, applicant_register
from tinhso.dossiers import selectors, services
from tinhso.dossiers.models import Channel
from tinhso.dossiers.receipt import receipt_pdf
from tinhso.dossiers.services import postal
from tinhso.dossiers.states import IllegalTransition, State, allowed_actions
from tinhso.procedures import forms
from tinhso.procedures.models import Procedure


def _official(request: HttpRequest) -> None:
    if not can(request.user, Permission.USE_BACKOFFICE):
        raise PermissionDenied(_("Tài khoản này không có quyền vào trang quản trị nghiệp vụ."))


@never_cache
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """My work queue, most urgent first; `?format=csv` exports it."""
    _official(request)
    dossiers = list(selectors.queue(user=request.user)[:500])
    now = timezone.now()
    rows = [(d, selectors.marker(d, now)) for d in dossiers]
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ho-so-cho-xu-ly.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Mã hồ sơ"),
                _("Thủ tục"),
                _("Người nộp"),
                _("Trạng thái"),
                _("Hạn bước"),
                _("Hẹn trả"),
            ]
        )
        for d, _m in rows:
            writer.writerow(
                [
                    d.code or "",
                    d.procedure.name,
                    d.applicant.name,
                    d.state_label,
                    timezone.localtime(d.step_due_at).strftime("%d/%m/%Y %H:%M")
                    if d.step_due_at
                    else "",
                    timezone.localtime(d.due_at).strftime("%d/%m/%Y %H:%M") if d.due_at else "",
                ]
            )
        return response
    return render(request, "dossiers/queue.html", {"rows": rows})


def _form_values(request: HttpRequest) -> dict[str, Any]:
    return {k[2:]: v for k, v in request.POST.items() if k.startswith("f_")}


@never_cache
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _official(request)
    dossier = selectors.dossier_for_official(user=request.user, pk=pk)
    return render(request, "dossiers/detail.html", detail_context(dossier))


def detail_context(dossier: Any, **extra: Any) -> dict[str, Any]:
    """What the back-office dossier page shows (`extra`: e.g. the signing form's errors)."""
    step = dossier.procedure.steps.filter(key=dossier.step_key).first()
    state_actions = set(allowed_actions(State(dossier.state)))
    step_actions = set(step.actions) | {"assign"} if step else set()
    actions = sorted(
        state_actions & (step_actions | {"resume", "hand_back", "receive", "refuse_intake"})
    )
    return {
        "dossier": dossier,
        "step": step,
        "actions": actions,
        "marker": selectors.marker(dossier),
        "fields": forms.form_fields(dossier.procedure.form_schema),
        "channels": Channel.choices,
        "delivery": postal.delivery_defaults(dossier) if "return_result" in actions else {},
        "shipments": dossier.shipments.all(),
        "assignees": Official.objects.filter(
            organ=dossier.step_organ or dossier.organ
        ).select_related("user"),
        "results": dossier.electronic_results.select_related("attachment", "signed_by"),
        "result_errors": {},
        **extra,
    }


@require_POST
@login_required
def act(request: HttpRequest, pk: int) -> HttpResponse:
    _official(request)
    dossier = selectors.dossier_for_official(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    version = request.POST.get("version")
    assignee = Official.objects.filter(pk=request.POST.get("assignee") or 0).first()
    try:
        if action == "receive":
            services.dossier_receive(
                dossier=dossier, officer=request.user, version=int(version or 0)
            )
        else:
            services.dossier_act(
                dossier=dossier,
                officer=request.user,
                action=action,
                note=request.POST.get("note", ""),
                version=int(version) if version else None,
                assignee=assignee,
                return_channel=int(request.POST["return_channel"])
                if request.POST.get("return_channel", "").isdigit()
                else None,
                delivery=_delivery(request),
            )
        messages.success(request, _("Đã thực hiện thao tác."))
    except IllegalTransition as error:
        messages.error(
            request,
            _("Thao tác không hợp lệ. Các thao tác được phép: %(a)s.")
            % {"a": ", ".join(error.allowed) or "—"},
        )
    except services.Conflict as error:
        messages.error(request, str(error))
    except PermissionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("dossiers:detail", pk=pk)


@require_POST
@login_required
def shipment_correct(request: HttpRequest, pk: int, shipment_pk: int) -> HttpResponse:
    """Correct the address of a shipment the postal service refused, and ask again."""
    _official(request)
    dossier = selectors.dossier_for_official(user=request.user, pk=pk)
    shipment = dossier.shipments.filter(pk=shipment_pk).first()
    if shipment is None:
        raise Http404(_("Không có bưu gửi này."))
    try:
        postal.shipment_correct(
            shipment=shipment, delivery=_delivery(request) or {}, actor=request.user
        )
        messages.success(request, _("Đã gửi lại yêu cầu cho bưu chính."))
    except PermissionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("dossiers:detail", pk=pk)


def _delivery(request: HttpRequest) -> dict[str, str] | None:
    """The delivery address typed at the return action (fields `delivery_<name>`), or None
    when the form has none (the dossier's own address is used)."""
    values = {f: request.POST.get(f"delivery_{f}", "") for f in postal.DELIVERY_FIELDS}
    return values if any(f"delivery_{f}" in request.POST for f in postal.DELIVERY_FIELDS) else None


def receipt_response(request: HttpRequest, dossier: Any, officer_name: str = "") -> HttpResponse:
    """The receipt PDF of a received dossier, shared by the back office and the applicant."""
    if not dossier.code:
        raise Http404(_("Hồ sơ chưa được tiếp nhận."))
    lookup = (
        request.build_absolute_uri(reverse("dossiers:status"))
        + "?"
        + urlencode({"ma": dossier.code})
    )
    pdf = receipt_pdf(dossier, lookup_url=lookup, officer_name=officer_name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    return response


@never_cache
@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    _official(request)
    dossier = selectors.dossier_for_official(user=request.user, pk=pk)
    event = dossier.events.filter(action="receive").select_related("actor").first()
    return receipt_response(request, dossier, str(event.actor) if event and event.actor else "")


@never_cache
@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """Counter intake: choose the procedure, identify the applicant, fill in the form."""
    _official(request)
    organs = organs_in_scope(request.user, Permission.RECEIVE_DOSSIER)
    procedures = (
        Procedure.objects.filter(organs__in=organs, is_active=True).distinct().order_by("name")
    )
    procedure = procedures.filter(
        code=request.GET.get("thu_tuc") or request.POST.get("thu_tuc")
    ).first()
    context: dict[str, Any] = {
        "procedures": procedures,
        "procedure": procedure,
        "errors": {},
        "values": {},
        "organs": organs.filter(procedures=procedure) if procedure else [],
    }
    if procedure is not None:
        context["form_fields"] = forms.form_fields(procedure.form_schema)
    if request.method == "POST" and procedure is not None:
        context["values"] = values = _form_values(request)
        context["applicant_values"] = request.POST
        errors: dict[str, list[str]] = {
            k: list(v)
            for k, v in forms.validate(
                procedure.form_schema, forms.coerce(procedure.form_schema, values)
            ).items()
        }
        organ = organs.filter(pk=request.POST.get("organ") or 0).first()
        if organ is None:
            errors["organ"] = [_("Chọn cơ quan tiếp nhận.")]
        try:
            applicant = _applicant_for_intake(request, check_only=True)
        except ValidationError as error:
            errors.update(error.message_dict)
        if not errors:
            try:
                with transaction.atomic():  # a new applicant and the dossier, or neither
                    applicant = applicant or _applicant_for_intake(request, check_only=False)
                    dossier = services.dossier_receive_at_counter(
                        procedure=procedure,
                        applicant=applicant,
                        organ=organ,
                        form_data=values,
                        officer=request.user,
                        channel=int(request.POST.get("channel") or 1),
                        documents_received=[
                            int(v) for v in request.POST.getlist("documents") if v.isdigit()
                        ],
                        postal_tracking=request.POST.get("postal_tracking", ""),
                    )
            except ValidationError as error:
                errors = {k.removeprefix("form_data."): v for k, v in error.message_dict.items()}
            except PermissionError as error:
                raise PermissionDenied(str(error)) from error
            else:
                messages.success(request, _("Đã tiếp nhận hồ sơ %(c)s.") % {"c": dossier.code})
                return redirect("dossiers:detail", pk=dossier.pk)
        context["errors"] = errors
    return render(request, "dossiers/intake.html", context)


def _applicant_for_intake(request: HttpRequest, *, check_only: bool) -> Applicant | None:
    """The applicant named at the counter, registered on the spot when new (only when the rest
    of the intake is valid: nothing is half-written). Raises ValidationError by field."""
    identifier = request.POST.get("identifier", "").strip()
    existing = Applicant.objects.filter(identifier=identifier).first()
    if existing is not None:
        return existing
    kind = request.POST.get("kind", "citizen")
    name = request.POST.get("applicant_name", "")
    if check_only:
        errors: dict[str, list[str]] = {}
        try:
            applicant_identifier_check(kind, identifier)
        except ValidationError as error:
            errors.update(error.message_dict)
        if not name.strip():
            errors["name"] = [_("Họ tên / tên tổ chức không được để trống.")]
        if errors:
            raise ValidationError(errors)
        return None
    return applicant_register(kind=kind, identifier=identifier, name=name, actor=request.user)


def status(request: HttpRequest) -> HttpResponse:
    """The public lookup: status and dates for a dossier code and the applicant's number."""
    context: dict[str, Any] = {
        "code": request.GET.get("ma", ""),
        "identifier": request.GET.get("so", ""),
    }
    if context["code"] or context["identifier"]:
        if not allow("status", client_ip(request), limit=20, window=600):
            context["error"] = _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")
        else:
            try:
                context["result"] = selectors.public_status(
                    code=context["code"], identifier=context["identifier"]
                )
            except Http404 as error:
                context["error"] = str(error)
    return render(request, "dossiers/status.html", context)
