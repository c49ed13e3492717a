"""Drafts composed from the Decree 30/2020 template: the printed wording of a document and its
notation, the DOCX made from them (`documents.compose`), regenerated with the number and date at
issue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.documents import compose
from tinhso.documents.models import Document, DocumentFile
from tinhso.documents.notation import (
    Notation,
    blank_date_line,
    number_line,
    place_date_line,
)
from tinhso.documents.services.common import (
    check_upload,
    editable,
    lock,
    now,
    record,
    require_drafter,
    store_file,
)
from tinhso.documents.types import URGENCY_NAMES, Urgency, document_type

COMPOSED_NAME = "du-thao-theo-mau.docx"


def build_notation(document: Document, number: int, year: int) -> Notation:
    """The notation of `document` with `number` (ValueError on an unusable abbreviation)."""
    kind = document_type(document.doc_type)
    organ = document.organ.short_name.strip()
    if kind.is_official_letter:
        unit = document.drafting_unit
        unit_abbreviation = unit.short_name.strip() if unit and unit.pk != document.organ_id else ""
        return Notation(number, organ, "", unit_abbreviation)
    return Notation(
        number, organ, kind.abbreviation, "", year if document.legal_normative else None
    )


def layout_for(
    document: Document, notation: Notation | None = None, issued_on: date | None = None
) -> compose.Layout:
    """The printed wording of `document`; the number and date blank until issue."""
    symbol = build_notation(document, 1, timezone.localdate().year).symbol
    place = document.place
    if issued_on is not None:
        date_line = place_date_line(place, issued_on)
    else:
        date_line = blank_date_line(place, timezone.localdate().year)
    kind = document_type(document.doc_type)
    authority = [
        f"{document.signing_marker} {line}".strip() if i == 0 else line
        for i, line in enumerate(document.on_behalf_of.splitlines() or [""])
    ]
    if document.signer_title:
        authority.append(document.signer_title.upper())
    unit = document.drafting_unit
    signer = document.signer
    return compose.Layout(
        parent_organ=document.organ.parent.name if document.organ.parent else "",
        organ=document.organ.name,
        number_line=number_line(notation, symbol=symbol),
        place_date_line=date_line,
        type_name="" if kind.is_official_letter else kind.name,
        summary=document.summary,
        urgency=""
        if document.urgency == Urgency.NORMAL
        else URGENCY_NAMES[Urgency(document.urgency)].upper(),
        body=[line.strip() for line in document.body.splitlines() if line.strip()],
        authority=[line.upper() for line in authority if line.strip()],
        signer_name=(signer.user.full_name or signer.user.username) if signer else "",
        recipients=[r.name for r in document.recipients.all()],
        archive_line=f"Lưu: VT, {unit.short_name}." if unit else "Lưu: VT.",
    )


def store_composed(document: Document, actor: Any) -> DocumentFile:
    data = compose.compose_docx(layout_for(document))
    return store_file(
        owner=document,
        kind=DocumentFile.Kind.DRAFT,
        name=COMPOSED_NAME,
        data=data,
        content_type=check_upload(COMPOSED_NAME, data).content_type,
        actor=actor,
    )


@transaction.atomic
def compose_from_template(
    *, document: Document, actor: Any, version: int | None = None
) -> DocumentFile:
    """(Re)generate the draft as a DOCX in the Decree 30 layout from the draft's fields and
    body; the number and date stay blank for the clerk. Raises NotEditable past the draft."""
    document = lock(document, version)
    editable(document)
    require_drafter(actor, document)
    stored = store_composed(document, actor)
    record(
        document,
        action="compose",
        from_state=document.state,
        actor=actor,
        at=now(),
        data={"file": stored.pk, "sha256": stored.sha256},
    )
    return stored
