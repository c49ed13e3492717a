"""The back office's message log: filters, pages, CSV export. Thin: the selector scopes and
filters, the permission is `exchange.view_log`."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tinhso.directory.permissions import Action, can
from tinhso.exchange import selectors
from tinhso.exchange.forms import LogFilterForm
from tinhso.exchange.models import MessageLog

PAGE_SIZE = 50


def _cell(text: str) -> str:
    """Text from a peer, made inert in a spreadsheet (a leading = + - @ starts a formula)."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(entries: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
    yield writer.writerow(
        [
            _("Số thứ tự"),
            _("Thời điểm"),
            _("Chiều"),
            _("Mã gói tin"),
            _("Loại"),
            _("Cơ quan gửi"),
            _("Cơ quan nhận"),
            _("Nút liên thông"),
            _("DocumentId"),
            _("Mã LGSP"),
            _("Kết quả, lý do"),
            _("Kích thước (byte)"),
            _("Băm gói tin (SHA-256)"),
            _("Băm mắt xích"),
        ]
    )
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                entry.seq,
                timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M:%S"),
                entry.get_direction_display(),
                entry.message_id or "",
                entry.kind,
                _cell(entry.sender_id),
                _cell(entry.recipient_id),
                entry.peer,
                _cell(entry.document_id),
                entry.code,
                _cell(entry.detail),
                entry.size,
                entry.package_sha256,
                entry.chain_hash,
            ]
        )


@never_cache
@login_required
@require_GET
def message_log(request: HttpRequest) -> HttpResponse:
    """The log of packages sent, received and refused, filtered; `?format=csv` exports every
    filtered entry."""
    if not can(request.user, Action.VIEW_EXCHANGE_LOG):
        raise PermissionDenied(_("Tài khoản này không có quyền xem nhật ký gói tin liên thông."))
    form = LogFilterForm(request.GET or None)
    entries = MessageLog.objects.none()
    if form.is_bound and form.is_valid():
        entries = selectors.message_log(user=request.user, filters=form.filters())
    elif not form.is_bound:
        entries = selectors.message_log(user=request.user, filters=selectors.LogFilter())
    if request.GET.get("format") == "csv" and not form.errors:
        response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="nhat-ky-goi-tin.csv"'
        return response
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/message_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
