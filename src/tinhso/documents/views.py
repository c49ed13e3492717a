"""Back-office pages of official documents. Thin: services act, selectors read; errors come
back as Vietnamese messages beside their fields or at the top of the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tinhso.directory.models import Official, Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope
from tinhso.documents import registers, selectors, services
from tinhso.documents.models.choices import (
    CONFIDENTIALITY_CHOICES,
    MARKER_CHOICES,
    TYPE_CHOICES,
    URGENCY_CHOICES,
    CorrectionKind,
)
from tinhso.documents.states import IllegalTransition


def _require(request: HttpRequest) -> None:
    if not can(request.user, Permission.VIEW_DOCUMENTS):
        raise PermissionDenied(_("Tài khoản này không có quyền xem văn bản."))


def _errors(error: ValidationError) -> dict[str, list[str]]:
    """Errors by field, `recipients.2` shown beside `recipients`."""
    merged: dict[str, list[str]] = {}
    for field, texts in error.message_dict.items():
        merged.setdefault(field.split(".")[0], []).extend(texts)
    return merged


def _attempt(request: HttpRequest, run: Callable[[], Any]) -> Any:
    """Run a service; on refusal put its reason in the page's messages and return None."""
    try:
        result = run()
    except IllegalTransition as error:
        messages.error(
            request,
            _("Thao tác không hợp lệ ở trạng thái này. Các thao tác được phép: %(a)s.")
            % {"a": ", ".join(error.allowed) or "—"},
        )
    except ValidationError as error:
        for texts in _errors(error).values():
            for text in texts:
                messages.error(request, text)
    except (
        PermissionError,
        services.Conflict,
        services.NotEditable,
        services.ImmutableDocument,
    ) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã thực hiện thao tác."))
        return result
    return None


def _upload(request: HttpRequest, name: str = "file") -> tuple[str, bytes] | None:
    upload = request.FILES.get(name)
    return (upload.name or "tep", upload.read()) if upload is not None else None


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@never_cache
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """My outgoing work lists and the incoming queue."""
    _require(request)
    lists = {k: list(v[:100]) for k, v in selectors.outgoing_lists(user=request.user).items()}
    queue = list(selectors.incoming_queue(user=request.user)[:200])
    now = timezone.now()
    return render(
        request,
        "documents/index.html",
        {"lists": lists, "queue": [(i, selectors.marker(i, now)) for i in queue]},
    )


def _recipient_specs(request: HttpRequest) -> list[services.RecipientSpec]:
    post = request.POST
    chosen = Organ.objects.filter(pk__in=[v for v in post.getlist("internal") if v.isdigit()])
    specs = [services.RecipientSpec(organ=o) for o in chosen]
    for line in post.get("outside", "").splitlines():
        identifier, _sep, name = line.partition("|")
        if line.strip():
            specs.append(services.RecipientSpec(identifier=identifier.strip(), name=name.strip()))
    specs += [
        services.RecipientSpec(name=line.strip(), paper=True)
        for line in post.get("paper", "").splitlines()
        if line.strip()
    ]
    return specs


def _draft_context(request: HttpRequest) -> dict[str, Any]:
    units = organs_in_scope(request.user, Permission.DRAFT_DOCUMENT)
    issuers = Organ.objects.filter(Q(pk__in=units.values("pk")) | Q(pk__in=units.values("parent")))
    return {
        "organs": issuers.order_by("tree_path"),
        "units": units.order_by("tree_path"),
        "types": TYPE_CHOICES,
        "urgencies": URGENCY_CHOICES,
        "markers": MARKER_CHOICES,
        "signers": Official.objects.filter(
            is_active=True, roles__role="leader", roles__organ__in=issuers
        )
        .select_related("user")
        .distinct(),
        "recipients": Organ.objects.exclude(pk__in=issuers.values("pk")).order_by("tree_path"),
        "values": request.POST,
        "chosen": request.POST.getlist("internal"),
        "errors": {},
    }


@never_cache
@login_required
def draft(request: HttpRequest) -> HttpResponse:
    """A new outgoing draft: uploaded (DOCX/PDF) or composed from the Decree 30 template."""
    _require(request)
    context = _draft_context(request)
    if request.method == "POST":
        post = request.POST
        try:
            document = services.draft_create(
                organ=get_object_or_404(Organ, pk=post.get("organ") or 0),
                actor=request.user,
                doc_type=post.get("doc_type", ""),
                summary=post.get("summary", ""),
                drafting_unit=Organ.objects.filter(pk=post.get("drafting_unit") or 0).first(),
                legal_normative=bool(post.get("legal_normative")),
                body=post.get("body", ""),
                urgency=post.get("urgency", "normal"),
                signer=Official.objects.filter(pk=post.get("signer") or 0).first(),
                signing_marker=post.get("signing_marker", ""),
                on_behalf_of=post.get("on_behalf_of", ""),
                signer_title=post.get("signer_title", ""),
                recipients=_recipient_specs(request),
                upload=_upload(request),
                compose_now=bool(post.get("compose")),
            )
        except ValidationError as error:
            context["errors"] = _errors(error)
        except PermissionError as error:  # the organ or unit chosen is not the drafter's
            context["errors"] = {"organ": [str(error)]}
        else:
            messages.success(request, _("Đã tạo dự thảo."))
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/draft.html", context)


