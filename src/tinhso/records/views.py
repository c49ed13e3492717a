"""Back-office pages of work records under /backoffice/ho-so-cong-viec/ (/backoffice/ho-so/
is the one-stop dossiers' queue). Thin: services act, selectors read; errors come back as
Vietnamese messages beside their fields or at the top of the page."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tinhso.directory.models import Official
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope
from tinhso.documents.models import Document, IncomingDocument
from tinhso.records import contents, selectors, services
from tinhso.records.models import Access, PlanEntry, RecordItem
from tinhso.records.models.choices import LANGUAGE_CHOICES
from tinhso.records.states import IllegalTransition, RecordState


def _require(request: HttpRequest) -> None:
    if not can(request.user, Permission.VIEW_RECORDS):
        raise PermissionDenied(_("Tài khoản này không có quyền xem hồ sơ công việc."))


def _errors(error: ValidationError) -> dict[str, list[str]]:
    return {field: list(texts) for field, texts in error.message_dict.items()}


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
    except (PermissionError, services.Conflict) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã thực hiện thao tác."))
        return result
    return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _date(value: str, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise services.RecordError({field: [_("Ngày không hợp lệ.")]}) from None


@never_cache
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Plans, open records, records waiting for the archive and the counts to act on."""
    _require(request)
    records = selectors.records_for(user=request.user)
    return render(
        request,
        "records/index.html",
        {
            "plans": list(selectors.plans_for(user=request.user)[:50]),
            "open_records": list(records.filter(state=RecordState.OPEN).order_by("code")[:200]),
            "closed_records": list(
                records.filter(state=RecordState.CLOSED).order_by("closed_at")[:200]
            ),
            "overdue": {r.pk for r in selectors.archive_overdue(user=request.user)},
            "expired_count": selectors.retention_expired(user=request.user).count(),
            "may_plan": can(request.user, Permission.MANAGE_FILE_PLAN),
            "may_keep": can(request.user, Permission.KEEP_RECORDS),
        },
    )


@never_cache
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """A new file plan: empty, or copied from the organ's plan of the year before."""
    _require(request)
    organs = organs_in_scope(request.user, Permission.MANAGE_FILE_PLAN)
    context: dict[str, Any] = {
        "organs": organs,
        "years": selectors.plan_years(),
        "values": request.POST,
        "errors": {},
    }
    if request.method == "POST":
        post = request.POST
        organ = get_object_or_404(organs, pk=post.get("organ") or 0)
        year = _int(post.get("year")) or 0
        try:
            if post.get("copy_previous"):
                plan = services.plan_copy_previous(organ=organ, year=year, actor=request.user)
            else:
                plan = services.plan_create(
                    organ=organ, year=year, actor=request.user, note=post.get("note", "")
                )
        except ValidationError as error:
            context["errors"] = _errors(error)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("Đã lập danh mục hồ sơ."))
            return redirect("records:plan", pk=plan.pk)
    return render(request, "records/plan_form.html", context)


@never_cache
@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """A file plan as printed (headings, planned records), its history and actions."""
    _require(request)
    file_plan = selectors.plan_for(user=request.user, pk=pk)
    return render(
        request,
        "records/plan.html",
        {
            "plan": file_plan,
            "outline": selectors.plan_outline(file_plan),
            "actions": selectors.plan_actions(user=request.user, plan=file_plan),
            "keepers": selectors.keepers_of(file_plan.organ),
            "events": file_plan.events.select_related("actor"),
        },
    )


