"""Shared pieces of the document services: errors, numbering, history, files, permissions."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import clock, sql
from tinhso.core.services import audit_record
from tinhso.directory.models import Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.documents import filecheck
from tinhso.documents.models import (
    Document,
    DocumentEvent,
    DocumentFile,
    IncomingDocument,
    Register,
)
from tinhso.documents.search import indexing
from tinhso.documents.states import OutgoingState
from tinhso.documents.types import is_classified
from tinhso.workcalendar.core import WorkCalendar
from tinhso.workcalendar.selectors import calendar_for

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class DocumentError(ValidationError):
    """Bad input for a document action, by field, in Vietnamese."""


class Conflict(Exception):
    """The document changed since the caller read it (someone else acted first)."""

    def __init__(self, obj: Document | IncomingDocument, expected: int) -> None:
        self.obj, self.expected = obj, expected
        super().__init__(
            _("Văn bản vừa được người khác xử lý (phiên bản %(v)s, bạn đang xem %(e)s).")
            % {"v": obj.version, "e": expected}
        )


def now() -> datetime:
    """The moment of a document action: the current time, or the one `acting_at` sets."""
    return clock.now()


def calendar(organ: Organ, at: datetime) -> WorkCalendar:
    """The working calendar of `organ` around the year of `at`."""
    return calendar_for(
        year=timezone.localtime(at).year, organ_identifier=organ.identifier() or None
    )


Locked = TypeVar("Locked", Document, IncomingDocument)


def lock(obj: Locked, expected_version: int | None) -> Locked:
    """Re-read `obj` under a row lock; refuse when it moved on since `expected_version`."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(current, expected_version)
    return current


def require(user: Any, action: Permission, *organs: Organ | None) -> None:
    """PermissionError unless `user` may do `action` on one of `organs`."""
    if not any(organ is not None and can(user, action, organ) for organ in organs):
        raise PermissionError(_("Bạn không có quyền thực hiện thao tác này với văn bản."))


def record(
    obj: Document | IncomingDocument,
    *,
    action: str,
    from_state: str,
    actor: Any,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    audit: str = "",
    index: bool = True,
) -> DocumentEvent:
    """Save `obj` (bumping its version), append its history row and the audit entry, and
    rewrite its search index entry (unless `index` is False: a caller that writes more of
    the same document in this transaction indexes it once, at the end)."""
    obj.version += 1
    if obj.pk is None and isinstance(obj, IncomingDocument):
        sql.create(obj)  # an arrival (the model adds nothing to save): by fixed SQL
    else:
        obj.save()
    subject = {"document": obj} if isinstance(obj, Document) else {"incoming": obj}
    event = DocumentEvent(
        **subject,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=obj.state,
        note=note,
        data=data or {},
    )
    sql.create(event)  # new, so the model's guard (never change an event) has nothing to do
    prefix = "document" if isinstance(obj, Document) else "incoming_document"
    audit_record(action=audit or f"{prefix}.{action}", obj=obj, actor=actor, data=data)
    if index:
        indexing.index(obj)  # the search index follows every action, in its transaction
    return event


def take_number(
    *, organ: Organ, kind: str, classified: bool, at: datetime, count: int = 1
) -> tuple[Register, int]:
    """The next number of `organ`'s register of `kind` for the year of `at` (Vietnam time);
    with `count`, the first of that many consecutive numbers (a batch ingest).

    The register row is created on first use, then locked and incremented in the caller's
    transaction: a rolled-back issue or registration gives its number back, so numbers stay
    gapless and unique under concurrency (row lock on PostgreSQL, IMMEDIATE transactions on
    SQLite). Raises RuntimeError outside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the issuing transaction")
    key = {
        "organ": organ,
        "year": timezone.localtime(at).year,
        "kind": kind,
        "classified": classified,
    }
    Register.objects.get_or_create(**key)
    register = Register.objects.select_for_update().get(**key)
    register.last += count
    register.save(update_fields=["last"])
    return register, register.last - count + 1


def _file_reason(code: str, name: str, limit: int) -> str:
    messages = {
        "empty": _("Tệp «%(n)s» rỗng."),
        "too_large": _("Tệp «%(n)s» vượt quá %(mb)s MB."),
        "encrypted": _("Tệp «%(n)s» được mã hóa hoặc đặt mật khẩu, không kiểm tra được nội dung."),
        "active_content": _("Tệp «%(n)s» chứa mã lệnh (macro, JavaScript), không được nhận."),
        "unknown_type": _("Tệp «%(n)s» không phải DOCX hoặc PDF."),
    }
    return messages[code] % {"n": name, "mb": limit // (1024 * 1024)}


def check_upload(name: str, data: bytes, *, field: str = "file") -> filecheck.CheckedFile:
    """The kind of an uploaded document file, or DocumentError naming `field`."""
    limit = getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)
    try:
        return filecheck.check_document_file(data, max_bytes=limit)
    except filecheck.FileRefused as error:
        raise DocumentError({field: [_file_reason(error.code, name, limit)]}) from error


def refuse_classified(confidentiality: str, *, field: str = "file") -> None:
    """DocumentError when content is offered for a classified document."""
    if is_classified(confidentiality):
        raise DocumentError(
            {
                field: [
                    _(
                        "Văn bản mật chỉ được vào sổ trên hệ thống; không được lưu nội dung "
                        "hay tệp của văn bản mật."
                    )
                ]
            }
        )


def store_file(
    *,
    owner: Document | IncomingDocument,
    kind: str,
    name: str,
    data: bytes,
    content_type: str,
    actor: Any,
    index: bool = True,
) -> DocumentFile:
    """Store `data` under its SHA-256 as a file of `owner` (checked by the caller); its text
    is extracted (once per content, within limits, never failing on a bad file) and the
    owner's search entry rewritten (unless `index` is False, as in `record`)."""
    refuse_classified(owner.confidentiality)
    digest = hashlib.sha256(data).hexdigest()
    owner_field = "document" if isinstance(owner, Document) else "incoming"
    stored = DocumentFile(
        **{owner_field: owner},
        kind=kind,
        original_name=name[:255],
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    stored.file.save(digest, ContentFile(data), save=False)
    stored.save()
    if not is_classified(owner.confidentiality):  # never read (refused above), never indexed
        indexing.extract_stored(sha256=digest, data=data)
        if index:
            indexing.index(owner)
    return stored


def read_file(stored: DocumentFile) -> bytes:
    with stored.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def latest_file(document: Document, *kinds: str) -> DocumentFile | None:
    """The newest file of `document` among `kinds`."""
    files: models.QuerySet[DocumentFile] = document.files.filter(kind__in=kinds)
    return files.order_by("-pk").first()


class NotEditable(Exception):
    """The document is past its draft: it can no longer be edited (the API answers 409)."""


def require_drafter(user: Any, document: Document) -> None:
    require(user, Permission.DRAFT_DOCUMENT, document.organ, document.drafting_unit)


def editable(document: Document) -> None:
    if document.state == OutgoingState.DRAFT:
        return
    if document.state == OutgoingState.ISSUED:
        raise NotEditable(
            _(
                "Văn bản đã ban hành không được sửa. Hãy ban hành văn bản mới sửa đổi, "
                "thay thế hoặc thu hồi văn bản này."
            )
        )
    raise NotEditable(
        _("Chỉ sửa được dự thảo; văn bản đang ở trạng thái «%(s)s».") % {"s": document.state_label}
    )
