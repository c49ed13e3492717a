"""The back-office search page of official documents (thin: `search.query.search_documents`
does the work)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tinhso.directory.models import Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope
from tinhso.documents.models import SearchEntry
from tinhso.documents.models.choices import TYPE_CHOICES, URGENCY_CHOICES
from tinhso.documents.models.search import NOTICE_LABELS
from tinhso.documents.search.query import MAX_RESULTS, search_documents
from tinhso.documents.search_api import STATE_LABELS

FIELDS = (
    "q",
    "direction",
    "organ",
    "doc_type",
    "date_from",
    "date_to",
    "signer",
    "state",
    "urgency",
)


def _date(value: str, field: str, errors: dict[str, list[str]]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = [_("Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm.")]
        return None


@never_cache
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search the documents the official may see: words with or without diacritics, and
    filters by direction, organ, type, period, signer, state and urgency."""
    if not can(request.user, Permission.VIEW_DOCUMENTS):
        raise PermissionDenied(_("Tài khoản này không có quyền xem văn bản."))
    values = {f: request.GET.get(f, "").strip() for f in FIELDS}
    organs = organs_in_scope(request.user, Permission.VIEW_DOCUMENTS).order_by("tree_path")
    errors: dict[str, list[str]] = {}
    results = None
    if any(values.values()):
        date_from = _date(values["date_from"], "date_from", errors)
        date_to = _date(values["date_to"], "date_to", errors)
        organ = None
        if values["organ"]:
            organ = (
                Organ.objects.filter(pk=values["organ"]).first()
                if values["organ"].isdigit()
                else None
            )
            if organ is None:
                errors["organ"] = [_("Cơ quan không hợp lệ.")]
        page = request.GET.get("page", "1")
        criteria = {
            "user": request.user,
            "query": values["q"],
            "direction": values["direction"],
            "organ": organ,
            "doc_type": values["doc_type"],
            "date_from": date_from,
            "date_to": date_to,
            "signer": values["signer"],
            "state": values["state"],
            "urgency": values["urgency"],
        }
        if not errors:
            try:
                results = search_documents(
                    **criteria, page=int(page) if page.isdigit() and int(page) > 0 else 1
                )
                if results.page > results.pages:  # past the end: the last page
                    results = search_documents(**criteria, page=results.pages)
            except ValidationError as error:
                errors = error.message_dict
    context: dict[str, Any] = {
        "values": values,
        "errors": errors,
        "results": results,
        "rows": _rows(results) if results else [],
        "organs": organs,
        "types": TYPE_CHOICES,
        "urgencies": URGENCY_CHOICES,
        "directions": SearchEntry.Direction.choices,
        "states": list(STATE_LABELS.items()),
        "previous_page": results.page - 1 if results else None,
        "next_page": results.page + 1 if results else None,
        "counted": min(results.total, MAX_RESULTS) if results else 0,
    }
    return render(request, "documents/search.html", context)


def _rows(results: Any) -> list[dict[str, Any]]:
    rows = []
    for hit in results.hits:
        entry = hit.entry
        rows.append(
            {
                "entry": entry,
                "summary": hit.summary,
                "state_label": STATE_LABELS.get(entry.state, entry.state),
                "notices": [
                    {"file": n.get("file", ""), "text": NOTICE_LABELS.get(n.get("code", ""), "")}
                    for n in entry.notices
                ],
            }
        )
    return rows
