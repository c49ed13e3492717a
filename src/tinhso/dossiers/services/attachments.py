"""Attaching files to a dossier: checked by content, stored under their hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.dossiers import uploads
from tinhso.dossiers.models import Attachment, Dossier
from tinhso.dossiers.services.common import DossierError
from tinhso.procedures.models import RequiredDocument

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _reason(code: str, name: str, limit: int) -> str:
    messages = {
        "empty": _("Tệp «%(n)s» rỗng."),
        "too_large": _("Tệp «%(n)s» vượt quá %(mb)s MB."),
        "executable": _("Tệp «%(n)s» là chương trình chạy được, không được nộp."),
        "encrypted": _("Tệp «%(n)s» được mã hóa hoặc đặt mật khẩu, không kiểm tra được nội dung."),
        "active_content": _("Tệp «%(n)s» chứa mã lệnh (macro, JavaScript), không được nộp."),
        "unknown_type": _("Tệp «%(n)s» không phải PDF, JPEG, PNG, DOCX hoặc XLSX."),
    }
    return messages[code] % {"n": name, "mb": limit // (1024 * 1024)}


def check_files(files: Iterable[tuple[str, Any]]) -> dict[str, list[str]]:
    """Errors by field for uploaded files given as (field name, UploadedFile); empty if all
    are acceptable. Reads each file once."""
    limit = getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    errors: dict[str, list[str]] = {}
    for field, upload in files:
        data = upload.read(limit + 1)
        upload.seek(0)
        try:
            uploads.check(data, max_bytes=limit)
        except uploads.UploadRejected as error:
            errors.setdefault(field, []).append(_reason(error.code, upload.name, limit))
    return errors


@transaction.atomic
def attach_files(
    *,
    dossier: Dossier,
    files: Iterable[tuple[RequiredDocument | None, Any]],
    kind: str,
    actor: Any = None,
) -> list[Attachment]:
    """Store files on the dossier (call inside the filing or supplement transaction). Raises
    DossierError naming the file when one is refused; then nothing is stored."""
    limit = getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    checked = []
    for document, upload in files:
        data = upload.read(limit + 1)
        try:
            result = uploads.check(data, max_bytes=limit)
        except uploads.UploadRejected as error:
            field = f"document_{document.pk}" if document else "files"
            raise DossierError({field: [_reason(error.code, upload.name, limit)]}) from error
        checked.append((document, upload.name, data, result))
    stored = []
    for document, name, data, result in checked:
        digest = hashlib.sha256(data).hexdigest()
        attachment = Attachment(
            dossier=dossier,
            required_document=document,
            kind=kind,
            original_name=name[:255],
            content_type=result.content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        attachment.file.save(digest, ContentFile(data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
