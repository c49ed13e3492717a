"""Loads the demo official documents, after the directory (the demo accounts), the signing
keys (order 25) and the dossiers (order 30):

- at full scale first a year of documents in every organ's books (`yeardemo`: the seed
  report's 3,100,480, of which 2,946,000 moved electronically; `DEMO_YEAR_DOCUMENTS` sets
  another figure), so that the story's documents take the next numbers of the registers;
- at either scale the story (`documents.demo`) played by the real services.

Idempotent: the year is loaded once (its marker: `yeardemo.loaded`), the story played once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from tinhso.documents import demo
from tinhso.documents.models import Document, IncomingDocument
from tinhso.documents.yeardemo import generate as year


def _load_year(progress: Callable[..., Any]) -> list[str]:
    count = settings.DEMO_YEAR_DOCUMENTS
    if count <= 0:
        return []
    if year.loaded():
        return ["year of documents: 0 created (it is there)"]
    figures = year.generate(count, progress=progress)
    rate = count / figures["seconds"] if figures["seconds"] else 0.0
    return [
        f"year of documents: {figures['count']:,} in the books ({figures['outgoing']:,} "
        f"outgoing, {figures['incoming']:,} incoming, {figures['classified']:,} classified), "
        f"{figures['electronic']:,} moved electronically, {figures['in_flight']:,} in flight, "
        f"{figures['registers']:,} registers, in {figures['seconds']:.1f} s ({rate:,.0f}/s)",
    ]


def seed_documents(*, scale: str, progress: Callable[..., Any]) -> list[str]:
    lines = _load_year(progress) if scale == "full" else []
    before = (Document.objects.count(), IncomingDocument.objects.count())
    if not demo.generate():
        return [*lines, "documents: 0 created (the demo story is there, or no demo accounts)"]
    outgoing = Document.objects.count() - before[0]
    incoming = IncomingDocument.objects.count() - before[1]
    return [*lines, f"documents: {outgoing} outgoing, {incoming} incoming created"]
