"""The parts of a record's archive package: its metadata (`package.RecordMeta`) and the
stored files of its items (`package.Source`), read from the database and the storage."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from tinhso.directory.models import OrganScheme
from tinhso.records import contents
from tinhso.records.models import WorkRecord
from tinhso.records.package import ItemMeta, RecordMeta, Source


def _organ_id(record: WorkRecord) -> str:
    on = timezone.localtime(record.opened_at).date()
    return record.organ.identifier(OrganScheme.DECISION20, on) or record.organ.identifier(
        OrganScheme.QCVN102, on
    )


def _local(moment: datetime | None) -> datetime | None:
    # The package says when in the installation's time (Vietnam: +07:00), as officials read it.
    return timezone.localtime(moment) if moment is not None else None


def package_parts(record: WorkRecord) -> tuple[RecordMeta, list[Source]]:
    """The metadata and the files of `record` (closed or archived: its contents list as
    fixed at closing, each item's files as stored now, which for documents never change)."""
    items = contents.items_of(record)
    rows = {row["item"]: row for row in contents.contents_of(record)}
    metas: list[ItemMeta] = []
    sources: list[Source] = []
    for item in items:
        row = rows.get(item.pk) or contents.item_facts(item)
        metas.append(
            ItemMeta(
                order=item.order,
                kind=item.kind,
                notation=row["notation"],
                date=date.fromisoformat(row["date"]) if row["date"] else None,
                type_name=row["type_name"],
                summary=row["summary"],
                author=row["author"],
                pages=row["pages"],
                note=row["note"],
            )
        )
        sources += [
            Source(item.order, stored.name, stored.content_type, stored.open)
            for stored in contents.files_of(item)
        ]
    meta = RecordMeta(
        file_code=record.code,
        organ_id=_organ_id(record),
        organ_name=record.organ.name,
        year=record.year,
        file_notation=record.notation,
        title=record.title,
        retention_years=record.retention.years,
        retention_ends_on=record.retention_ends_on,
        rights=record.access,
        rights_note=record.access_note,
        language=record.language,
        start_date=record.start_date,
        end_date=record.end_date,
        doc_total=record.doc_count,
        page_total=record.page_count,
        keywords=tuple(record.keyword_list()),
        description=record.description,
        in_plan=record.in_plan,
        keeper=str(record.keeper),
        state=record.state,
        opened_at=timezone.localtime(record.opened_at),
        closed_at=_local(record.closed_at),
        archived_at=_local(record.archived_at),
        closing_note=record.closing_note,
        items=tuple(metas),
    )
    return meta, sources
