"""Work records: open (from the plan or outside it), change their description, close, reopen
(leaders, with a reason), hand over to the organ's archive."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.models import Official, Organ, OrganScheme
from tinhso.directory.permissions import Action as Permission
from tinhso.records import contents
from tinhso.records.models import Access, PlanEntry, WorkRecord
from tinhso.records.models.choices import LANGUAGE_CHOICES
from tinhso.records.retention import Retention
from tinhso.records.services import common
from tinhso.records.services.common import (
    RecordError,
    history,
    lock_plan,
    lock_record,
    parse_retention,
    require,
    text,
)
from tinhso.records.services.plans import (
    check_keeper,
    check_notation,
    check_unit,
    check_year,
)
from tinhso.records.states import (
    NEEDS_NOTE,
    PlanAction,
    PlanState,
    RecordAction,
    RecordState,
    plan_next,
    record_next,
)

A = RecordAction
OUTSIDE_PLAN_CODE = "PS"  # phát sinh: records opened outside the plan are 01.PS, 02.PS, …


def record_code(organ: Organ, year: int, notation: str, on: date) -> str:
    """The record code (mã hồ sơ): the organ's identifier (Decision 20/2020, else QCVN 102),
    the year and the record's notation, joined by dots: `H33.2020.01.VP`."""
    identifier = organ.identifier(OrganScheme.DECISION20, on) or organ.identifier(
        OrganScheme.QCVN102, on
    )
    if not identifier:
        raise RecordError({"organ": [_("Cơ quan chưa có mã định danh, không lập được mã hồ sơ.")]})
    return f"{identifier}.{year}.{notation}"


def keeper_for(actor: Any, keeper: Official | None) -> Official:
    """`keeper`, or else the acting official; RecordError when neither exists."""
    chosen = keeper or Official.objects.filter(user=actor, is_active=True).first()
    if chosen is None:
        raise RecordError({"keeper": [_("Chọn người lập hồ sơ.")]})
    return chosen


def _save_new(record: WorkRecord) -> None:
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise RecordError(
            {
                "notation": [
                    _("Hồ sơ số «%(n)s» năm %(y)s đã được mở.")
                    % {"n": record.notation, "y": record.year}
                ]
            }
        ) from None


def _taken(organ: Organ, year: int, notation: str) -> WorkRecord | None:
    return WorkRecord.objects.filter(organ=organ, year=year, notation=notation).first()


@transaction.atomic
def record_open(*, entry: PlanEntry, actor: Any, keeper: Official | None = None) -> WorkRecord:
    """Open the record a plan entry foresees: its notation, title, retention and unit come
    from the entry, its keeper is `keeper`, else the entry's, else the actor. The record
    code is fixed now. Raises IllegalTransition unless the plan is approved (and in force),
    PermissionError without KEEP_RECORDS on the organ or the entry's unit, RecordError when
    that record is already open."""
    plan = lock_plan(entry.plan)
    plan_next(PlanState(plan.state), PlanAction.OPEN_RECORD)
    require(actor, Permission.KEEP_RECORDS, plan.organ, entry.unit)
    chosen = keeper_for(actor, keeper or entry.keeper)
    check_keeper(chosen, entry.unit, plan.organ)
    existing = _taken(plan.organ, plan.year, entry.notation)
    if existing is not None:
        raise RecordError({"entry": [_("Hồ sơ «%(c)s» đã được mở.") % {"c": existing.code}]})
    at = common.now()
    record = WorkRecord(
        organ=plan.organ,
        year=plan.year,
        plan_entry=entry,
        notation=entry.notation,
        code=record_code(plan.organ, plan.year, entry.notation, timezone.localtime(at).date()),
        title=entry.title,
        unit=entry.unit,
        keeper=chosen,
        opened_at=at,
        opened_by=common.actor_or_none(actor),
    )
    record.retention = entry.retention
    _save_new(record)
    history(
        record,
        action="open",
        from_state="",
        actor=actor,
        at=at,
        data={"plan": plan.pk, "plan_version": plan.version, "entry": entry.pk},
    )
    return record


def _next_outside_notation(organ: Organ, year: int) -> str:
    taken = set(
        WorkRecord.objects.filter(organ=organ, year=year).values_list("notation", flat=True)
    )
    number = 1
    while f"{number:02d}.{OUTSIDE_PLAN_CODE}" in taken:
        number += 1
    return f"{number:02d}.{OUTSIDE_PLAN_CODE}"


