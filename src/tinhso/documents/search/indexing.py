"""Keeping the search index current (ADR 0009).

`index` writes a document's entry and is called by `services.common.record`, so every action
on an outgoing or incoming document (drafted, edited, submitted, signed, issued, received,
registered, assigned, …) rewrites its entry in the action's own transaction. `store_file`
calls `extract_stored` (the file's text, once per content) and `index` again. A classified
document's entry holds its register metadata only: no body, no file is ever read for it.

Scanned PDFs are read by OCR after the commit, in a task (`tasks.ocr_file_task`), when
Tesseract with the Vietnamese model is installed; otherwise the entry carries the notice
"OCR skipped: Tesseract with Vietnamese not installed".
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.core import sql
from tinhso.directory.models import Organ
from tinhso.documents import selectors, textextract
from tinhso.documents.models import (
    Document,
    DocumentFile,
    ExtractedText,
    IncomingDocument,
    SearchEntry,
)
from tinhso.documents.search.text import fold, meta_text, notation_text
from tinhso.documents.types import ADMINISTRATIVE_TYPES, is_classified

logger = logging.getLogger(__name__)
Reason = textextract.Reason
FTS5 = "documents_searchentry_fts"  # SQLite (migration 0003)
MAX_CONTENT_CHARS = 400_000  # folded body and file text of one entry
TYPE_BY_NAME = {fold(t.name): t.key for t in ADMINISTRATIVE_TYPES}
ENTRY_FIELDS = [
    "organ",
    "drafting_unit",
    "assignee",
    "doc_type",
    "type_name",
    "dated",
    "notation",
    "number",
    "summary",
    "sender_name",
    "state",
    "urgency",
    "confidentiality",
    "meta",
    "signer",
    "content",
    "notices",
    "organ_path",
    "unit_path",
    "indexed_at",
]


def limits() -> textextract.Limits:
    """Extraction limits: the defaults, the file size limit of uploads, and
    DOCUMENT_TEXT_SECONDS / DOCUMENT_TEXT_MAX_CHARS when set."""
    defaults = textextract.Limits()
    return textextract.Limits(
        max_bytes=getattr(settings, "DOCUMENT_MAX_BYTES", defaults.max_bytes),
        seconds=getattr(settings, "DOCUMENT_TEXT_SECONDS", defaults.seconds),
        max_chars=getattr(settings, "DOCUMENT_TEXT_MAX_CHARS", defaults.max_chars),
    )


def _extract(sha256: str, data: bytes) -> ExtractedText:
    """The (unsaved) text row of one file. A scan is queued for OCR on commit when
    Tesseract with the Vietnamese model is installed, else marked `ocr_unavailable`."""
    result = textextract.extract_text(data, limits=limits())
    reason = result.reason
    if result.needs_ocr:
        if textextract.ocr_available():
            transaction.on_commit(lambda: _enqueue_ocr(sha256))
        else:
            reason = Reason.OCR_UNAVAILABLE
    if reason:
        logger.info("file %s: %s", sha256[:12], textextract.NOTICES[Reason(reason)])
    return ExtractedText(
        sha256=sha256,
        text=result.text,
        reason=reason,
        pages=result.pages,
        ocr=result.ocr,
        extracted_at=timezone.now(),
    )


def extract_stored(*, sha256: str, data: bytes) -> ExtractedText:
    """The text of a stored file, extracted once per content (SHA-256) within the limits.
    Never raises for a bad file: its row says why it has no text."""
    found = sql.select(ExtractedText, "WHERE sha256 = %s", [sha256])  # every file stored
    if found:
        return found[0]
    extracted = _extract(sha256, data)
    # Two transactions storing the same content at once: the first row wins, nobody fails.
    ExtractedText.objects.bulk_create([extracted], ignore_conflicts=True)
    return extracted


def extract_batch(contents: dict[str, bytes]) -> int:
    """`extract_stored` for many files (by SHA-256): one query finds those extracted
    already, one insert writes the others; how many were extracted now."""
    known = set(
        ExtractedText.objects.filter(sha256__in=list(contents)).values_list("sha256", flat=True)
    )
    rows = [_extract(sha, data) for sha, data in contents.items() if sha not in known]
    ExtractedText.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _enqueue_ocr(sha256: str) -> None:
    from tinhso.documents.tasks import ocr_file_task

    ocr_file_task.enqueue(sha256)


Texts = dict[str, ExtractedText]


def _files(
    documents: list[Document],
    incoming: list[IncomingDocument],
    received: dict[int, list[DocumentFile]] | None = None,
) -> tuple[dict[int, list[DocumentFile]], dict[int, list[DocumentFile]], Texts]:
    """The indexed files of each open outgoing document (what its recipients get,
    `selectors.delivered_from`) and of each open incoming one (as received, or what its
    origin delivered, as `selectors.incoming_files`), and their texts: three queries at most,
    whatever the number of documents. Classified documents get none. `received`: the files
    of incoming documents that the caller has just stored, all of them, not read again."""
    open_out = [d for d in documents if not is_classified(d.confidentiality)]
    open_in = [i for i in incoming if not is_classified(i.confidentiality)]
    document_ids = {d.pk for d in open_out} | {i.origin_id for i in open_in if i.origin_id}
    of_document: dict[int, list[DocumentFile]] = defaultdict(list)
    of_incoming: dict[int, list[DocumentFile]] = defaultdict(list)
    for pk, files in (received or {}).items():
        of_incoming[pk] = sorted(files, key=lambda stored: stored.pk)
    received_ids = [i.pk for i in open_in if not i.origin_id and i.pk not in of_incoming]
    if document_ids:
        for stored in DocumentFile.objects.filter(document_id__in=document_ids).order_by("-pk"):
            of_document[stored.document_id].append(stored)
    if received_ids:
        for stored in DocumentFile.objects.filter(incoming_id__in=received_ids).order_by("pk"):
            of_incoming[stored.incoming_id].append(stored)
    outgoing_files = {d.pk: selectors.delivered_from(of_document[d.pk]) for d in open_out}
    incoming_files = {
        i.pk: selectors.delivered_from(of_document[i.origin_id])
        if i.origin_id
        else of_incoming[i.pk]
        for i in open_in
    }
    shas = {
        f.sha256 for files in (*outgoing_files.values(), *incoming_files.values()) for f in files
    }
    texts: Texts = {}
    if shas:
        condition, params = sql.in_list("sha256", sorted(shas))
        texts = {e.sha256: e for e in sql.select(ExtractedText, f"WHERE {condition}", params)}
    return outgoing_files, incoming_files, texts


def _content(
    body: str, files: list[DocumentFile], texts: Texts
) -> tuple[str, list[dict[str, str]]]:
    """The folded body and file texts, and the notices of files whose text is missing or
    partial."""
    parts, notices = [fold(body)], []
    for stored in files:
        found = texts.get(stored.sha256)
        if found is None:
            continue  # stored before the index existed: `documents_reindex --extract`
        parts.append(fold(found.text))
        if found.reason:
            reason = Reason(found.reason)
            notices.append(
                {
                    "file": stored.original_name,
                    "code": reason.value,
                    "text": textextract.NOTICES[reason],
                }
            )
    return "\n".join(p for p in parts if p)[:MAX_CONTENT_CHARS], notices


def outgoing_values(
    document: Document, files: list[DocumentFile] | None = None, texts: Texts | None = None
) -> dict[str, Any]:
    """The entry of an outgoing document: its metadata, and for an open one its body and the
    text of the files its recipients get (`files`, read when not given)."""
    organ, unit, signer = document.organ, document.drafting_unit, document.signer
    content, notices = "", []
    if not is_classified(document.confidentiality):
        if files is None or texts is None:
            by_document, _by_incoming, texts = _files([document], [])
            files = by_document[document.pk]
        content, notices = _content(document.body, files, texts)
    created = document.created_at or timezone.now()
    return {
        "direction": SearchEntry.Direction.OUTGOING,
        "document": document,
        "organ": organ,
        "drafting_unit": unit,
        "assignee": None,
        "doc_type": document.doc_type,
        "type_name": document.type_name,
        "dated": document.issued_on or timezone.localtime(created).date(),
        "notation": document.notation,
        "number": document.number,
        "summary": document.summary,
        "sender_name": "",
        "state": document.state,
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "meta": "\n".join(
            [
                notation_text(document.notation),
                meta_text(
                    [
                        document.type_name,
                        document.summary,
                        organ.name,
                        organ.short_name,
                        unit.name if unit else "",
                        unit.short_name if unit else "",
                    ]
                ),
            ]
        ).strip(),
        "signer": fold(signer.user.full_name or signer.user.username) if signer else "",
        "content": content,
        "notices": notices,
        "organ_path": organ.tree_path,
        "unit_path": unit.tree_path if unit else "",
        "indexed_at": timezone.now(),
    }


def incoming_values(
    incoming: IncomingDocument,
    files: list[DocumentFile] | None = None,
    texts: Texts | None = None,
) -> dict[str, Any]:
    """The entry of an incoming document: its register metadata, and for an open one the
    text of its files (as received, or those its origin on this platform delivered; read
    when not given)."""
    organ = incoming.organ
    content, notices = "", []
    if not is_classified(incoming.confidentiality):
        if files is None or texts is None:
            _by_document, by_incoming, texts = _files([], [incoming])
            files = by_incoming[incoming.pk]
        content, notices = _content("", files, texts)
    return {
        "direction": SearchEntry.Direction.INCOMING,
        "incoming": incoming,
        "organ": organ,
        "drafting_unit": None,
        "assignee": incoming.assignee,
        "doc_type": TYPE_BY_NAME.get(fold(incoming.type_name), ""),
        "type_name": incoming.type_name,
        "dated": incoming.sender_date or timezone.localtime(incoming.arrived_at).date(),
        "notation": incoming.sender_notation,
        "number": incoming.number,
        "summary": incoming.summary,
        "sender_name": incoming.sender_name,
        "state": incoming.state,
        "urgency": incoming.urgency,
        "confidentiality": incoming.confidentiality,
        "meta": "\n".join(
            [
                notation_text(incoming.sender_notation),
                meta_text(
                    [
                        incoming.type_name,
                        incoming.summary,
                        incoming.sender_name,
                        organ.name,
                        organ.short_name,
                    ]
                ),
            ]
        ).strip(),
        "signer": fold(incoming.signer_name),
        "content": content,
        "notices": notices,
        "organ_path": organ.tree_path,
        "unit_path": "",
        "indexed_at": timezone.now(),
    }


def organ_moved(organ: Organ) -> int:
    """Bring the organ paths of the entries of `organ` (as issuing or receiving organ and as
    drafting unit) to its `tree_path` after it moved in the tree (the search asks a
    subtree's facet of them); how many entries changed."""
    path = organ.tree_path
    entries = SearchEntry.objects.all()
    moved = entries.filter(organ=organ).exclude(organ_path=path).update(organ_path=path)
    return moved + entries.filter(drafting_unit=organ).exclude(unit_path=path).update(
        unit_path=path
    )


def _upsert(entries: list[SearchEntry], unique: str) -> None:
    """One statement per 500 entries; one entry (every action on a document) by fixed SQL."""
    for start in range(0, len(entries), 500):
        sql.upsert(entries[start : start + 500], unique=unique, update_fields=ENTRY_FIELDS)


def index(obj: Document | IncomingDocument, *, received: list[DocumentFile] | None = None) -> None:
    """Write the entry of an outgoing or incoming document in the caller's transaction (its
    files and their texts read, then one upsert). `received`: every file of an incoming
    document, just stored by the caller (a document arriving), not read again."""
    if isinstance(obj, Document):
        index_many([obj], [])
    else:
        index_many([], [obj], received={obj.pk: received} if received is not None else None)


def index_many(
    documents: Iterable[Document] = (),
    incoming: Iterable[IncomingDocument] = (),
    *,
    received: dict[int, list[DocumentFile]] | None = None,
) -> int:
    """Write the entries of many documents with a handful of queries (batch ingest,
    `documents_reindex`); how many. `received`: as `_files`."""
    documents, incoming = list(documents), list(incoming)
    out_files, in_files, texts = _files(documents, incoming, received)
    outgoing_entries = [
        SearchEntry(**outgoing_values(d, out_files.get(d.pk, []), texts)) for d in documents
    ]
    incoming_entries = [
        SearchEntry(**incoming_values(i, in_files.get(i.pk, []), texts)) for i in incoming
    ]
    if outgoing_entries:
        _upsert(outgoing_entries, "document")
    if incoming_entries:
        _upsert(incoming_entries, "incoming")
    return len(outgoing_entries) + len(incoming_entries)


def owners_of(sha256: str) -> tuple[list[Document], list[IncomingDocument]]:
    """The documents holding a file with this content, and the incoming ones that hold it or
    received it from its origin."""
    documents = list(
        Document.objects.filter(files__sha256=sha256)
        .distinct()
        .select_related("organ", "drafting_unit", "signer__user")
    )
    incoming = list(
        IncomingDocument.objects.filter(
            Q(files__sha256=sha256) | Q(origin__in=[d.pk for d in documents])
        )
        .distinct()
        .select_related("organ", "origin", "assignee")
    )
    return documents, incoming


def read_stored(stored: DocumentFile) -> bytes:
    with stored.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def ocr_file(*, sha256: str, run: Callable[[bytes], textextract.Extracted] | None = None) -> str:
    """Read a scanned file with OCR and re-index the documents holding it. Idempotent: a file
    read already, or no longer waiting, is left alone. Returns the resulting reason code
    ("" for text read in full)."""
    waiting = ExtractedText.objects.filter(sha256=sha256, ocr=False).first()
    if waiting is None or waiting.reason not in (Reason.NO_TEXT, Reason.OCR_UNAVAILABLE):
        return "skipped"
    stored = DocumentFile.objects.filter(sha256=sha256).first()
    if stored is None:
        return "skipped"
    result = (run or (lambda data: textextract.ocr_pdf(data, limits=limits())))(read_stored(stored))
    if result.reason in (Reason.OCR_UNAVAILABLE, Reason.OCR_FAILED) and not result.text:
        ExtractedText.objects.filter(pk=waiting.pk).update(reason=result.reason)
    else:
        text = "\n".join(t for t in (waiting.text, result.text) if t)
        ExtractedText.objects.filter(pk=waiting.pk).update(
            text=text, reason=result.reason, pages=max(waiting.pages, result.pages), ocr=True
        )
    with transaction.atomic():
        documents, incoming = owners_of(sha256)
        index_many(documents, incoming)
    return str(result.reason)


def extract_missing(documents: Iterable[Document], incoming: Iterable[IncomingDocument]) -> int:
    """Extract the text of the files of these documents that have none yet (stored before
    the index existed); a file missing from storage is skipped with a warning. How many."""
    files: dict[str, DocumentFile] = {}
    for document in documents:
        if not is_classified(document.confidentiality):
            files.update((f.sha256, f) for f in document.files.all())
    for received in incoming:
        if not is_classified(received.confidentiality):
            files.update((f.sha256, f) for f in received.files.all())
    known = set(ExtractedText.objects.filter(sha256__in=files).values_list("sha256", flat=True))
    done = 0
    for sha256, stored in files.items():
        if sha256 in known:
            continue
        try:
            data = read_stored(stored)
        except OSError as error:
            logger.warning("file %s (%s) not readable: %s", stored.pk, sha256[:12], error)
            continue
        extract_stored(sha256=sha256, data=data)
        done += 1
    return done


def reindex(
    *, extract: bool = False, batch: int = 500, progress: Callable[..., Any] | None = None
) -> dict[str, int]:
    """Rewrite the entry of every document, in batches of `batch` per transaction (with
    `extract`, first extracting the files that have no text yet); on SQLite, rebuild the FTS5
    table from the entries afterwards. Idempotent."""
    counts = {"outgoing": 0, "incoming": 0, "extracted": 0}
    wrap = progress or (lambda iterable, **_kw: iterable)
    sources: list[tuple[str, Any]] = [
        (
            "outgoing",
            Document.objects.select_related("organ", "drafting_unit", "signer__user"),
        ),
        ("incoming", IncomingDocument.objects.select_related("organ", "origin", "assignee")),
    ]
    for name, queryset in sources:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in wrap(range(0, len(ids), batch), desc=name, total=-(-len(ids) // batch)):
            chunk = list(
                queryset.filter(pk__in=ids[start : start + batch]).prefetch_related("files")
            )
            with transaction.atomic():
                if extract:
                    pair = (chunk, []) if name == "outgoing" else ([], chunk)
                    counts["extracted"] += extract_missing(*pair)
                pair = (chunk, []) if name == "outgoing" else ([], chunk)
                counts[name] += index_many(*pair)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS5])
            if cursor.fetchone():
                cursor.execute(f"INSERT INTO {FTS5}({FTS5}) VALUES ('rebuild')")  # noqa: S608
    return counts


def queue_ocr() -> int:
    """Queue OCR for every scan still without it (stored before Tesseract with the Vietnamese
    model was installed); none when it still is not. How many were queued."""
    if not textextract.ocr_available():
        return 0
    waiting = ExtractedText.objects.filter(
        ocr=False, reason__in=[Reason.NO_TEXT, Reason.OCR_UNAVAILABLE]
    ).values_list("sha256", flat=True)
    queued = 0
    for sha256 in waiting.iterator():
        _enqueue_ocr(sha256)
        queued += 1
    return queued
