"""The public site and the back-office shell. Thin: selectors and permissions decide."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tinhso.directory import selectors
from tinhso.directory.permissions import Action, can, grants_of, organs_in_scope


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {"province": selectors.home_province(), "counts": selectors.directory_counts()},
    )


def _require(request: HttpRequest, action: Action) -> None:
    if not can(request.user, action):
        raise PermissionDenied(_("Tài khoản này không có quyền vào trang quản trị nghiệp vụ."))


@never_cache
@login_required
def backoffice(request: HttpRequest) -> HttpResponse:
    _require(request, Action.USE_BACKOFFICE)
    official = getattr(request.user, "official", None)
    return render(
        request,
        "web/backoffice.html",
        {
            "official": official,
            "grants": selectors.grant_rows(grants_of(request.user)),
            "scope_count": organs_in_scope(request.user).count(),
            "counts": selectors.directory_counts(),
        },
    )


@never_cache
@login_required
def organ_list(request: HttpRequest) -> HttpResponse:
    """The organs in the official's scope; `?format=csv` exports the whole list."""
    _require(request, Action.VIEW_DIRECTORY)
    organs = organs_in_scope(request.user).select_related("parent").prefetch_related("identifiers")
    query = request.GET.get("q", "").strip()
    if query:
        organs = organs.filter(name__icontains=query)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="co-quan.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(response)
        writer.writerow([_("Mã định danh"), _("Tên"), _("Tên viết tắt"), _("Cơ quan cấp trên")])
        for organ in organs:
            writer.writerow([organ.identifier(), organ.name, organ.short_name, organ.parent or ""])
        return response
    page = Paginator(organs, 50).get_page(request.GET.get("page"))
    return render(request, "web/organ_list.html", {"page": page, "q": query})
