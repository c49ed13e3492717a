"""Back-office pages of official documents. Thin: services act, selectors read; errors come
back as Vietnamese messages beside their fields or at the top of the page."""

from __future__ import annotations

from collections.abc import Callable
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
from tinhso.documents import chains_selectors, registers, selectors, services
from tinhso.documents.models import ApprovalChain, Document, Recipient
from tinhso.documents.models.choices import (
    CONFIDENTIALITY_CHOICES,
    MARKER_CHOICES,
    TYPE_CHOICES,
    URGENCY_CHOICES,
    CorrectionKind,
)
from tinhso.documents.states import IllegalTransition, OutgoingState


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


# The draft's text fields the edit form posts as they are (the others are looked up).
TEXT_FIELDS = (
    "doc_type",
    "summary",
    "urgency",
    "confidentiality",
    "body",
    "signing_marker",
    "on_behalf_of",
    "signer_title",
)


def _edit_values(document: Document) -> dict[str, Any]:
    """The edit form's values as the draft holds them (the form posts the same names)."""
    lines = list(document.recipients.all())
    Channel = Recipient.Channel
    return {
        "doc_type": document.doc_type,
        "legal_normative": document.legal_normative,
        "summary": document.summary,
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "drafting_unit": str(document.drafting_unit_id or ""),
        "signer": str(document.signer_id or ""),
        "signing_marker": document.signing_marker,
        "on_behalf_of": document.on_behalf_of,
        "signer_title": document.signer_title,
        "body": document.body,
        "internal": [str(r.organ_id) for r in lines if r.channel == Channel.INTERNAL],
        "outside": "\n".join(
            f"{r.identifier} | {r.name}" for r in lines if r.channel == Channel.EXCHANGE
        ),
        "paper": "\n".join(r.name for r in lines if r.channel == Channel.PAPER),
    }


def _detail_context(
    request: HttpRequest,
    document: Document,
    *,
    edit_values: dict[str, Any] | None = None,
    edit_errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The document page, with the draft's edit form for those who may edit it (open, with
    the values posted and their errors, after a refused edit)."""
    user = request.user
    actions = selectors.outgoing_actions(user=user, document=document)
    context: dict[str, Any] = {
        "document": document,
        "actions": actions,
        "step": services.current_step(document),
        "approvers": selectors.approvers_of(document),
        "chains": chains_selectors.chains_for_document(document) if "submit" in actions else [],
        "correction_kinds": CorrectionKind.choices,
        "may_take_back": selectors.may_take_back(user=user, document=document),
        "editable": document.state == OutgoingState.DRAFT
        and selectors.may(user, Permission.DRAFT_DOCUMENT, document.organ, document.drafting_unit),
    }
    if context["editable"]:
        values = edit_values if edit_values is not None else _edit_values(document)
        choices = _draft_context(request)
        context["edit"] = {
            **{k: choices[k] for k in ("types", "urgencies", "markers", "signers")},
            "units": choices["units"] | Organ.objects.filter(pk=document.drafting_unit_id or 0),
            "recipients": Organ.objects.exclude(pk=document.organ_id).order_by("tree_path"),
            "secrecy": CONFIDENTIALITY_CHOICES,
            "values": values,
            "chosen": values.get("internal", []),
            "errors": edit_errors or {},
            "open": edit_errors is not None or edit_values is not None,
        }
    return context


@never_cache
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An outgoing document: its facts, files, recipients, chain, history, actions, and the
    edit form while it is a draft."""
    _require(request)
    document = selectors.document_for(user=request.user, pk=pk)
    return render(request, "documents/detail.html", _detail_context(request, document))


@never_cache
@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft: its fields, "Nơi nhận" and file (`services.draft_update`); errors come
    back beside the fields of the form on the document page."""
    _require(request)
    document = selectors.document_for(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("documents:detail", pk=pk)
    post = request.POST
    changes: dict[str, Any] = {name: post.get(name, "") for name in TEXT_FIELDS}
    changes["legal_normative"] = bool(post.get("legal_normative"))
    changes["drafting_unit"] = Organ.objects.filter(pk=post.get("drafting_unit") or 0).first()
    changes["signer"] = Official.objects.filter(pk=post.get("signer") or 0).first()
    try:
        services.draft_update(
            document=document,
            actor=request.user,
            changes=changes,
            recipients=_recipient_specs(request),
            upload=_upload(request),
            version=_version(request),
        )
    except ValidationError as error:
        errors = _errors(error)
    except services.Conflict as error:
        errors = {"form": [str(error)]}
    except (PermissionError, services.NotEditable) as error:
        messages.error(request, str(error))  # no form to come back to
        return redirect("documents:detail", pk=pk)
    else:
        messages.success(request, _("Đã lưu dự thảo."))
        return redirect("documents:detail", pk=pk)
    document = selectors.document_for(user=request.user, pk=pk)
    values = {**post.dict(), "internal": post.getlist("internal")}
    if "form" in errors:  # someone else acted first: show the draft as it now is
        values = _edit_values(document)
    context = _detail_context(request, document, edit_values=values, edit_errors=errors)
    return render(request, "documents/detail.html", context)


def _outgoing_action(request: HttpRequest, document: Any, action: str) -> Any:
    user, post, version = request.user, request.POST, _version(request)
    note, passphrase = post.get("note", ""), post.get("passphrase") or None
    signed = _upload(request, "signed_pdf") if action == "sign" else None
    if action == "submit":
        if post.get("chain", "").isdigit():
            chain = ApprovalChain.objects.filter(pk=int(post["chain"])).first()
            if chain is None:
                raise services.DocumentError({"chain": [_("Không có quy trình duyệt này.")]})
            return services.submit_for_review(
                document=document, actor=user, chain=chain, version=version
            )
        ids = [int(v) for v in post.getlist("reviewers") if v.isdigit()]
        approver_id = int(post["approver"]) if post.get("approver", "").isdigit() else 0
        chosen = Official.objects.in_bulk([*ids, approver_id])
        return services.submit_for_review(
            document=document,
            actor=user,
            approver=chosen.get(approver_id),
            reviewers=[chosen[i] for i in ids if i in chosen],
            version=version,
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
