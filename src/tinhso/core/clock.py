"""The moment of an action: the current time, or the moment `acting_at` sets for the code
inside it (the demo loaders replay their stories at the hours they happened; never for user
actions). One context for every app, so that a story crossing apps keeps one clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_acting_at: ContextVar[datetime | None] = ContextVar("tinhso_acting_at", default=None)


def now() -> datetime:
    """The current time, or the one `acting_at` sets."""
    moment = _acting_at.get()
    return moment if moment is not None else timezone.now()


@contextmanager
def acting_at(moment: datetime) -> Iterator[None]:
    """Run the code inside as if at `moment` (timezone-aware, in the past)."""
    if timezone.is_naive(moment):
        raise ValueError("acting_at needs a timezone-aware moment")
    token = _acting_at.set(moment)
    try:
        yield
    finally:
        _acting_at.reset(token)
