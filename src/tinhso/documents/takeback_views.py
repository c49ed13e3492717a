"""The back-office page where the issuing organ's clerk takes a sent document back (revokes
it at every recipient, Decree 30). Thin: `services.take_back` acts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tinhso.documents import selectors, services
from tinhso.documents.models import Recipient
from tinhso.documents.views import _errors, _require, _version


@never_cache
@login_required
def take_back(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (the reason, required), with the recipients that received the document.
    POST: ask them to take it back; errors come back beside their field."""
    _require(request)
    document = selectors.document_for(user=request.user, pk=pk)
    if not selectors.may_take_back(user=request.user, document=document):
        raise PermissionDenied(_("Bạn không có quyền thu hồi văn bản này."))
    context: dict[str, Any] = {"document": document, "values": request.POST, "errors": {}}
    if request.method == "POST":
        try:
            services.take_back(
                document=document,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                version=_version(request),
            )
        except ValidationError as error:
            context["errors"] = _errors(error)
        except services.Conflict as error:
            context["errors"] = {"form": [str(error)]}
            document = selectors.document_for(user=request.user, pk=pk)
            context["document"] = document
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("Đã gửi yêu cầu thu hồi văn bản đến các nơi nhận."))
            return redirect("documents:detail", pk=pk)
    context["lines"] = [
        r for r in document.recipients.all() if r.channel != Recipient.Channel.PAPER
    ]
    return render(request, "documents/take_back.html", context)
