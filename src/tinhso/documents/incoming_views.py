"""Back-office pages of incoming documents (văn bản đến): paper arrivals, the document page and
its actions. Thin, as `views` is: services act, selectors read."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tinhso.directory.models import Official
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import organs_in_scope
from tinhso.documents import selectors, services
from tinhso.documents.models.choices import CONFIDENTIALITY_CHOICES, TYPE_CHOICES, URGENCY_CHOICES
from tinhso.documents.states import IllegalTransition
from tinhso.documents.views import _attempt, _errors, _require, _upload, _version


@never_cache
@login_required
def receive(request: HttpRequest) -> HttpResponse:
    """The clerk records (and registers) a document that arrived on paper, with its scan."""
    _require(request)
    organs = organs_in_scope(request.user, Permission.REGISTER_DOCUMENT)
    context: dict[str, Any] = {
        "organs": organs,
        "urgencies": URGENCY_CHOICES,
        "secrecy": CONFIDENTIALITY_CHOICES,
        "values": request.POST,
        "errors": {},
    }
    if request.method == "POST":
        post = request.POST
        upload = _upload(request)
        try:
            incoming = services.receive_paper(
                organ=get_object_or_404(organs, pk=post.get("organ") or 0),
                actor=request.user,
                sender_name=post.get("sender_name", ""),
                sender_identifier=post.get("sender_identifier", "").strip(),
                sender_notation=post.get("sender_notation", ""),
                sender_date=_date(post.get("sender_date", "")),
                type_name=post.get("type_name", ""),
                summary=post.get("summary", ""),
                signer_name=post.get("signer_name", ""),
                urgency=post.get("urgency", "normal"),
                confidentiality=post.get("confidentiality", "none"),
                files=[upload] if upload else [],
            )
        except ValidationError as error:
            context["errors"] = _errors(error)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("Đã vào sổ văn bản đến số %(n)s.") % {"n": incoming.number})
            return redirect("documents:incoming_detail", pk=incoming.pk)
    return render(request, "documents/receive.html", context)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise services.DocumentError({"sender_date": [_("Ngày không hợp lệ.")]}) from None


@never_cache
@login_required
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    incoming = selectors.incoming_one(user=request.user, pk=pk)
    files = selectors.incoming_files(incoming)
    return render(
        request,
        "documents/incoming.html",
        {
            "incoming": incoming,
            "files": files,
            "marker": selectors.marker(incoming),
            "actions": selectors.incoming_actions(user=request.user, incoming=incoming),
            "handlers": selectors.handlers_of(incoming),
            "types": TYPE_CHOICES,
        },
    )


def _incoming_action(request: HttpRequest, incoming: Any, action: str) -> Any:
    user, post, version = request.user, request.POST, _version(request)
    if action == "register":
        return services.register_incoming(incoming=incoming, actor=user, version=version)
    if action == "assign":
        days = post.get("deadline_days", "")
        return services.assign(
            incoming=incoming,
            actor=user,
            assignee=get_object_or_404(Official, pk=post.get("assignee") or 0),
            deadline_days=int(days) if days.isdigit() else None,
            note=post.get("note", ""),
            version=version,
        )
    if action == "start":
        return services.start_handling(incoming=incoming, actor=user, version=version)
    if action == "complete":
        return services.complete(
            incoming=incoming, actor=user, note=post.get("note", ""), version=version
        )
    if action == "refuse":
        return services.refuse(
            incoming=incoming, actor=user, reason=post.get("note", ""), version=version
        )
    if action == "reply":
        return services.reply(
            incoming=incoming,
            actor=user,
            summary=post.get("summary", ""),
            doc_type=post.get("doc_type", "official_letter"),
            upload=_upload(request),
            compose_now=not request.FILES,
            version=version,
        )
    raise IllegalTransition(
        incoming.state, action, selectors.incoming_actions(user=user, incoming=incoming)
    )


@require_POST
@login_required
def incoming_act(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    incoming = selectors.incoming_one(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    result = _attempt(request, lambda: _incoming_action(request, incoming, action))
    if action == "reply" and result is not None:
        return redirect("documents:detail", pk=result.pk)
    return redirect("documents:incoming_detail", pk=pk)
