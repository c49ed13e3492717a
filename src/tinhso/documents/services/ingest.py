"""Ingest: many incoming documents recorded and registered at once, with their files stored,
their text extracted and indexed. For a stack of paper documents scanned together, or an import
from the province's previous document system; one transaction per batch instead of one per
document, with the same rows `receive_paper` writes for each."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.core.models import AuditEntry
from tinhso.core.services import audit_entry
from tinhso.directory.models import Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.documents import hooks
from tinhso.documents.models import DocumentEvent, DocumentFile, IncomingDocument
from tinhso.documents.search import indexing
from tinhso.documents.services.common import (
    DocumentError,
    check_upload,
    now,
    require,
    take_number,
)
from tinhso.documents.services.incoming import _check_sender
from tinhso.documents.states import IncomingState, status_code
from tinhso.documents.types import Urgency

MAX_BATCH = 500
URGENCIES = frozenset(u.value for u in Urgency)


@dataclass(frozen=True)
class IncomingItem:
    """One document of a batch: what the clerk records for a paper document, and its scan
    or electronic copy (DOCX/PDF files)."""

    sender_name: str
    summary: str
    sender_identifier: str = ""
    sender_notation: str = ""
    sender_date: date | None = None
    type_name: str = ""
    signer_name: str = ""
    urgency: str = Urgency.NORMAL
    files: Sequence[tuple[str, bytes]] = ()


def _check(items: Sequence[IncomingItem]) -> list[list[str]]:
    """The content type of every file, by item; or DocumentError naming `items.<i>.<field>`
    for everything wrong in the batch."""
    if not items or len(items) > MAX_BATCH:
        raise DocumentError(
            {"items": [_("Mỗi lần vào sổ từ 1 đến %(n)s văn bản.") % {"n": MAX_BATCH}]}
        )
    errors: dict[str, list[str]] = {}
    types: list[list[str]] = []
    for i, item in enumerate(items):
        try:
            _check_sender(item.sender_name, item.sender_identifier, item.summary)
        except DocumentError as error:
            errors |= {f"items.{i}.{f}": m for f, m in error.message_dict.items()}
        if item.urgency not in URGENCIES:
            errors[f"items.{i}.urgency"] = [_("Độ khẩn không hợp lệ.")]
        kinds = []
        for j, (name, data) in enumerate(item.files):
            try:
                kinds.append(check_upload(name, data, field=f"items.{i}.files.{j}").content_type)
            except DocumentError as error:
                errors |= error.message_dict
        types.append(kinds)
    if errors:
        raise DocumentError(errors)
    return types


def _store_received(
    documents: Sequence[IncomingDocument],
    items: Sequence[IncomingItem],
    content_types: list[list[str]],
    user: Any,
) -> dict[int, list[DocumentFile]]:
    """Store the files of each new document (its item's, of the content types checked) and
    insert their rows in one statement; the files by document."""
    files: dict[int, list[DocumentFile]] = {}
    for document, item, types in zip(documents, items, content_types, strict=True):
        for (name, data), content_type in zip(item.files, types, strict=True):
            stored = DocumentFile(
                incoming=document,
                kind=DocumentFile.Kind.RECEIVED,
                original_name=name[:255],
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=user,
            )
            stored.file.save(stored.sha256, ContentFile(data), save=False)
            files.setdefault(document.pk, []).append(stored)
    DocumentFile.objects.bulk_create([f for group in files.values() for f in group])
    return files


def _audit(incoming: IncomingDocument, action: str, actor: Any, data: dict[str, Any]) -> AuditEntry:
    """The audit row `core.services.audit_record` writes, built for a bulk insert."""
    return audit_entry(action=f"incoming_document.{action}", obj=incoming, actor=actor, data=data)


@transaction.atomic
def ingest_incoming(
    *, organ: Organ, actor: Any, items: Sequence[IncomingItem]
) -> list[IncomingDocument]:
    """Record and register a batch of open (not classified) incoming documents that arrived
    on paper or come from another system. Every item is checked as `receive_paper` checks one;
    then, in this one transaction, each gets the next number of the organ's incoming register
    in the order given (gapless), status 03, its files stored and their text extracted (once
    per content, never failing on a bad file), its history (arrive, register), its audit
    entries and its search entry.

    Raises PermissionError for anyone but the organ's clerk, DocumentError naming
    `items.<i>.<field>` for every bad value (and `items` for an empty batch or one of more
    than MAX_BATCH documents); nothing is written then. Classified documents are registered
    one by one (`receive_paper`): they carry no file, and their entries are metadata only."""
    require(actor, Permission.REGISTER_DOCUMENT, organ)
    content_types = _check(items)
    contents = {hashlib.sha256(data).hexdigest(): data for i in items for _n, data in i.files}
    indexing.extract_batch(contents)  # the slow part, before the register's row is locked
    at = now()
    register, first = take_number(
        organ=organ, kind="incoming", classified=False, at=at, count=len(items)
    )
    user = actor if getattr(actor, "pk", None) else None
    documents = [
        IncomingDocument(
            organ=organ,
            source=IncomingDocument.Source.SCAN,
            sender_name=item.sender_name.strip(),
            sender_identifier=item.sender_identifier,
            sender_notation=item.sender_notation.strip(),
            sender_date=item.sender_date,
            type_name=item.type_name.strip(),
            summary=item.summary.strip(),
            signer_name=item.signer_name.strip(),
            urgency=item.urgency,
            arrived_at=at,
            state=IncomingState.REGISTERED,
            register=register,
            number=first + i,
            registered_at=at,
            registered_by=user,
            version=2,  # arrived, then registered: two actions, as `receive_paper` counts them
        )
        for i, item in enumerate(items)
    ]
    IncomingDocument.objects.bulk_create(documents)  # primary keys come back (PG, SQLite)
    events, audits = [], []
    for document in documents:
        events += [
            DocumentEvent(
                incoming=document, at=at, actor=user, action="arrive", from_state="",
                to_state=IncomingState.ARRIVED,
            ),
            DocumentEvent(
                incoming=document, at=at, actor=user, action="register",
                from_state=IncomingState.ARRIVED, to_state=IncomingState.REGISTERED,
                data={"number": document.number},
            ),
        ]  # fmt: skip
        audits += [
            _audit(document, "arrive", actor, {}),
            _audit(document, "register", actor, {"number": document.number}),
        ]
    DocumentEvent.objects.bulk_create(events)
    AuditEntry.objects.bulk_create(audits)
    _store_received(documents, items, content_types, user)
    indexing.index_many(incoming=documents)
    arrived, registered = status_code(IncomingState.ARRIVED), status_code(IncomingState.REGISTERED)
    # as `receive_paper` reports each step: 01, then 03
    hooks.announce_statuses([(d.pk, code) for d in documents for code in (arrived, registered)])
    return documents


@dataclass(frozen=True)
class ExchangeArrival:
    """A document package for one organ of this platform: what `receive_from_exchange`
    takes (the exchange's reference, the package's fields and its attachments)."""

    organ: Organ
    exchange_ref: str
    item: IncomingItem


def receive_many_from_exchange(
    arrivals: Sequence[ExchangeArrival],
) -> list[tuple[IncomingDocument, bool]]:
    """`receive_from_exchange` for many packages at once (a batch of the exchange's apply
    worker), in the caller's transaction: each is checked as there, then all are written
    with one statement per table (documents, history, audit, files, search entries) and
    status 01 is announced for each (`hooks.announce_statuses`: one outbox write for all).
    A package received already by its organ gives that document and False, as there.

    Raises DocumentError naming `items.<i>.<field>` for every bad value, before anything is
    written; IntegrityError when another transaction received one of them meanwhile (the
    caller applies each on its own then). The files' texts are extracted by the caller
    beforehand (`indexing.extract_batch`, in a transaction of its own: workers share them);
    any still missing are extracted here."""
    if not arrivals:
        return []
    items = [a.item for a in arrivals]
    errors = {
        f"items.{i}.exchange_ref": [_("Thiếu mã gói tin.")]
        for i, a in enumerate(arrivals)
        if not a.exchange_ref.strip()
    }
    try:
        content_types = _check(items)
    except DocumentError as error:
        raise DocumentError(error.message_dict | errors) from None
    if errors:
        raise DocumentError(errors)
    known = {
        (found.organ_id, found.exchange_ref): found
        for found in IncomingDocument.objects.filter(
            exchange_ref__in={a.exchange_ref for a in arrivals}
        )
    }
    results = {
        i: (known[(a.organ.pk, a.exchange_ref)], False)
        for i, a in enumerate(arrivals)
        if (a.organ.pk, a.exchange_ref) in known
    }
    new = [i for i in range(len(arrivals)) if i not in results]
    if not new:
        return [results[i] for i in range(len(arrivals))]
    indexing.extract_batch(
        {hashlib.sha256(data).hexdigest(): data for i in new for _n, data in items[i].files}
    )
    at = now()
    documents = [
        IncomingDocument(
            organ=arrivals[i].organ,
            source=IncomingDocument.Source.EXCHANGE,
            exchange_ref=arrivals[i].exchange_ref,
            sender_name=items[i].sender_name.strip(),
            sender_identifier=items[i].sender_identifier,
            sender_notation=items[i].sender_notation.strip(),
            sender_date=items[i].sender_date,
            type_name=items[i].type_name.strip(),
            summary=items[i].summary.strip(),
            signer_name=items[i].signer_name.strip(),
            urgency=items[i].urgency,
            arrived_at=at,
            version=1,  # arrived: one action, as `receive_from_exchange` counts it
        )
        for i in new
    ]
    IncomingDocument.objects.bulk_create(documents)  # primary keys come back (PG, SQLite)
    sql.insert(
        [
            DocumentEvent(
                incoming=d, at=at, actor=None, action="arrive", from_state="", to_state=d.state
            )
            for d in documents
        ]
    )
    sql.insert([_audit(d, "arrive", None, {}) for d in documents])
    files = _store_received(
        documents, [items[i] for i in new], [content_types[i] for i in new], None
    )
    indexing.index_many(incoming=documents, received={d.pk: files.get(d.pk, []) for d in documents})
    arrived = status_code(IncomingState.ARRIVED)
    hooks.announce_statuses([(d.pk, arrived) for d in documents])
    results.update((i, (document, True)) for i, document in zip(new, documents, strict=True))
    return [results[i] for i in range(len(arrivals))]