@transaction.atomic
def record_open_outside_plan(
    *,
    organ: Organ,
    year: int,
    actor: Any,
    title: str,
    retention: Retention | str | int | None,
    reason: str,
    notation: str = "",
    unit: Organ | None = None,
    keeper: Official | None = None,
) -> WorkRecord:
    """Open a record the plan did not foresee (phát sinh ngoài danh mục), noted as such with
    `reason`; numbered 01.PS, 02.PS, … in the year unless `notation` is given. Raises
    PermissionError, RecordError by field (title, retention, reason, notation taken)."""
    require(actor, Permission.KEEP_RECORDS, organ, unit)
    check_year(year)
    check_unit(unit, organ)
    title = text(title, field="title", label=_("tiêu đề hồ sơ"), max_length=500)
    kept = parse_retention(retention)
    reason = text(reason, field="reason", label=_("lý do lập ngoài danh mục"), max_length=2000)
    notation = check_notation(notation) if notation.strip() else _next_outside_notation(organ, year)
    chosen = keeper_for(actor, keeper)
    check_keeper(chosen, unit, organ)
    if _taken(organ, year, notation) is not None:
        raise RecordError(
            {"notation": [_("Hồ sơ số «%(n)s» năm %(y)s đã được mở.") % {"n": notation, "y": year}]}
        )
    at = common.now()
    record = WorkRecord(
        organ=organ,
        year=year,
        outside_plan_reason=reason,
        notation=notation,
        code=record_code(organ, year, notation, timezone.localtime(at).date()),
        title=title,
        unit=unit,
        keeper=chosen,
        opened_at=at,
        opened_by=common.actor_or_none(actor),
    )
    record.retention = kept
    _save_new(record)
    history(record, action="open", from_state="", actor=actor, at=at, note=reason)
    return record


@transaction.atomic
def record_update(
    *,
    record: WorkRecord,
    actor: Any,
    version: int | None = None,
    title: str | None = None,
    retention: Retention | str | int | None = None,
    keywords: str | None = None,
    language: str | None = None,
    access: str | None = None,
    access_note: str | None = None,
    description: str | None = None,
) -> WorkRecord:
    """Change the description of an open record (None leaves a value as it is). A
    restricted record must say on which conditions it is used. Raises IllegalTransition
    unless open, Conflict, PermissionError, RecordError by field."""
    record = lock_record(record, version)
    from_state = record.state
    record_next(RecordState(from_state), A.UPDATE)
    require(actor, Permission.KEEP_RECORDS, record.organ, record.unit)
    changed: dict[str, Any] = {}
    if title is not None:
        record.title = text(title, field="title", label=_("tiêu đề hồ sơ"), max_length=500)
    if retention is not None:
        record.retention = parse_retention(retention)
    if keywords is not None:
        record.keywords = text(
            keywords, field="keywords", label=_("từ khóa"), max_length=500, required=False
        )
    if language is not None:
        if language not in dict(LANGUAGE_CHOICES):
            raise RecordError({"language": [_("Ngôn ngữ không hợp lệ.")]})
        record.language = language
    if access is not None:
        if access not in Access.values:
            raise RecordError({"access": [_("Chế độ sử dụng không hợp lệ.")]})
        record.access = access
    if access_note is not None:
        record.access_note = text(
            access_note,
            field="access_note",
            label=_("điều kiện sử dụng"),
            max_length=500,
            required=False,
        )
    if description is not None:
        record.description = text(
            description, field="description", label=_("ghi chú"), max_length=5000, required=False
        )
    if record.access == Access.RESTRICTED and not record.access_note:
        raise RecordError({"access_note": [_("Ghi rõ điều kiện sử dụng hồ sơ.")]})
    stored = WorkRecord.objects.values().get(pk=record.pk)
    for field in (
        "title",
        "retention_years",
        "retention_permanent",
        "keywords",
        "language",
        "access",
        "access_note",
        "description",
    ):
        if stored[field] != getattr(record, field):
            changed[field] = [stored[field], getattr(record, field)]
    history(
        record,
        action=A.UPDATE,
        from_state=from_state,
        actor=actor,
        at=common.now(),
        data={"changed": changed},
    )
    return record


