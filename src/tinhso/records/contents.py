"""What a record's items say in its contents list (mục lục văn bản, Decree 30/2020 Annex V):
number and notation, date, type and summary, author, pages, note; and which stored files
each item brings to the archive package. Reads the documents app (selectors and models)
and never writes to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.documents import filecheck
from tinhso.documents.models import DocumentFile
from tinhso.documents.selectors import delivered_files, incoming_files
from tinhso.documents.states import IncomingState
from tinhso.records.models import RecordItem, WorkRecord
from tinhso.records.pages import count_pages

KINDS = {filecheck.PDF: "pdf", filecheck.DOCX: "docx"}
# Incoming documents not registered (arrived only) or refused are not papers of the organ's
# work: they cannot be filed.
FILEABLE_INCOMING = frozenset(
    {
        IncomingState.REGISTERED,
        IncomingState.ASSIGNED,
        IncomingState.IN_HANDLING,
        IncomingState.COMPLETED,
    }
)


@dataclass(frozen=True)
class StoredFile:
    """A file an item brings: its stored content, original name and type."""

    field: FieldFile
    name: str
    content_type: str

    def open(self) -> IO[bytes]:
        handle: IO[bytes] = self.field.storage.open(self.field.name, "rb")
        return handle


def items_of(record: WorkRecord) -> list[RecordItem]:
    """The record's items in their order, with their documents."""
    return list(
        record.items.select_related(
            "document__organ", "incoming__organ", "incoming__origin"
        ).order_by("order", "pk")
    )


def item_date(item: RecordItem) -> date | None:
    """The date of the paper: an outgoing document's issue date, an incoming document's own
    date (or the day it arrived), the date given for a note or attachment."""
    if item.document is not None:
        return item.document.issued_on
    if item.incoming is not None:
        return item.incoming.sender_date or timezone.localtime(item.incoming.arrived_at).date()
    return item.item_date


def item_facts(item: RecordItem) -> dict[str, Any]:
    """One line of the contents list, as JSON values."""
    when = item_date(item)
    facts: dict[str, Any] = {
        "item": item.pk,
        "order": item.order,
        "kind": item.kind,
        "date": when.isoformat() if when else None,
        "pages": item.pages,
    }
    document, incoming = item.document, item.incoming
    if document is not None:
        facts |= {
            "notation": document.notation,
            "type_name": document.type_name,
            "summary": document.summary,
            "author": document.organ.name,
            "note": "",
        }
    elif incoming is not None:
        facts |= {
            "notation": incoming.sender_notation
            or _("Số đến %(n)s") % {"n": incoming.number or "—"},
            "type_name": incoming.type_name,
            "summary": incoming.summary,
            "author": incoming.sender_name,
            "note": _("Văn bản đến số %(n)s") % {"n": incoming.number or "—"},
        }
    else:
        facts |= {
            "notation": "",
            "type_name": str(RecordItem.Kind(item.kind).label),
            "summary": item.title,
            "author": item.added_by.full_name if item.added_by else "",
            "note": item.text[:1000],
        }
    return facts


def contents_of(record: WorkRecord) -> list[dict[str, Any]]:
    """The contents list: as fixed at closing once closed, as it stands while open."""
    if record.state != "open" and record.contents:
        return list(record.contents)
    return [item_facts(item) for item in items_of(record)]


def _document_files(files: Iterable[DocumentFile]) -> list[StoredFile]:
    return [StoredFile(f.file, f.original_name, f.content_type) for f in files]


def files_of(item: RecordItem) -> list[StoredFile]:
    """The stored files of an item: what the recipients of an outgoing document got (the
    issued copy, or the signed one, and appendices), what an incoming document came with,
    an attachment's own file; none for a note."""
    if item.document is not None:
        return _document_files(delivered_files(item.document))
    if item.incoming is not None:
        return _document_files(incoming_files(item.incoming))
    if item.kind == RecordItem.Kind.ATTACHMENT and item.file:
        return [StoredFile(item.file, item.original_name, item.content_type)]
    return []


def pages_of(files: Iterable[StoredFile]) -> int | None:
    """The pages of all `files` together, or None when one of them cannot be counted (or
    there is no file)."""
    total, counted = 0, False
    for stored in files:
        kind = KINDS.get(stored.content_type)
        if kind is None:
            return None
        with stored.open() as handle:
            pages = count_pages(handle, kind)
        if pages is None:
            return None
        total, counted = total + pages, True
    return total if counted else None
