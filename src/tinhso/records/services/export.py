"""Exporting a record as an archive package (files, metadata, checksums)."""

from __future__ import annotations

from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from tinhso.directory.permissions import Action as Permission
from tinhso.records.export import package_parts
from tinhso.records.models import WorkRecord
from tinhso.records.package import write_package
from tinhso.records.services import common
from tinhso.records.services.common import history, require
from tinhso.records.states import RecordAction, RecordState, record_next


def record_export(*, record: WorkRecord, actor: Any, target: BinaryIO) -> dict[str, Any]:
    """Write the archive package of a closed or archived record into `target` (a writable,
    seekable binary file: a temporary file for a download), streaming each stored file
    through, then note the export in the record's history (who, when, how many files).
    Returns the metadata written. Raises IllegalTransition for an open record (its
    contents are not fixed yet), PermissionError without VIEW_RECORDS on its organ or unit.
    The package is written outside any transaction (it may take a while); only the history
    row is."""
    record = WorkRecord.objects.select_related("organ", "unit", "keeper__user").get(pk=record.pk)
    record_next(RecordState(record.state), RecordAction.EXPORT)
    require(actor, Permission.VIEW_RECORDS, record.organ, record.unit)
    at = common.now()
    meta, sources = package_parts(record)
    data = write_package(target, meta, sources, generated_at=timezone.localtime(at))
    with transaction.atomic():
        history(
            record,
            action=RecordAction.EXPORT,
            from_state=record.state,
            actor=actor,
            at=at,
            data={"files": len(sources), "items": len(meta.items)},
            changed=False,
        )
    return data
