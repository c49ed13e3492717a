"""Registry of the model fields that reference stored files, and the sweep of orphan files
(`tinhso sweep_files`, a periodic job).

A stored file becomes an orphan when the transaction that was to reference it rolls back
after the file was written (files reach the storage before their row commits), or when a
deferred deletion (`transaction.on_commit`) never ran. Each app registers its file fields
in `AppConfig.ready` with the folder of the storage its files go to, so core never imports
an app above it.

The sweep walks only the registered folders: a file elsewhere (the development CA's key,
a future app's folder) is never looked at. A file is an orphan when no registered field of
its storage names it and it is older than the grace period (a younger one may belong to a
transaction still running). On the local disk it never follows a symbolic link nor touches
a path that resolves outside the storage's root. Deletion re-checks the references just
before, and is refused when the orphans outnumber the referenced files (more than
`SUSPICIOUS_ORPHANS`): the media root paired with the wrong database, say, which `force`
overrides.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage
from django.utils import timezone

BATCH = 500  # names looked up per query
SUSPICIOUS_ORPHANS = 100
DEFAULT_GRACE = timedelta(hours=24)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 3600}


@dataclass(frozen=True)
class FileReference:
    """`model` ("app_label.Model") has a file field `field` whose files are stored under
    `prefix` ("records/") of the field's storage."""

    model: str
    field: str
    prefix: str


_FIELDS: dict[tuple[str, str], FileReference] = {}


def register(*, model: str, field: str, prefix: str) -> None:
    """Declare that `model.field` references files stored under `prefix` (a relative folder
    ending with "/"). Raises ValueError for a prefix that could reach the whole storage or
    leave it."""
    parts = prefix.split("/")
    if not prefix.endswith("/") or prefix.startswith("/") or ".." in parts or "\\" in prefix:
        raise ValueError(f"prefix must be a relative folder ending with '/': {prefix!r}")
    if not prefix.strip("/"):
        raise ValueError("prefix must not be the storage root")
    _FIELDS[(model, field)] = FileReference(model, field, prefix)


def registered() -> list[FileReference]:
    return sorted(_FIELDS.values(), key=lambda r: (r.model, r.field))


