"""Work records under /api/v1/records: open, file, act, export."""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from tinhso.core.api import AUTH_PROBLEMS, ProblemOut
from tinhso.documents.models import Document, IncomingDocument
from tinhso.records import selectors, services
from tinhso.records.api.common import act, official, one, organ_by_identifier, router
from tinhso.records.api.schemas import (
    READ,
    WRITE,
    ItemIn,
    RecordAction,
    RecordActionIn,
    RecordDetailOut,
    RecordIn,
    RecordOut,
    RecordQuery,
)
from tinhso.records.models import PlanEntry, RecordItem, WorkRecord


@router.get(
    "/records",
    response={200: list[RecordOut], **AUTH_PROBLEMS},
    auth=django_auth,
    summary="Hồ sơ công việc / work records",
    operation_id="records_list",
)
def record_list(request: HttpRequest, filters: Query[RecordQuery]) -> list[WorkRecord]:
    """Records of the caller's organs (500 at most); `retention_expired=true`: those whose
    retention ended, for the appraisal board; `archive_overdue=true`: closed over a year ago
    and not yet handed to the archive."""
    if filters.retention_expired:
        records = selectors.retention_expired(user=request.user)
    elif filters.archive_overdue:
        records = selectors.archive_overdue(user=request.user)
    else:
        records = selectors.records_for(user=request.user).order_by("-year", "code")
    if filters.state:
        records = records.filter(state=filters.state)
    if filters.year:
        records = records.filter(year=filters.year)
    return list(records[:500])


@router.post(
    "/records",
    response={201: RecordDetailOut, **WRITE},
    auth=django_auth,
    summary="Mở hồ sơ / open a record",
    operation_id="records_open",
)
def record_open(request: HttpRequest, payload: RecordIn) -> Status:
    """From a planned record (`entry`) or outside the plan (`organ`, `year`, `title`,
    `retention`, `reason`)."""
    keeper = official(payload.keeper, "keeper")
    if payload.entry is not None:
        entry = one(
            PlanEntry,
            payload.entry,
            "entry",
            _("Không có hồ sơ dự kiến này."),
            plan__in=selectors.plans_for(user=request.user),
        )
        record = act(lambda: services.record_open(entry=entry, actor=request.user, keeper=keeper))
    else:
        organ = organ_by_identifier(payload.organ, "organ")
        if payload.year is None:
            raise services.RecordError({"year": [_("Nhập năm hình thành hồ sơ.")]})
        record = act(
            lambda: services.record_open_outside_plan(
                organ=organ,
                year=payload.year,
                actor=request.user,
                title=payload.title,
                retention=payload.retention,
                reason=payload.reason,
                notation=payload.notation,
                keeper=keeper,
            )
        )
    return Status(201, selectors.record_for(user=request.user, pk=record.pk))


@router.get(
    "/records/{pk}",
    response={200: RecordDetailOut, **READ},
    auth=django_auth,
    summary="Một hồ sơ / one record",
    operation_id="records_detail",
)
def record_detail(request: HttpRequest, pk: int) -> WorkRecord:
    return selectors.record_for(user=request.user, pk=pk)


@router.post(
    "/records/{pk}/items",
    response={201: RecordDetailOut, **WRITE},
    auth=django_auth,
    summary="Đưa văn bản, ghi chú vào hồ sơ / file a document or a note",
    operation_id="records_item_add",
)
def record_item_add(request: HttpRequest, pk: int, payload: ItemIn) -> Status:
    """One of `document` (an issued outgoing document), `incoming_document` (a registered
    incoming one) or `note`."""
    record = selectors.record_for(user=request.user, pk=pk)
    user, version = request.user, payload.version
    if payload.note is not None:
        note = payload.note
        act(
            lambda: services.record_add_note(
                record=record,
                actor=user,
                title=note.title,
                text_=note.text,
                item_date=note.date,
                pages=payload.pages,
                version=version,
            )
        )
    else:
        document = incoming = None
        if payload.document is not None:
            document = one(Document, payload.document, "document", _("Không có văn bản này."))
        if payload.incoming_document is not None:
            incoming = one(
                IncomingDocument,
                payload.incoming_document,
                "incoming_document",
                _("Không có văn bản đến này."),
            )
        act(
            lambda: services.record_file_document(
                record=record,
                actor=user,
                document=document,
                incoming=incoming,
                pages=payload.pages,
                version=version,
            )
        )
    return Status(201, selectors.record_for(user=request.user, pk=pk))


