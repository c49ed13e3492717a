"""Pages of the electronic result: signing it at "register result" (back office), and the
signed PDF downloaded by officials in scope and by the applicant. Thin: `services.results`
decides; refusals come back beside their form fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tinhso.dossiers import selectors
from tinhso.dossiers.citizen_views import _own
from tinhso.dossiers.models import Dossier, ElectronicResult
from tinhso.dossiers.services import Conflict
from tinhso.dossiers.services.results import result_downloaded, result_register_signed
from tinhso.dossiers.states import IllegalTransition
from tinhso.dossiers.views import _official, detail_context


@require_POST
@login_required
def result_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the uploaded result PDF and register the result (fields `result_file`,
    `passphrase`, `signed_as` = personal | organ, `note`, `version`)."""
    _official(request)
    dossier = selectors.dossier_for_official(user=request.user, pk=pk)
    upload = request.FILES.get("result_file")
    version = request.POST.get("version", "")
    try:
        result_register_signed(
            dossier=dossier,
            officer=request.user,
            pdf=upload.read() if upload else b"",
            filename=upload.name if upload else "",
            passphrase=request.POST.get("passphrase", ""),
            as_organ=request.POST.get("signed_as") == "organ",
            note=request.POST.get("note", ""),
            version=int(version) if version.isdigit() else None,
            link=request.build_absolute_uri(reverse("citizen:dossier", args=[dossier.pk])),
        )
    except ValidationError as error:
        context = detail_context(dossier, result_errors=error.message_dict)
        return render(request, "dossiers/detail.html", context, status=400)
    except IllegalTransition as error:
        messages.error(
            request,
            _("Thao tác không hợp lệ. Các thao tác được phép: %(a)s.")
            % {"a": ", ".join(error.allowed) or "—"},
        )
    except (Conflict, PermissionError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã ký số và vào sổ kết quả điện tử."))
    return redirect("dossiers:detail", pk=pk)


def _file(result: ElectronicResult) -> FileResponse:
    attachment = result.attachment
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )


def _result_of(dossier: Dossier, result_pk: int) -> ElectronicResult:
    result = (
        ElectronicResult.objects.filter(dossier=dossier, pk=result_pk)
        .select_related("attachment", "dossier")
        .first()
    )
    if result is None:
        raise Http404(_("Không có kết quả điện tử này."))
    return result


@never_cache
@login_required
def result_file(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    """The signed result, for an official whose scope covers the dossier."""
    _official(request)
    dossier = selectors.dossier_for_official(user=request.user, pk=pk)
    return _file(_result_of(dossier, result_pk))


@never_cache
@login_required
def my_result(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    """The applicant downloads their signed result; the first download of the newest one
    returns a dossier waiting for its result online (`services.results.result_downloaded`)."""
    dossier = _own(request, pk)
    result = _result_of(dossier, result_pk)
    result_downloaded(result=result, applicant=dossier.applicant, actor=request.user)
    return _file(result)