def _plan_action(request: HttpRequest, file_plan: Any, action: str) -> Any:
    user, post = request.user, request.POST
    if action == "add_heading":
        return services.plan_add_heading(
            plan=file_plan,
            actor=user,
            title=post.get("title", ""),
            level=_int(post.get("level")) or 1,
            code=post.get("code", ""),
        )
    if action == "add_entry":
        return services.plan_add_entry(
            plan=file_plan,
            actor=user,
            heading=get_object_or_404(file_plan.headings, pk=post.get("heading") or 0),
            title=post.get("title", ""),
            retention=post.get("retention", ""),
            notation=post.get("notation", ""),
            keeper=Official.objects.filter(pk=_int(post.get("keeper")) or 0).first(),
            note=post.get("note", ""),
        )
    if action == "remove_entry":
        entry = get_object_or_404(file_plan.entries, pk=post.get("entry") or 0)
        return services.plan_remove_entry(entry=entry, actor=user)
    if action == "approve":
        return services.plan_approve(plan=file_plan, actor=user)
    if action == "revise":
        return services.plan_revise(plan=file_plan, actor=user, note=post.get("note", ""))
    if action == "open_record":
        entry = get_object_or_404(PlanEntry, plan=file_plan, pk=post.get("entry") or 0)
        return services.record_open(entry=entry, actor=user)
    raise IllegalTransition(
        file_plan.state, action, selectors.plan_actions(user=user, plan=file_plan)
    )


