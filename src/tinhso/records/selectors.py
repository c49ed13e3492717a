"""Reads of file plans and work records: what an official may see (records stay within their
organ: its officials, those of the unit keeping them, the platform's operators), the plan as
headings with their planned records, the records due for the archive or past their
retention, the documents that may be filed, and the actions to offer on a page."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.models import Official
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, organs_in_scope
from tinhso.documents.models import Document, IncomingDocument
from tinhso.documents.selectors import documents_for, incoming_for
from tinhso.documents.states import OutgoingState
from tinhso.documents.types import Confidentiality
from tinhso.records.contents import FILEABLE_INCOMING
from tinhso.records.models import FilePlan, PlanEntry, PlanHeading, RecordItem, WorkRecord
from tinhso.records.models.records import ARCHIVE_WITHIN_YEARS
from tinhso.records.states import PlanState, RecordState, plan_allowed, record_allowed


def plans_for(*, user: Any) -> QuerySet[FilePlan]:
    """The file plans of the organs where `user` may see records, newest first."""
    scope = organs_in_scope(user, Permission.VIEW_RECORDS)
    return (
        FilePlan.objects.filter(organ__in=scope)
        .select_related("organ")
        .order_by("-year", "organ__tree_path", "-version")
    )


def plan_for(*, user: Any, pk: int) -> FilePlan:
    """One plan `user` may see, or Http404 (also for one outside their scope)."""
    plan = plans_for(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Không có danh mục hồ sơ này trong phạm vi của bạn."))
    return plan


def plan_outline(plan: FilePlan) -> list[tuple[PlanHeading, list[PlanEntry]]]:
    """The plan as printed (Decree 30/2020 Annex V): each heading in order with its planned
    records in order; each entry carries `opened` (its record, or None)."""
    entries: dict[int, list[PlanEntry]] = {}
    opened = {
        r.notation: r
        for r in WorkRecord.objects.filter(organ=plan.organ_id, year=plan.year).only(
            "pk", "notation", "code", "state"
        )
    }
    for entry in plan.entries.select_related("unit", "keeper__user").order_by("order", "pk"):
        entry.opened = opened.get(entry.notation)  # type: ignore[attr-defined]
        entries.setdefault(entry.heading_id, []).append(entry)
    return [(h, entries.get(h.pk, [])) for h in plan.headings.select_related("unit")]


def records_for(*, user: Any) -> QuerySet[WorkRecord]:
    """The records `user` may see: of organs (or kept by units) where they may see records."""
    scope = organs_in_scope(user, Permission.VIEW_RECORDS)
    return WorkRecord.objects.filter(Q(organ__in=scope) | Q(unit__in=scope)).select_related(
        "organ", "unit", "keeper__user", "plan_entry"
    )


def record_for(*, user: Any, pk: int) -> WorkRecord:
    """One record `user` may see, or Http404 (also for one outside their scope)."""
    record = records_for(user=user).filter(pk=pk).first()
    if record is None:
        raise Http404(_("Không có hồ sơ này trong phạm vi của bạn."))
    return record


def items_for(record: WorkRecord) -> list[RecordItem]:
    """The items of `record` in their order, with their documents."""
    return list(
        record.items.select_related("document__organ", "incoming__organ", "added_by").order_by(
            "order", "pk"
        )
    )


def retention_expired(*, user: Any, on: date | None = None) -> QuerySet[WorkRecord]:
    """Closed or archived records `user` may see whose retention period ended before `on`
    (today): what the appraisal board (Hội đồng xác định giá trị tài liệu) reviews, oldest
    end first. Permanent records never appear."""
    on = on or timezone.localdate()
    return (
        records_for(user=user)
        .filter(
            state__in=[RecordState.CLOSED, RecordState.ARCHIVED],
            retention_permanent=False,
            retention_ends_on__lt=on,
        )
        .order_by("retention_ends_on", "code")
    )


def archive_overdue(*, user: Any, on: date | None = None) -> QuerySet[WorkRecord]:
    """Closed records `user` may see that were not handed to the archive within a year of
    closing (Decree 30/2020 art. 31)."""
    on = on or timezone.localdate()
    try:
        limit_day = on.replace(year=on.year - ARCHIVE_WITHIN_YEARS)
    except ValueError:  # 29 February
        limit_day = on.replace(year=on.year - ARCHIVE_WITHIN_YEARS, day=28)
    limit = timezone.make_aware(datetime.combine(limit_day, time.min))
    return records_for(user=user).filter(state=RecordState.CLOSED, closed_at__lt=limit)


def fileable(
    *, user: Any, record: WorkRecord, limit: int = 200
) -> tuple[list[Document], list[IncomingDocument]]:
    """Documents `user` may file in `record`, newest first: issued outgoing documents the
    record's organ or unit issued or drafted, registered incoming documents it received;
    none classified, none already in the record."""
    organs = [pk for pk in (record.organ_id, record.unit_id) if pk is not None]
    filed = record.items.values("document_id", "incoming_id")
    outgoing = (
        documents_for(user=user)
        .filter(Q(organ__in=organs) | Q(drafting_unit__in=organs))
        .filter(state=OutgoingState.ISSUED, confidentiality=Confidentiality.NONE)
        .exclude(pk__in=[f["document_id"] for f in filed if f["document_id"]])
        .order_by("-issued_at", "-pk")
    )
    incoming = (
        incoming_for(user=user)
        .filter(organ__in=organs, state__in=list(FILEABLE_INCOMING))
        .filter(confidentiality=Confidentiality.NONE)
        .exclude(pk__in=[f["incoming_id"] for f in filed if f["incoming_id"]])
        .order_by("-arrived_at", "-pk")
    )
    return list(outgoing[:limit]), list(incoming[:limit])


def _may(user: Any, permission: Permission, *organs: Any) -> bool:
    return any(o is not None and can(user, permission, o) for o in organs)


def plan_actions(*, user: Any, plan: FilePlan) -> list[str]:
    """What `user` may try on `plan` now, for the page (the services still decide)."""
    allowed = set(plan_allowed(PlanState(plan.state)))
    actions = []
    if _may(user, Permission.MANAGE_FILE_PLAN, plan.organ):
        actions += [a for a in ("add", "change", "revise") if a in allowed]
    if "approve" in allowed and _may(user, Permission.APPROVE_FILE_PLAN, plan.organ):
        actions.append("approve")
    if "open_record" in allowed and _may(user, Permission.KEEP_RECORDS, plan.organ):
        actions.append("open_record")
    return actions


def record_actions(*, user: Any, record: WorkRecord) -> list[str]:
    """What `user` may try on `record` now, for the page (the services still decide)."""
    allowed = set(record_allowed(RecordState(record.state)))
    organs = (record.organ, record.unit)
    actions = []
    if _may(user, Permission.KEEP_RECORDS, *organs):
        keep = ("update", "file", "note", "attach", "reorder", "remove", "close")
        actions += [a for a in keep if a in allowed]
    if "reopen" in allowed and _may(user, Permission.REOPEN_RECORD, *organs):
        actions.append("reopen")
    if "archive" in allowed and _may(user, Permission.ARCHIVE_RECORDS, record.organ):
        actions.append("archive")
    if "export" in allowed and _may(user, Permission.VIEW_RECORDS, *organs):
        actions.append("export")
    return actions


def attachment_for(*, user: Any, pk: int) -> RecordItem:
    """An attachment of a record `user` may see, or Http404."""
    item = (
        RecordItem.objects.filter(pk=pk, kind=RecordItem.Kind.ATTACHMENT)
        .select_related("record")
        .first()
    )
    if item is None or not records_for(user=user).filter(pk=item.record_id).exists():
        raise Http404(_("Không có tệp này trong phạm vi của bạn."))
    return item


def plan_years(today: date | None = None) -> list[int]:
    """The years offered for a new plan: next year, this year and the one before."""
    year = (today or timezone.localdate()).year
    return [year + 1, year, year - 1]


def is_overdue_for_archive(record: WorkRecord, on: date | None = None) -> bool:
    due = record.archive_due_on
    return (
        record.state == RecordState.CLOSED
        and due is not None
        and due < (on or timezone.localdate())
    )


def keepers_of(organ: Any) -> list[Official]:
    """Active officials who may keep records of `organ` (for the keeper choice)."""
    officials = Official.objects.filter(is_active=True, roles__organ=organ)
    return [
        o
        for o in officials.select_related("user").distinct().order_by("user__full_name")
        if can(o.user, Permission.KEEP_RECORDS, organ)
    ]
