"""Editing a draft (or a document sent back to drafting): its fields, its "Nơi nhận", its file.
Past the draft nothing changes here (`common.editable`): an issued document is corrected by a
new one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.documents.models import Document, DocumentFile, Recipient
from tinhso.documents.services.common import (
    DocumentError,
    check_upload,
    editable,
    latest_file,
    lock,
    now,
    record,
    refuse_classified,
    require_drafter,
    store_file,
)
from tinhso.documents.services.composing import COMPOSED_NAME, store_composed
from tinhso.documents.services.drafting import (
    CONFIDENTIALITY_VALUES,
    RecipientSpec,
    _check_fields,
    _recipients,
)

# Fields of a draft that `draft_update` may change.
EDITABLE = frozenset(
    {
        "doc_type",
        "legal_normative",
        "summary",
        "body",
        "place",
        "urgency",
        "confidentiality",
        "drafting_unit",
        "signer",
        "signing_marker",
        "on_behalf_of",
        "signer_title",
    }
)


def _line(recipient: Recipient) -> tuple[Any, ...]:
    return (recipient.channel, recipient.organ_id, recipient.identifier, recipient.name)


def _check_confidentiality(value: Any, errors: dict[str, list[str]]) -> None:
    if value not in CONFIDENTIALITY_VALUES:
        errors["confidentiality"] = [_("Độ mật không hợp lệ.")]
        return
    try:
        refuse_classified(value, field="confidentiality")
    except DocumentError as error:
        errors.update(error.message_dict)


@transaction.atomic
def draft_update(
    *,
    document: Document,
    actor: Any,
    changes: dict[str, Any],
    recipients: Sequence[RecipientSpec] | None = None,
    upload: tuple[str, bytes] | None = None,
    version: int | None = None,
) -> Document:
    """Change fields of a draft (`EDITABLE`); when given, replace its recipient lines and its
    file (`upload`, name and bytes, checked by content as at creation, stored as a new draft
    version: files are never overwritten). A draft composed from the template is composed
    again from the new fields when no file is uploaded. One `edit` history row names what
    changed; an edit that changes nothing writes nothing.

    Raises NotEditable past the draft (an issued document says how to correct it),
    PermissionError unless `actor` drafts for the document's organ or unit, Conflict on a
    stale `version`, DocumentError naming each bad field (a classified secrecy level among
    them: classified documents are not drafted here). Writes nothing then.
    """
    document = lock(document, version)
    editable(document)
    require_drafter(actor, document)
    errors: dict[str, list[str]] = {
        name: [_("Trường này không sửa được.")] for name in sorted(set(changes) - EDITABLE)
    }
    if errors:
        raise DocumentError(errors)
    changed = []
    for name, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(document, name) != value:
            changed.append(name)
            setattr(document, name, value)
    if "confidentiality" in changed:
        _check_confidentiality(document.confidentiality, errors)
    _check_fields(document, errors)
    if "drafting_unit" in changed and "drafting_unit" not in errors:
        unit = document.drafting_unit
        if not can(actor, Permission.DRAFT_DOCUMENT, unit or document.organ):
            errors["drafting_unit"] = [_("Bạn không soạn thảo văn bản cho đơn vị này.")]
    lines: list[Recipient] | None = None
    if recipients is not None:
        try:
            lines = _recipients(document, recipients)
        except DocumentError as error:
            errors.update(error.message_dict)
    checked = None
    if upload is not None:
        try:
            checked = check_upload(upload[0], upload[1])
        except DocumentError as error:
            errors.update(error.message_dict)
    if errors:
        raise DocumentError(errors)
    current = [_line(r) for r in document.recipients.all()]
    replace_lines = lines is not None and [_line(r) for r in lines] != current
    if not (changed or replace_lines or upload):
        return document
    if replace_lines and lines is not None:
        document.recipients.all().delete()
        for line in lines:
            line.save()
    data: dict[str, Any] = {"fields": sorted(changed)}
    if replace_lines:
        data["recipients"] = {"before": len(current), "after": len(lines or [])}
    stored: DocumentFile | None = None
    if upload is not None and checked is not None:
        stored = store_file(
            owner=document,
            kind=DocumentFile.Kind.DRAFT,
            name=upload[0],
            data=upload[1],
            content_type=checked.content_type,
            actor=actor,
        )
    else:
        source = latest_file(document, DocumentFile.Kind.DRAFT)
        if source is not None and source.original_name == COMPOSED_NAME:
            stored = store_composed(document, actor)  # the template's wording follows the fields
    if stored is not None:
        data["file"] = {"id": stored.pk, "sha256": stored.sha256, "name": stored.original_name}
    record(document, action="edit", from_state=document.state, actor=actor, at=now(), data=data)
    return document