@never_cache
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An outgoing document: its facts, files, recipients, chain, history and actions."""
    _require(request)
    document = selectors.document_for(user=request.user, pk=pk)
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "actions": selectors.outgoing_actions(user=request.user, document=document),
            "step": services.current_step(document),
            "approvers": selectors.approvers_of(document),
            "correction_kinds": CorrectionKind.choices,
        },
    )


def _outgoing_action(request: HttpRequest, document: Any, action: str) -> Any:
    user, post, version = request.user, request.POST, _version(request)
    note, passphrase = post.get("note", ""), post.get("passphrase") or None
    signed = _upload(request, "signed_pdf") if action == "sign" else None
    if action == "submit":
        ids = [int(v) for v in post.getlist("reviewers") if v.isdigit()]
        approver_id = int(post["approver"]) if post.get("approver", "").isdigit() else 0
        chosen = Official.objects.in_bulk([*ids, approver_id])
        approver = chosen.get(approver_id)
        if approver is None:
            raise services.DocumentError({"approver": [_("Chọn người phê duyệt.")]})
        reviewers = [chosen[i] for i in ids if i in chosen]
        return services.submit_for_review(
            document=document, actor=user, approver=approver, reviewers=reviewers, version=version
        )
    simple: dict[str, Callable[[], Any]] = {
        "agree": lambda: services.review(
            document=document, actor=user, agree=True, note=note, version=version
        ),
        "send_back": lambda: services.review(
            document=document, actor=user, agree=False, note=note, version=version
        ),
        "return": lambda: services.return_to_draft(
            document=document, actor=user, note=note, version=version
        ),
        "sign": lambda: services.sign(
            document=document,
            actor=user,
            passphrase=passphrase,
            signed_pdf=signed[1] if signed else None,
            version=version,
        ),
        "issue": lambda: services.issue(
            document=document,
            actor=user,
            passphrase=passphrase,
            copies=int(post["copies"]) if post.get("copies", "").isdigit() else None,
            version=version,
        ),
        "distribute": lambda: services.distribute(document=document, actor=user, version=version),
        "cancel": lambda: services.cancel(
            document=document, actor=user, note=note, version=version
        ),
        "compose": lambda: services.compose_from_template(document=document, actor=user),
    }
    if action in simple:
        return simple[action]()
    if action == "attach":
        upload = _upload(request)
        if upload is None:
            raise services.DocumentError({"file": [_("Chọn tệp.")]})
        return services.attach_file(document=document, actor=user, name=upload[0], data=upload[1])
    if action == "correct":
        return services.correct(
            document=document,
            actor=user,
            kind=post.get("kind", ""),
            summary=post.get("summary", ""),
            upload=_upload(request),
        )
    raise IllegalTransition(
        document.state, action, selectors.outgoing_actions(user=user, document=document)
    )


@require_POST
@login_required
def act(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    document = selectors.document_for(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    result = _attempt(request, lambda: _outgoing_action(request, document, action))
    if action == "correct" and result is not None:
        return redirect("documents:detail", pk=result.pk)
    return redirect("documents:detail", pk=pk)


@never_cache
@login_required
def file(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored file, for whoever may see its document (or received it)."""
    _require(request)
    stored = selectors.file_for(user=request.user, pk=pk)
    return FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=True,
        filename=stored.original_name,
    )


@never_cache
@login_required
def registers_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    return render(
        request,
        "documents/registers.html",
        {
            "registers": selectors.registers_for(user=request.user).order_by(
                "-year", "organ", "kind"
            )
        },
    )


@never_cache
@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """A register, printable in the Decree 30 layout; `?format=xlsx` exports it."""
    _require(request)
    book = selectors.register_for(user=request.user, pk=pk)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            registers.workbook(book),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"so-{book.kind}{'-mat' if book.classified else ''}-{book.year}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "documents/register.html",
        {
            "register": book,
            "title": registers.title(book),
            "columns": registers.columns(book),
            "rows": registers.rows(book),
        },
    )


@never_cache
@login_required
def classified(request: HttpRequest) -> HttpResponse:
    """The clerk records the register entry of a classified outgoing document (its content
    stays off the platform)."""
    _require(request)
    organs = organs_in_scope(request.user, Permission.REGISTER_DOCUMENT)
    context: dict[str, Any] = {
        "organs": organs,
        "types": TYPE_CHOICES,
        "secrecy": [c for c in CONFIDENTIALITY_CHOICES if c[0] != "none"],
        "signers": Official.objects.filter(
            is_active=True, roles__role="leader", roles__organ__in=organs
        )
        .select_related("user")
        .distinct(),
        "values": request.POST,
        "errors": {},
    }
    if request.method == "POST":
        post = request.POST
        try:
            document = services.register_classified(
                organ=get_object_or_404(organs, pk=post.get("organ") or 0),
                actor=request.user,
                doc_type=post.get("doc_type", ""),
                summary=post.get("summary", ""),
                confidentiality=post.get("confidentiality", ""),
                signer=Official.objects.filter(pk=post.get("signer") or 0).first(),
                signer_title=post.get("signer_title", ""),
                recipients=[n.strip() for n in post.get("paper", "").splitlines() if n.strip()],
                copies=int(post["copies"]) if post.get("copies", "").isdigit() else None,
            )
        except ValidationError as error:
            context["errors"] = _errors(error)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(
                request, _("Đã vào sổ văn bản mật số %(n)s.") % {"n": document.notation}
            )
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/classified.html", context)


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