@transaction.atomic
def record_close(
    *, record: WorkRecord, actor: Any, closing_note: str = "", version: int | None = None
) -> WorkRecord:
    """Close (kết thúc) an open record: its number of documents and pages, the dates of its
    first and last paper, the contents list and the end of its retention period are fixed,
    with the closing statement's remarks (`closing_note`). Raises IllegalTransition unless
    open, Conflict, PermissionError, RecordError for a record with nothing in it."""
    record = lock_record(record, version)
    from_state = record.state
    new_state = record_next(RecordState(from_state), A.CLOSE)
    require(actor, Permission.KEEP_RECORDS, record.organ, record.unit)
    rows = [contents.item_facts(item) for item in contents.items_of(record)]
    if not rows:
        raise RecordError(
            {"items": [_("Hồ sơ chưa có văn bản, tài liệu nào nên chưa kết thúc được.")]}
        )
    at = common.now()
    dates = sorted(date.fromisoformat(r["date"]) for r in rows if r["date"])
    closed_on = timezone.localtime(at).date()
    record.start_date = dates[0] if dates else closed_on
    record.end_date = dates[-1] if dates else closed_on
    record.doc_count = len(rows)
    record.page_count = sum(r["pages"] or 0 for r in rows)
    record.contents = rows
    record.closing_note = text(
        closing_note,
        field="closing_note",
        label=_("chứng từ kết thúc"),
        max_length=5000,
        required=False,
    )
    record.retention_ends_on = record.retention.ends_on(record.end_date)
    record.closed_at, record.closed_by = at, common.actor_or_none(actor)
    record.state = new_state
    history(
        record,
        action=A.CLOSE,
        from_state=from_state,
        actor=actor,
        at=at,
        data={
            "documents": record.doc_count,
            "pages": record.page_count,
            "start": record.start_date.isoformat(),
            "end": record.end_date.isoformat(),
            "retention_ends_on": (
                record.retention_ends_on.isoformat() if record.retention_ends_on else None
            ),
        },
    )
    return record


@transaction.atomic
def record_reopen(
    *, record: WorkRecord, actor: Any, reason: str, version: int | None = None
) -> WorkRecord:
    """A leader reopens a closed record, saying why; what closing fixed is cleared until it
    is closed again. An archived record belongs to the archive and is never reopened.
    Raises IllegalTransition unless closed, Conflict, PermissionError without REOPEN_RECORD,
    RecordError without a reason."""
    record = lock_record(record, version)
    from_state = record.state
    new_state = record_next(RecordState(from_state), A.REOPEN)
    require(actor, Permission.REOPEN_RECORD, record.organ, record.unit)
    if A.REOPEN.value in NEEDS_NOTE and not reason.strip():
        raise RecordError({"reason": [_("Cần ghi rõ lý do mở lại hồ sơ.")]})
    closed = {
        "closed_at": record.closed_at.isoformat() if record.closed_at else None,
        "documents": record.doc_count,
        "pages": record.page_count,
    }
    record.state = new_state
    record.closed_at = record.closed_by = None
    record.start_date = record.end_date = record.retention_ends_on = None
    record.doc_count, record.page_count, record.contents = 0, 0, []
    history(
        record,
        action=A.REOPEN,
        from_state=from_state,
        actor=actor,
        at=common.now(),
        note=reason.strip(),
        data={"closed": closed},
    )
    return record


@transaction.atomic
def record_archive(*, record: WorkRecord, actor: Any, version: int | None = None) -> WorkRecord:
    """The organ's archive receives a closed record (nộp lưu); the history notes whether it
    came later than one year after closing. Raises IllegalTransition unless closed,
    Conflict, PermissionError without ARCHIVE_RECORDS on the record's organ."""
    record = lock_record(record, version)
    from_state = record.state
    new_state = record_next(RecordState(from_state), A.ARCHIVE)
    require(actor, Permission.ARCHIVE_RECORDS, record.organ)
    at = common.now()
    due = record.archive_due_on
    record.state, record.archived_at, record.archived_by = (
        new_state,
        at,
        common.actor_or_none(actor),
    )
    history(
        record,
        action=A.ARCHIVE,
        from_state=from_state,
        actor=actor,
        at=at,
        data={
            "due": due.isoformat() if due else None,
            "late": bool(due and timezone.localtime(at).date() > due),
        },
    )
    return record
