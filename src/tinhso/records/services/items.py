"""What goes into an open record: issued outgoing and registered incoming documents of its
organ, notes, attachments; their order; removing one before the record is closed."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.permissions import Action as Permission
from tinhso.documents import filecheck
from tinhso.documents.models import Document, IncomingDocument
from tinhso.documents.selectors import documents_for, incoming_for
from tinhso.documents.states import OutgoingState
from tinhso.documents.types import is_classified
from tinhso.records import contents
from tinhso.records.contents import FILEABLE_INCOMING
from tinhso.records.models import RecordItem, WorkRecord
from tinhso.records.pages import count_pages
from tinhso.records.services import common
from tinhso.records.services.common import RecordError, history, lock_record, require, text
from tinhso.records.states import RecordAction, RecordState, record_next

A = RecordAction
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 100_000


def _open_for_items(record: WorkRecord, actor: Any, action: str, version: int | None) -> WorkRecord:
    record = lock_record(record, version)
    record_next(RecordState(record.state), action)
    require(actor, Permission.KEEP_RECORDS, record.organ, record.unit)
    return record


def _organs(record: WorkRecord) -> set[int]:
    return {pk for pk in (record.organ_id, record.unit_id) if pk is not None}


def _next_order(record: WorkRecord) -> int:
    return (record.items.aggregate(m=Max("order"))["m"] or 0) + 1


def _check_pages(pages: int | None) -> None:
    if pages is not None and not 0 <= pages <= MAX_PAGES:
        raise RecordError({"pages": [_("Số trang phải từ 0 đến %(n)s.") % {"n": MAX_PAGES}]})


def _refuse_classified(confidentiality: str, field: str) -> None:
    if is_classified(confidentiality):
        raise RecordError(
            {field: [_("Văn bản mật không được đưa vào hồ sơ trên hệ thống; hãy lập hồ sơ giấy.")]}
        )


def _check_outgoing(record: WorkRecord, actor: Any, document: Document) -> Document:
    visible = documents_for(user=actor).filter(pk=document.pk).first()
    if visible is None:
        raise RecordError({"document": [_("Không có văn bản này trong phạm vi của bạn.")]})
    if not _organs(record) & {visible.organ_id, visible.drafting_unit_id}:
        raise RecordError(
            {
                "document": [
                    _("Văn bản của cơ quan khác không được đưa vào hồ sơ của %(o)s.")
                    % {"o": record.organ}
                ]
            }
        )
    if visible.state != OutgoingState.ISSUED:
        raise RecordError(
            {
                "document": [
                    _(
                        "Chỉ đưa vào hồ sơ văn bản đã ban hành; "
                        "văn bản này đang ở trạng thái «%(s)s»."
                    )
                    % {"s": visible.state_label}
                ]
            }
        )
    _refuse_classified(visible.confidentiality, "document")
    return visible


def _check_incoming(record: WorkRecord, actor: Any, incoming: IncomingDocument) -> IncomingDocument:
    visible = incoming_for(user=actor).filter(pk=incoming.pk).first()
    if visible is None:
        raise RecordError({"incoming": [_("Không có văn bản đến này trong phạm vi của bạn.")]})
    if visible.organ_id not in _organs(record):
        raise RecordError(
            {
                "incoming": [
                    _("Văn bản đến của cơ quan khác không được đưa vào hồ sơ của %(o)s.")
                    % {"o": record.organ}
                ]
            }
        )
    if visible.state not in FILEABLE_INCOMING:
        raise RecordError(
            {
                "incoming": [
                    _(
                        "Chỉ đưa vào hồ sơ văn bản đến đã vào sổ; "
                        "văn bản này đang ở trạng thái «%(s)s»."
                    )
                    % {"s": visible.state_label}
                ]
            }
        )
    _refuse_classified(visible.confidentiality, "incoming")
    return visible


@transaction.atomic
def record_file_document(
    *,
    record: WorkRecord,
    actor: Any,
    document: Document | None = None,
    incoming: IncomingDocument | None = None,
    pages: int | None = None,
    version: int | None = None,
) -> RecordItem:
    """File one document in an open record, last in its order: an issued outgoing document
    the record's organ (or unit) issued or drafted, or a registered incoming document it
    received; the actor must see it. Its pages are counted from its files unless `pages`
    is given. Raises IllegalTransition unless open, Conflict, PermissionError, RecordError
    (a draft, another organ's document, a classified one, one already in the record)."""
    record = _open_for_items(record, actor, A.FILE, version)
    if (document is None) == (incoming is None):
        raise RecordError({"document": [_("Chọn một văn bản đi hoặc một văn bản đến.")]})
    _check_pages(pages)
    item = RecordItem(record=record, added_at=common.now(), added_by=common.actor_or_none(actor))
    if document is not None:
        document = _check_outgoing(record, actor, document)
        item.kind, item.document, field = RecordItem.Kind.OUTGOING, document, "document"
        duplicate = record.items.filter(document=document).exists()
    else:
        assert incoming is not None
        incoming = _check_incoming(record, actor, incoming)
        item.kind, item.incoming, field = RecordItem.Kind.INCOMING, incoming, "incoming"
        duplicate = record.items.filter(incoming=incoming).exists()
    if duplicate:
        raise RecordError({field: [_("Văn bản này đã có trong hồ sơ.")]})
    item.pages = pages if pages is not None else contents.pages_of(contents.files_of(item))
    item.order = _next_order(record)
    item.save()
    history(
        record,
        action=A.FILE,
        from_state=record.state,
        actor=actor,
        at=item.added_at,
        data={"item": item.pk, "kind": item.kind, field: (document or incoming).pk},  # type: ignore[union-attr]
    )
    return item


@transaction.atomic
def record_add_note(
    *,
    record: WorkRecord,
    actor: Any,
    title: str,
    text_: str = "",
    item_date: date | None = None,
    pages: int | None = None,
    version: int | None = None,
) -> RecordItem:
    """Add a note (ghi chú, e.g. of a meeting or a phone call) to an open record, last in
    its order, dated `item_date` or today. Raises IllegalTransition unless open, Conflict,
    PermissionError, RecordError by field."""
    record = _open_for_items(record, actor, A.NOTE, version)
    _check_pages(pages)
    at = common.now()
    item = RecordItem.objects.create(
        record=record,
        order=_next_order(record),
        kind=RecordItem.Kind.NOTE,
        title=text(title, field="title", label=_("tiêu đề ghi chú"), max_length=500),
        text=text(
            text_, field="text", label=_("nội dung ghi chú"), max_length=20000, required=False
        ),
        item_date=item_date or timezone.localtime(at).date(),
        pages=pages,
        added_at=at,
        added_by=common.actor_or_none(actor),
    )
    history(
        record,
        action=A.NOTE,
        from_state=record.state,
        actor=actor,
        at=at,
        data={"item": item.pk, "title": item.title},
    )
    return item


def _file_refused(code: str, name: str, limit: int) -> str:
    messages = {
        "empty": _("Tệp «%(n)s» rỗng."),
        "too_large": _("Tệp «%(n)s» vượt quá %(mb)s MB."),
        "encrypted": _("Tệp «%(n)s» được mã hóa hoặc đặt mật khẩu, không kiểm tra được nội dung."),
        "active_content": _("Tệp «%(n)s» chứa mã lệnh (macro, JavaScript), không được nhận."),
        "unknown_type": _("Tệp «%(n)s» không phải DOCX hoặc PDF."),
    }
    return messages[code] % {"n": name, "mb": limit // (1024 * 1024)}


@transaction.atomic
def record_attach(
    *,
    record: WorkRecord,
    actor: Any,
    name: str,
    data: bytes,
    title: str = "",
    item_date: date | None = None,
    version: int | None = None,
) -> RecordItem:
    """Attach a DOCX or PDF (checked by its content as documents' files are: no scripts,
    macros or encryption) to an open record, last in its order, stored under its SHA-256;
    its pages are counted. Raises IllegalTransition unless open, Conflict, PermissionError,
    RecordError naming `file` (refused file) or `title`."""
    record = _open_for_items(record, actor, A.ATTACH, version)
    limit = getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)
    name = (name or "tep").strip()[:255] or "tep"
    try:
        checked = filecheck.check_document_file(data, max_bytes=limit)
    except filecheck.FileRefused as error:
        raise RecordError({"file": [_file_refused(error.code, name, limit)]}) from error
    at = common.now()
    item = RecordItem(
        record=record,
        order=_next_order(record),
        kind=RecordItem.Kind.ATTACHMENT,
        title=text(title or name, field="title", label=_("tiêu đề tài liệu"), max_length=500),
        item_date=item_date or timezone.localtime(at).date(),
        original_name=name,
        content_type=checked.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=count_pages(io.BytesIO(data), checked.kind),
        added_at=at,
        added_by=common.actor_or_none(actor),
    )
    item.file.save(item.sha256, ContentFile(data), save=False)
    try:
        item.save()
        history(
            record,
            action=A.ATTACH,
            from_state=record.state,
            actor=actor,
            at=at,
            data={"item": item.pk, "name": name, "sha256": item.sha256},
        )
    except Exception:
        # The file reached the storage before its row: do not leave it behind.
        item.file.storage.delete(item.file.name)
        raise
    return item


@transaction.atomic
def record_reorder(
    *, record: WorkRecord, actor: Any, order: Sequence[int], version: int | None = None
) -> WorkRecord:
    """Put the items of an open record in `order` (their ids, each exactly once); they are
    numbered 1, 2, … in it. Raises IllegalTransition unless open, Conflict,
    PermissionError, RecordError naming `order` when it is not exactly the record's items."""
    record = _open_for_items(record, actor, A.REORDER, version)
    items = {item.pk: item for item in record.items.all()}
    if len(order) != len(items) or set(order) != set(items):
        raise RecordError(
            {"order": [_("Thứ tự mới phải gồm đúng mỗi văn bản, tài liệu của hồ sơ một lần.")]}
        )
    before = [pk for pk, _item in sorted(items.items(), key=lambda kv: (kv[1].order, kv[0]))]
    for position, pk in enumerate(order, start=1):
        items[pk].order = position
    RecordItem.objects.bulk_update(items.values(), ["order"])
    history(
        record,
        action=A.REORDER,
        from_state=record.state,
        actor=actor,
        at=common.now(),
        data={"before": before, "after": list(order)},
    )
    return record


def _delete_file_later(item: RecordItem) -> None:
    """Remove an attachment's stored file once the removal is committed, unless another
    item of the record still points at the same stored file."""
    name, storage = item.file.name, item.file.storage

    def delete() -> None:
        if not RecordItem.objects.filter(file=name).exists():
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def record_remove_item(
    *, record: WorkRecord, actor: Any, item: RecordItem, version: int | None = None
) -> WorkRecord:
    """Take an item out of an open record (the documents themselves are untouched); the
    items after it move up. Raises IllegalTransition unless open (a closed record keeps its
    contents), Conflict, PermissionError, RecordError when the item is not this record's."""
    record = _open_for_items(record, actor, A.REMOVE, version)
    item = record.items.filter(pk=item.pk).first()  # type: ignore[assignment]
    if item is None:
        raise RecordError({"item": [_("Văn bản, tài liệu này không có trong hồ sơ.")]})
    data = {
        "item": item.pk,
        "kind": item.kind,
        "document": item.document_id,
        "incoming": item.incoming_id,
        "title": item.title,
        "sha256": item.sha256,
    }
    if item.kind == RecordItem.Kind.ATTACHMENT and item.file:
        _delete_file_later(item)
    item.delete()
    rest = list(record.items.order_by("order", "pk"))
    for position, other in enumerate(rest, start=1):
        other.order = position
    RecordItem.objects.bulk_update(rest, ["order"])
    history(
        record, action=A.REMOVE, from_state=record.state, actor=actor, at=common.now(), data=data
    )
    return record