def parse_duration(text: str) -> timedelta:
    """ "24h", "90m", "2d", "3600s" or a number of hours ("24"); ValueError otherwise."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r} (e.g. 24h, 90m, 2d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass
class SweepResult:
    """What one sweep saw: every file under the registered folders (`scanned`), those a
    field references, those younger than the grace period, the orphans and what was
    deleted; `skipped` are entries never looked into (symbolic links, paths resolving
    outside the root, files gone while walking)."""

    deleted_mode: bool = False
    scanned: int = 0
    scanned_bytes: int = 0
    referenced: int = 0
    young: int = 0
    orphans: list[tuple[str, int]] = field(default_factory=list)
    deleted: int = 0
    deleted_bytes: int = 0
    skipped: list[str] = field(default_factory=list)
    refused: str = ""

    @property
    def orphan_bytes(self) -> int:
        return sum(size for _name, size in self.orphans)

    def summary(self) -> str:
        line = (
            f"{self.scanned} file(s) ({self.scanned_bytes} bytes) under the registered "
            f"folders: {self.referenced} referenced, {self.young} within the grace period, "
            f"{len(self.orphans)} orphan(s) ({self.orphan_bytes} bytes)"
        )
        if self.refused:
            return f"{line}; deletion refused: {self.refused}"
        if self.deleted_mode:
            return f"{line}; {self.deleted} deleted ({self.deleted_bytes} bytes)"
        return f"{line}; dry run, nothing deleted"


def _local_root(storage: Storage) -> str | None:
    """The real path of a local storage's root, or None for a remote one (object storage
    has no links to follow and no "outside")."""
    if isinstance(storage, FileSystemStorage):
        return os.path.realpath(storage.location)
    return None


def _is_safe(storage: Storage, root: str | None, name: str) -> bool:
    """Not a symbolic link, and within the local root once every link is resolved."""
    if root is None:
        return True
    try:
        path = storage.path(name)
    except SuspiciousFileOperation:  # outside the location
        return False
    if os.path.islink(path):
        return False
    return os.path.realpath(path).startswith(root + os.sep)


def _walk(storage: Storage, folder: str, root: str | None, skipped: list[str]) -> Iterator[str]:
    """The files under `folder` (relative names with "/"), depth first, in name order."""
    try:
        directories, files = storage.listdir(folder.rstrip("/"))
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        path = f"{folder}{name}"
        if _is_safe(storage, root, path):
            yield path
        else:
            skipped.append(path)
    for name in sorted(directories):
        path = f"{folder}{name}/"
        if _is_safe(storage, root, path.rstrip("/")):
            yield from _walk(storage, path, root, skipped)
        else:
            skipped.append(path)


def _referenced(references: list[FileReference], names: list[str]) -> set[str]:
    """Which of `names` a registered field references."""
    found: set[str] = set()
    for reference in references:
        model = apps.get_model(reference.model)
        lookup = {f"{reference.field}__in": names}
        found.update(
            model._default_manager.filter(**lookup).values_list(reference.field, flat=True)
        )
    return found


def _by_storage() -> list[tuple[Storage, list[FileReference], list[str]]]:
    """The registered fields grouped by storage, with the folders to walk in each (a folder
    inside another registered one is walked once, as part of it)."""
    groups: dict[int, tuple[Storage, list[FileReference]]] = {}
    for reference in registered():
        storage = apps.get_model(reference.model)._meta.get_field(reference.field).storage
        groups.setdefault(id(storage), (storage, []))[1].append(reference)
    result = []
    for storage, references in groups.values():
        folders: list[str] = []
        for prefix in sorted({r.prefix for r in references}):
            if not any(prefix.startswith(kept) for kept in folders):
                folders.append(prefix)
        result.append((storage, references, folders))
    return result


def _modified(storage: Storage, name: str) -> datetime:
    moment = storage.get_modified_time(name)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def sweep(
    *,
    older_than: timedelta = DEFAULT_GRACE,
    delete: bool = False,
    force: bool = False,
    now: datetime | None = None,
    on_orphan: Callable[[str, int, datetime], None] | None = None,
) -> SweepResult:
    """Find the files under the registered folders that no registered field references and
    that were last modified more than `older_than` before `now`; delete them when `delete`
    (a dry run otherwise). `on_orphan(name, size, modified)` is told of each orphan. Never
    raises for a file that vanished meanwhile; refuses to delete (the result says why)
    when the orphans look like a wrong pairing of database and media root, unless `force`."""
    if older_than < timedelta(0):
        raise ValueError("the grace period cannot be negative")
    cutoff = (now or timezone.now()) - older_than
    result = SweepResult(deleted_mode=delete)
    plan: list[tuple[Storage, list[FileReference], list[str]]] = []
    for storage, references, folders in _by_storage():
        root = _local_root(storage)
        old: list[tuple[str, int, datetime]] = []
        for folder in folders:
            for name in _walk(storage, folder, root, result.skipped):
                try:
                    size, modified = storage.size(name), _modified(storage, name)
                except FileNotFoundError:
                    result.skipped.append(name)
                    continue
                result.scanned += 1
                result.scanned_bytes += size
                if modified > cutoff:
                    result.young += 1
                else:
                    old.append((name, size, modified))
        orphans: list[str] = []
        for start in range(0, len(old), BATCH):
            batch = old[start : start + BATCH]
            known = _referenced(references, [name for name, _s, _m in batch])
            for name, size, modified in batch:
                if name in known:
                    result.referenced += 1
                    continue
                result.orphans.append((name, size))
                orphans.append(name)
                if on_orphan is not None:
                    on_orphan(name, size, modified)
        plan.append((storage, references, orphans))
    if not delete:
        return result
    if (
        not force
        and len(result.orphans) > SUSPICIOUS_ORPHANS
        and len(result.orphans) > result.referenced
    ):
        result.refused = (
            f"{len(result.orphans)} orphans against {result.referenced} referenced files: "
            "is this the media root of this database? (--force deletes anyway)"
        )
        return result
    sizes = dict(result.orphans)
    for storage, references, orphans in plan:
        for start in range(0, len(orphans), BATCH):
            batch = orphans[start : start + BATCH]
            # Referenced since the first look (a row committed meanwhile): keep it.
            known = _referenced(references, batch)
            for name in batch:
                if name in known:
                    continue
                _delete(storage, name, result, sizes[name])
    return result


def _delete(storage: Storage, name: str, result: SweepResult, size: int) -> None:
    try:
        storage.delete(name)
    except FileNotFoundError:
        return
    result.deleted += 1
    result.deleted_bytes += size


def run_periodic() -> str:
    """The periodic job: delete orphans past the default grace period; a refused deletion
    is raised, so the scheduler reports the job as failed."""
    result = sweep(older_than=DEFAULT_GRACE, delete=True)
    if result.refused:
        raise RuntimeError(result.summary())
    return result.summary()
