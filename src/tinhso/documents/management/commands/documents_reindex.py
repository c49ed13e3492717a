"""`tinhso documents_reindex`: rebuild the search index of official documents."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from tinhso.documents import textextract
from tinhso.documents.search import indexing


class Command(BaseCommand):
    help = (
        "Rewrite the search entry of every outgoing and incoming document (idempotent); "
        "with --extract, first extract the text of files that have none yet; with --ocr, "
        "queue OCR for scans once Tesseract with Vietnamese is installed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--extract",
            action="store_true",
            help="extract the text of stored files that have none yet (files stored before "
            "the index existed)",
        )
        parser.add_argument(
            "--ocr",
            action="store_true",
            help="queue OCR for scans stored before Tesseract with Vietnamese was installed",
        )
        parser.add_argument("--batch", type=int, default=500, help="documents per transaction")
        parser.add_argument("--no-progress", action="store_true", help="hide progress bars")

    def handle(
        self, *args: Any, extract: bool, ocr: bool, batch: int, no_progress: bool, **options: Any
    ) -> None:
        started = time.monotonic()

        def progress(iterable: Any, *, total: int | None = None, desc: str = "") -> Any:
            return tqdm(
                iterable, total=total, desc=desc, disable=no_progress, unit=" lô", leave=False
            )

        counts = indexing.reindex(extract=extract, batch=max(batch, 1), progress=progress)
        if ocr:
            queued = indexing.queue_ocr()
            self.stdout.write(
                f"OCR queued for {queued} scans."
                if textextract.ocr_available()
                else "OCR skipped: Tesseract with Vietnamese not installed."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {counts['outgoing']} outgoing and {counts['incoming']} incoming "
                f"documents ({counts['extracted']} files extracted) in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