@router.post(
    "/records/{pk}/attachments",
    response={201: RecordDetailOut, **WRITE},
    auth=django_auth,
    summary="Đính kèm tài liệu / attach a file",
    operation_id="records_attachment_add",
)
def record_attachment_add(
    request: HttpRequest,
    pk: int,
    file: File[UploadedFile],
    title: Form[str] = "",
    version: Form[int | None] = None,
) -> Status:
    """A DOCX or PDF, checked by its content."""
    record = selectors.record_for(user=request.user, pk=pk)
    act(
        lambda: services.record_attach(
            record=record,
            actor=request.user,
            name=file.name or "tep",
            data=file.read(),
            title=title,
            version=version,
        )
    )
    return Status(201, selectors.record_for(user=request.user, pk=pk))


@router.post(
    "/records/{pk}/actions",
    response={200: RecordDetailOut, **WRITE},
    auth=django_auth,
    summary="Thao tác với hồ sơ / act on a record",
    operation_id="records_act",
)
def recordact(request: HttpRequest, pk: int, payload: RecordActionIn) -> WorkRecord:
    """update (the description), reorder (`order`: every item id once), remove (`item`),
    close (`note`: the closing statement), reopen (leader; `note`: the reason), archive
    (the organ's archive receives it)."""
    record = selectors.record_for(user=request.user, pk=pk)
    user, version, note, A = request.user, payload.version, payload.note, RecordAction

    def run() -> Any:
        if payload.action == A.UPDATE:
            return services.record_update(
                record=record,
                actor=user,
                version=version,
                title=payload.title,
                retention=payload.retention,
                keywords=payload.keywords,
                language=payload.language,
                access=payload.access,
                access_note=payload.access_note,
                description=payload.description,
            )
        if payload.action == A.REORDER:
            return services.record_reorder(
                record=record, actor=user, order=payload.order, version=version
            )
        if payload.action == A.REMOVE:
            item = one(
                RecordItem, payload.item, "item", _("Không có mục này trong hồ sơ."), record=record
            )
            return services.record_remove_item(
                record=record, actor=user, item=item, version=version
            )
        if payload.action == A.CLOSE:
            return services.record_close(
                record=record, actor=user, closing_note=note, version=version
            )
        if payload.action == A.REOPEN:
            return services.record_reopen(record=record, actor=user, reason=note, version=version)
        return services.record_archive(record=record, actor=user, version=version)

    act(run)
    return selectors.record_for(user=request.user, pk=pk)


@router.get(
    "/records/{pk}/package",
    response={**READ, 409: ProblemOut},
    auth=django_auth,
    summary="Gói hồ sơ nộp lưu / archive package (ZIP)",
    operation_id="records_package",
    openapi_extra={
        "responses": {
            200: {
                "description": "ZIP: files/, metadata.xml, metadata.json, "
                "schema/record-package.xsd, manifest-sha256.txt",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def record_package(request: HttpRequest, pk: int) -> FileResponse:
    """The archive package of a closed or archived record, streamed from a temporary file;
    `tinhso records_verify <zip>` checks it."""
    record = selectors.record_for(user=request.user, pk=pk)
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        act(lambda: services.record_export(record=record, actor=request.user, target=target))
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=f"{record.code}.zip", content_type="application/zip"
    )
