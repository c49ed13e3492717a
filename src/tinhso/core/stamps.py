"""Per-process caches of reference data, invalidated through a database stamp.

Reference data (administrative units, organs, the procedure catalogue) changes rarely and only
through imports, the seed or the admin, which call `bump(name)` in their transaction. A
`StampedCache` reads the stamp with one small SQL query at most every `recheck` seconds
(setting `STAMP_RECHECK_SECONDS`, 1 s by default, 0 in tests) and empties itself when the stamp
moved: a change is seen everywhere within that delay, and a hit costs no query.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import F

from tinhso.core.models import DataStamp

T = TypeVar("T")


def bump(name: str) -> None:
    """Mark the data `name` as changed (in the caller's transaction)."""
    if not DataStamp.objects.filter(name=name).update(version=F("version") + 1):
        _stamp, created = DataStamp.objects.get_or_create(name=name, defaults={"version": 1})
        if not created:  # made by someone else in between
            DataStamp.objects.filter(name=name).update(version=F("version") + 1)


def read(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {DataStamp._meta.db_table} WHERE name = %s", [name])  # noqa: S608 (table name is ours)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


class StampedCache:
    """A bounded LRU of computed values, emptied when the stamp `name` moves."""

    _all: weakref.WeakSet[StampedCache] = weakref.WeakSet()

    def __init__(self, name: str, *, maxsize: int = 4096) -> None:
        self.name, self.maxsize = name, maxsize
        StampedCache._all.add(self)
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._version: int | None = None
        self._checked = 0.0

    def _refresh(self) -> None:
        recheck = getattr(settings, "STAMP_RECHECK_SECONDS", 1.0)
        now = time.monotonic()
        if self._version is not None and now - self._checked < recheck:
            return
        version = read(self.name)
        with self._lock:
            if version != self._version:
                self._values.clear()
                self._version = version
            self._checked = now

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of `key`, computing (and keeping) it on a miss. Exceptions from
        `compute` propagate and nothing is kept."""
        self._refresh()
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._values[key] = value
            if len(self._values) > self.maxsize:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._version = None

    @classmethod
    def clear_all(cls) -> None:
        """Empty every cache of the process (tests: a rolled-back database reuses stamps)."""
        for cache in list(cls._all):
            cache.clear()
