"""Background work of documents (Django Tasks)."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from tinhso.documents.deadlines import watch_deadlines


@task()
def watch_document_deadlines_task(at: str | None = None) -> dict[str, int]:
    """Run the reminder watch (`deadlines.watch_deadlines`) as of `at` (ISO 8601 with its
    offset) or now. Idempotent: reminders already given are not given again."""
    return watch_deadlines(datetime.fromisoformat(at) if at else None).as_dict()


@task()
def ocr_file_task(sha256: str) -> str:
    """Read a scanned file (by its SHA-256) with Tesseract and re-index the documents holding
    it (`search.indexing.ocr_file`). Idempotent: a file read already is left alone."""
    from tinhso.documents.search.indexing import ocr_file

    return ocr_file(sha256=sha256)
