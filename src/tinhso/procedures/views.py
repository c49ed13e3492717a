"""Public catalogue pages: search, a procedure, its printable declaration form."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tinhso.procedures import forms, selectors
from tinhso.procedures.declaration import DOCX_MIME, declaration_docx
from tinhso.procedures.models import CompetentLevel, Field


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    field = request.GET.get("field", "")
    level = request.GET.get("level", "")
    if level not in CompetentLevel.values:
        level = ""
    online = request.GET.get("online") == "1"
    procedures = selectors.procedure_search(
        query=query, field=field, level=level, online_on=timezone.localdate() if online else None
    )
    page = Paginator(procedures, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "procedures/search.html",
        {
            "page": page,
            "q": query,
            "field": field,
            "level": level,
            "online": online,
            "fields": Field.objects.order_by("name"),
            "levels": CompetentLevel.choices,
        },
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.procedure_get(code=code)
    level = procedure.level_on(timezone.localdate())
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "level": level,
            "form_fields": forms.form_fields(procedure.form_schema),
        },
    )


def form_print(request: HttpRequest, code: str) -> HttpResponse:
    """The declaration form to print and fill by hand (level 2: downloadable forms)."""
    procedure = selectors.procedure_get(code=code)
    return render(
        request,
        "procedures/form_print.html",
        {"procedure": procedure, "form_fields": forms.form_fields(procedure.form_schema)},
    )


def form_docx(request: HttpRequest, code: str) -> HttpResponse:
    """The declaration form as a DOCX to download (level 2: downloadable forms)."""
    procedure = selectors.procedure_get(code=code)
    organs = [o.name for o in procedure.organs.all()]
    content = declaration_docx(
        name=procedure.name,
        code=procedure.code,
        schema=procedure.form_schema,
        organs=organs if len(organs) <= 3 else [],  # many communes: the applicant writes it
    )
    response = HttpResponse(content, content_type=DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="to-khai-{procedure.code}.docx"'
    return response