@require_POST
@login_required
def plan_act(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    file_plan = selectors.plan_for(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    result = _attempt(request, lambda: _plan_action(request, file_plan, action))
    if action == "revise" and result is not None:
        return redirect("records:plan", pk=result.pk)
    if action == "open_record" and result is not None:
        return redirect("records:record", pk=result.pk)
    return redirect("records:plan", pk=pk)


@never_cache
@login_required
def record_new(request: HttpRequest) -> HttpResponse:
    """A record outside the plan (phát sinh), with the reason."""
    _require(request)
    organs = organs_in_scope(request.user, Permission.KEEP_RECORDS)
    context: dict[str, Any] = {
        "organs": organs,
        "years": selectors.plan_years(),
        "values": request.POST,
        "errors": {},
    }
    if request.method == "POST":
        post = request.POST
        try:
            record = services.record_open_outside_plan(
                organ=get_object_or_404(organs, pk=post.get("organ") or 0),
                year=_int(post.get("year")) or 0,
                actor=request.user,
                title=post.get("title", ""),
                retention=post.get("retention", ""),
                reason=post.get("reason", ""),
                notation=post.get("notation", ""),
            )
        except ValidationError as error:
            context["errors"] = _errors(error)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("Đã mở hồ sơ %(c)s.") % {"c": record.code})
            return redirect("records:record", pk=record.pk)
    return render(request, "records/record_form.html", context)


@never_cache
@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """A record: its facts, contents list, what may be filed, its history and actions."""
    _require(request)
    work_record = selectors.record_for(user=request.user, pk=pk)
    actions = selectors.record_actions(user=request.user, record=work_record)
    outgoing, incoming = (
        selectors.fileable(user=request.user, record=work_record) if "file" in actions else ([], [])
    )
    items = {item.pk: item for item in selectors.items_for(work_record)}
    return render(
        request,
        "records/record.html",
        {
            "record": work_record,
            "lines": [(row, items.get(row["item"])) for row in contents.contents_of(work_record)],
            "actions": actions,
            "outgoing": outgoing,
            "incoming": incoming,
            "language_choices": LANGUAGE_CHOICES,
            "accesses": Access.choices,
            "overdue": selectors.is_overdue_for_archive(work_record),
            "events": work_record.events.select_related("actor"),
        },
    )


def _move(record: Any, item_pk: int | None, step: int) -> list[int]:
    order = list(record.items.order_by("order", "pk").values_list("pk", flat=True))
    if item_pk in order:
        i = order.index(item_pk)
        j = min(max(i + step, 0), len(order) - 1)
        order[i], order[j] = order[j], order[i]
    return order


def _record_action(request: HttpRequest, work_record: Any, action: str) -> Any:
    user, post = request.user, request.POST
    version = _int(post.get("version"))
    pages = _int(post.get("pages"))
    upload = request.FILES.get("file")
    simple: dict[str, Callable[[], Any]] = {
        "close": lambda: services.record_close(
            record=work_record, actor=user, closing_note=post.get("note", ""), version=version
        ),
        "reopen": lambda: services.record_reopen(
            record=work_record, actor=user, reason=post.get("note", ""), version=version
        ),
        "archive": lambda: services.record_archive(record=work_record, actor=user, version=version),
        "note": lambda: services.record_add_note(
            record=work_record,
            actor=user,
            title=post.get("title", ""),
            text_=post.get("text", ""),
            item_date=_date(post.get("item_date", ""), "item_date"),
            pages=pages,
            version=version,
        ),
        "update": lambda: services.record_update(
            record=work_record,
            actor=user,
            version=version,
            title=post.get("title"),
            keywords=post.get("keywords"),
            language=post.get("language"),
            access=post.get("access"),
            access_note=post.get("access_note"),
            description=post.get("description"),
        ),
    }
    if action in simple:
        return simple[action]()
    if action == "file_outgoing":
        document = get_object_or_404(Document, pk=post.get("document") or 0)
        return services.record_file_document(
            record=work_record, actor=user, document=document, pages=pages, version=version
        )
    if action == "file_incoming":
        incoming = get_object_or_404(IncomingDocument, pk=post.get("incoming") or 0)
        return services.record_file_document(
            record=work_record, actor=user, incoming=incoming, pages=pages, version=version
        )
    if action == "attach":
        if upload is None:
            raise services.RecordError({"file": [_("Chọn tệp.")]})
        return services.record_attach(
            record=work_record,
            actor=user,
            name=upload.name or "tep",
            data=upload.read(),
            title=post.get("title", ""),
            version=version,
        )
    item_pk = _int(post.get("item"))
    if action in ("up", "down"):
        order = _move(work_record, item_pk, -1 if action == "up" else 1)
        return services.record_reorder(record=work_record, actor=user, order=order, version=version)
    if action == "remove":
        item = get_object_or_404(RecordItem, record=work_record, pk=item_pk or 0)
        return services.record_remove_item(
            record=work_record, actor=user, item=item, version=version
        )
    raise IllegalTransition(
        work_record.state, action, selectors.record_actions(user=user, record=work_record)
    )


@require_POST
@login_required
def record_act(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    work_record = selectors.record_for(user=request.user, pk=pk)
    _attempt(request, lambda: _record_action(request, work_record, request.POST.get("action", "")))
    return redirect("records:record", pk=pk)


@never_cache
@login_required
def package(request: HttpRequest, pk: int) -> HttpResponse:
    """The archive package (ZIP) of a closed or archived record, from a temporary file."""
    _require(request)
    work_record = selectors.record_for(user=request.user, pk=pk)
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        services.record_export(record=work_record, actor=request.user, target=target)
    except IllegalTransition:
        target.close()
        messages.error(request, _("Chỉ xuất gói của hồ sơ đã kết thúc hoặc đã nộp lưu."))
        return redirect("records:record", pk=pk)
    except PermissionError as error:
        target.close()
        raise PermissionDenied(str(error)) from error
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{work_record.code}.zip",
        content_type="application/zip",
    )


@never_cache
@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment of a record the official may see."""
    _require(request)
    item = selectors.attachment_for(user=request.user, pk=pk)
    return FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=True,
        filename=item.original_name,
    )


EXPIRED_COLUMNS = [
    gettext_lazy("Mã hồ sơ"),
    gettext_lazy("Tiêu đề hồ sơ"),
    gettext_lazy("Cơ quan"),
    gettext_lazy("Thời hạn bảo quản"),
    gettext_lazy("Thời gian kết thúc"),
    gettext_lazy("Hết thời hạn bảo quản"),
    gettext_lazy("Trạng thái"),
]


@never_cache
@login_required
def expired(request: HttpRequest) -> HttpResponse:
    """Records whose retention ended, for the appraisal board; `?format=csv` exports them."""
    _require(request)
    records = list(selectors.retention_expired(user=request.user)[:2000])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ho-so-het-thoi-han.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with a BOM
        writer = csv.writer(response)
        writer.writerow([str(c) for c in EXPIRED_COLUMNS])
        for r in records:
            writer.writerow(
                [
                    r.code,
                    r.title,
                    r.organ.name,
                    r.retention_label,
                    r.end_date.strftime("%d/%m/%Y") if r.end_date else "",
                    r.retention_ends_on.strftime("%d/%m/%Y") if r.retention_ends_on else "",
                    r.state_label,
                ]
            )
        return response
    return render(
        request, "records/expired.html", {"records": records, "today": timezone.localdate()}
    )
