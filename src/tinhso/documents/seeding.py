"""Loads the demo official documents (`documents.demo`): the same story at either scale, after
the directory (the demo accounts), the signing keys (order 25) and the dossiers (order 30).
Idempotent: the story is played once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinhso.documents import demo
from tinhso.documents.models import Document, IncomingDocument


def seed_documents(*, scale: str, progress: Callable[..., Any]) -> list[str]:
    before = (Document.objects.count(), IncomingDocument.objects.count())
    if not demo.generate():
        return ["documents: 0 created (the demo story is there, or no demo accounts)"]
    outgoing = Document.objects.count() - before[0]
    incoming = IncomingDocument.objects.count() - before[1]
    return [f"documents: {outgoing} outgoing, {incoming} incoming created"]
