"""Back-office page of the catalogue: export it (JSON, Excel) and import a file. Thin: the
services check the permission and do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.directory.permissions import Action, can
from tinhso.procedures import catalogue_io, services
from tinhso.procedures.models import Procedure


def _require(request: HttpRequest) -> None:
    if not can(request.user, Action.MANAGE_CATALOGUE):
        raise PermissionDenied(_("Tài khoản này không có quyền quản lý danh mục thủ tục."))


@login_required
@require_http_methods(["GET"])
def catalogue(request: HttpRequest) -> HttpResponse:
    _require(request)
    return render(
        request,
        "procedures/backoffice_catalogue.html",
        {
            "procedures": Procedure.objects.filter(is_active=True).count(),
            "max_mb": services.MAX_FILE_BYTES // (1024 * 1024),
        },
    )


@login_required
@require_http_methods(["GET"])
def export(request: HttpRequest, kind: str) -> HttpResponse:
    exported = services.catalogue_export_file(kind=kind, actor=request.user)
    response = HttpResponse(exported.content, content_type=exported.media_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@login_required
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    _require(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Tệp: hãy chọn tệp danh mục (.json hoặc .xlsx)."))
        return redirect("procedures-backoffice:catalogue")
    content = upload.read(services.MAX_FILE_BYTES + 1)  # a larger file: refused unread
    try:
        result = services.catalogue_import_file(
            filename=upload.name or "", content=content, actor=request.user
        )
    except catalogue_io.CatalogueError as error:
        messages.error(
            request,
            _("Không nhập được danh mục, không có gì thay đổi. Lỗi tại %(where)s: %(message)s")
            % {"where": error.where, "message": error.message},
        )
    else:
        messages.success(
            request,
            _("Đã nhập %(n)s thủ tục: %(c)s thêm mới, %(u)s cập nhật.")
            % {"n": result["procedures"], "c": result["created"], "u": result["updated"]},
        )
    return redirect("procedures-backoffice:catalogue")
