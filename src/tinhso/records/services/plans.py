"""File plans (danh mục hồ sơ): create, copy last year's, add headings and planned records,
change them while a draft, approve, revise into a new version."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.models import Official, Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.records.models import FilePlan, PlanEntry, PlanHeading
from tinhso.records.retention import Retention
from tinhso.records.services import common
from tinhso.records.services.common import (
    RecordError,
    history,
    lock_plan,
    parse_retention,
    require,
    text,
)
from tinhso.records.states import PlanAction, PlanState, plan_next

A = PlanAction
FIRST_YEAR = 2000
NOTATION = re.compile(r"^[0-9A-Za-zĐđ][0-9A-Za-zĐđ.\-/]*$")
CODE = re.compile(r"^[0-9A-Za-zĐđ\-]*$")
_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    """I, II, … XXXIX: the labels of large headings."""
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def check_year(year: int, *, field: str = "year") -> None:
    """RecordError unless `year` is from 2000 to next year."""
    last = timezone.localtime(common.now()).year + 1
    if not FIRST_YEAR <= year <= last:
        raise RecordError(
            {field: [_("Năm phải từ %(a)s đến %(b)s.") % {"a": FIRST_YEAR, "b": last}]}
        )


def check_unit(unit: Organ | None, organ: Organ, *, field: str = "unit") -> None:
    """RecordError unless `unit` is `organ` or an organ under it."""
    if unit is not None and not unit.tree_path.startswith(organ.tree_path):
        raise RecordError({field: [_("«%(u)s» không thuộc %(o)s.") % {"u": unit, "o": organ}]})


def check_keeper(keeper: Official | None, *organs: Organ | None, field: str = "keeper") -> None:
    """RecordError unless `keeper` is active and may keep records of one of `organs`."""
    if keeper is None:
        return
    if not keeper.is_active or not any(
        o is not None and can(keeper.user, Permission.KEEP_RECORDS, o) for o in organs
    ):
        raise RecordError(
            {field: [_("«%(k)s» không có quyền lập hồ sơ của đơn vị này.") % {"k": keeper}]}
        )


def check_notation(notation: str, *, field: str = "notation") -> str:
    cleaned = notation.strip()
    if not cleaned or len(cleaned) > 30 or not NOTATION.match(cleaned):
        raise RecordError(
            {
                field: [
                    _(
                        "Số và ký hiệu hồ sơ gồm chữ, số, dấu chấm, gạch ngang, không có "
                        "khoảng trắng, tối đa 30 ký tự (ví dụ 01.VP)."
                    )
                ]
            }
        )
    return cleaned


def _save_new(plan: FilePlan) -> None:
    """Insert `plan` in a savepoint: a second plan of the same organ, year and version
    (two people at once) is a RecordError, not a broken transaction."""
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise RecordError(
            {"year": [_("Cơ quan đã có danh mục hồ sơ năm %(y)s.") % {"y": plan.year}]}
        ) from None


def _copy_contents(source: FilePlan, target: FilePlan) -> tuple[int, int]:
    """Copy headings and planned records of `source` into the draft `target`; keepers no
    longer active are left out. Returns the counts copied."""
    headings = {}
    for heading in source.headings.order_by("order", "pk"):
        headings[heading.pk] = PlanHeading.objects.create(
            plan=target,
            order=heading.order,
            level=heading.level,
            label=heading.label,
            title=heading.title,
            code=heading.code,
            unit=heading.unit,
        )
    entries = [
        PlanEntry(
            plan=target,
            heading=headings[entry.heading_id],
            order=entry.order,
            notation=entry.notation,
            title=entry.title,
            retention_permanent=entry.retention_permanent,
            retention_years=entry.retention_years,
            unit=entry.unit,
            keeper=entry.keeper if entry.keeper and entry.keeper.is_active else None,
            note=entry.note,
        )
        for entry in source.entries.select_related("keeper").order_by("order", "pk")
    ]
    PlanEntry.objects.bulk_create(entries)
    return len(headings), len(entries)


@transaction.atomic
def plan_create(*, organ: Organ, year: int, actor: Any, note: str = "") -> FilePlan:
    """A new, empty draft file plan of `organ` for `year` (version 1). Raises
    PermissionError without MANAGE_FILE_PLAN on the organ, RecordError when the year is out
    of range or the organ already has a plan for it."""
    require(actor, Permission.MANAGE_FILE_PLAN, organ)
    check_year(year)
    if FilePlan.objects.filter(organ=organ, year=year).exists():
        raise RecordError({"year": [_("Cơ quan đã có danh mục hồ sơ năm %(y)s.") % {"y": year}]})
    at = common.now()
    plan = FilePlan(
        organ=organ,
        year=year,
        note=text(note, field="note", label=_("ghi chú"), max_length=2000, required=False),
        created_at=at,
        created_by=common.actor_or_none(actor),
    )
    _save_new(plan)
    history(plan, action="create", from_state="", actor=actor, at=at)
    return plan


@transaction.atomic
def plan_copy_previous(*, organ: Organ, year: int, actor: Any) -> FilePlan:
    """A draft plan of `organ` for `year` copied from its plan of the year before (the
    approved version, or else the newest), headings and planned records included. Raises
    what `plan_create` raises, and RecordError when there is no plan of the year before."""
    require(actor, Permission.MANAGE_FILE_PLAN, organ)
    previous = FilePlan.objects.filter(organ=organ, year=year - 1)
    source = previous.filter(state=PlanState.APPROVED).first() or previous.first()
    if source is None:
        raise RecordError(
            {
                "year": [
                    _("Cơ quan không có danh mục hồ sơ năm %(y)s để sao chép.") % {"y": year - 1}
                ]
            }
        )
    plan = plan_create(organ=organ, year=year, actor=actor)
    plan.based_on = source
    headings, entries = _copy_contents(source, plan)
    history(
        plan,
        action="copy",
        from_state=plan.state,
        actor=actor,
        at=common.now(),
        data={"from": source.pk, "headings": headings, "entries": entries},
    )
    return plan


@transaction.atomic
def plan_add_heading(
    *,
    plan: FilePlan,
    actor: Any,
    title: str,
    level: int = 1,
    code: str = "",
    label: str = "",
    unit: Organ | None = None,
) -> PlanHeading:
    """Add a heading at the end of the plan: level 1 labelled I, II, …; level 2 labelled 1,
    2, … under the last level-1 heading, unless `label` is given. On an approved plan it is
    an addition, flagged and in the history. Raises IllegalTransition on a superseded plan,
    PermissionError, RecordError by field."""
    plan = lock_plan(plan)
    from_state = plan.state
    plan_next(PlanState(from_state), A.ADD)
    require(actor, Permission.MANAGE_FILE_PLAN, plan.organ)
    title = text(title, field="title", label=_("tên đề mục"), max_length=300)
    code = code.strip()
    if len(code) > 20 or not CODE.match(code):
        raise RecordError({"code": [_("Ký hiệu đề mục chỉ gồm chữ, số và gạch ngang.")]})
    if level not in (1, 2):
        raise RecordError({"level": [_("Đề mục có cấp 1 (lớn) hoặc cấp 2 (nhỏ).")]})
    check_unit(unit, plan.organ)
    headings = list(plan.headings.order_by("order", "pk"))
    if not label.strip():
        if level == 1:
            label = roman(sum(1 for h in headings if h.level == 1) + 1)
        else:
            since = [h.level for h in headings]
            start = len(since) - since[::-1].index(1) if 1 in since else 0
            label = str(sum(1 for lv in since[start:] if lv == 2) + 1)
    heading = PlanHeading.objects.create(
        plan=plan,
        order=(headings[-1].order + 1) if headings else 1,
        level=level,
        label=label.strip()[:10],
        title=title,
        code=code,
        unit=unit,
        added_after_approval=from_state == PlanState.APPROVED,
    )
    history(
        plan,
        action="add_heading",
        from_state=from_state,
        actor=actor,
        at=common.now(),
        data={"heading": heading.pk, "title": title, "after_approval": from_state != "draft"},
    )
    return heading


def _next_notation(plan: FilePlan, heading: PlanHeading) -> str:
    taken = set(plan.entries.values_list("notation", flat=True))
    number = heading.entries.count() + 1 if heading.code else len(taken) + 1
    while True:
        notation = f"{number:02d}.{heading.code}" if heading.code else f"{number:02d}"
        if notation not in taken:
            return notation
        number += 1


@transaction.atomic
def plan_add_entry(
    *,
    plan: FilePlan,
    actor: Any,
    heading: PlanHeading,
    title: str,
    retention: Retention | str | int | None,
    notation: str = "",
    unit: Organ | None = None,
    keeper: Official | None = None,
    note: str = "",
) -> PlanEntry:
    """Add a planned record under `heading`, numbered `01.<heading code>`, `02.…` in the
    heading unless `notation` is given (unique in the plan); its unit defaults to the
    heading's. On an approved plan it is an addition (bổ sung), flagged and in the history.
    Raises IllegalTransition on a superseded plan, PermissionError, RecordError by field."""
    plan = lock_plan(plan)
    from_state = plan.state
    plan_next(PlanState(from_state), A.ADD)
    require(actor, Permission.MANAGE_FILE_PLAN, plan.organ)
    if heading.plan_id != plan.pk:
        raise RecordError({"heading": [_("Đề mục không thuộc danh mục này.")]})
    title = text(title, field="title", label=_("tiêu đề hồ sơ"), max_length=500)
    kept = parse_retention(retention)
    notation = check_notation(notation) if notation.strip() else _next_notation(plan, heading)
    if plan.entries.filter(notation=notation).exists():
        raise RecordError(
            {"notation": [_("Số và ký hiệu «%(n)s» đã có trong danh mục.") % {"n": notation}]}
        )
    unit = unit or heading.unit
    check_unit(unit, plan.organ)
    check_keeper(keeper, unit, plan.organ)
    last = heading.entries.aggregate(m=Max("order"))["m"] or 0
    entry = PlanEntry(
        plan=plan,
        heading=heading,
        order=last + 1,
        notation=notation,
        title=title,
        unit=unit,
        keeper=keeper,
        note=text(note, field="note", label=_("ghi chú"), max_length=500, required=False),
        added_after_approval=from_state == PlanState.APPROVED,
    )
    entry.retention = kept
    entry.save()
    history(
        plan,
        action="add_entry",
        from_state=from_state,
        actor=actor,
        at=common.now(),
        data={
            "entry": entry.pk,
            "notation": notation,
            "title": title,
            "retention": str(kept),
            "after_approval": from_state != PlanState.DRAFT,
        },
    )
    return entry


@transaction.atomic
def plan_update_entry(
    *,
    entry: PlanEntry,
    actor: Any,
    title: str | None = None,
    retention: Retention | str | int | None = None,
    notation: str | None = None,
    keeper: Official | None = None,
    note: str | None = None,
) -> PlanEntry:
    """Change a planned record of a draft plan (None leaves a value as it is). Raises
    IllegalTransition once the plan is approved (it is frozen: add, or revise), and
    PermissionError, RecordError by field."""
    plan = lock_plan(entry.plan)
    plan_next(PlanState(plan.state), A.CHANGE)
    require(actor, Permission.MANAGE_FILE_PLAN, plan.organ)
    entry = PlanEntry.objects.get(pk=entry.pk)
    before = {"title": entry.title, "notation": entry.notation, "retention": str(entry.retention)}
    if title is not None:
        entry.title = text(title, field="title", label=_("tiêu đề hồ sơ"), max_length=500)
    if retention is not None:
        entry.retention = parse_retention(retention)
    if notation is not None:
        entry.notation = check_notation(notation)
        if plan.entries.filter(notation=entry.notation).exclude(pk=entry.pk).exists():
            raise RecordError(
                {"notation": [_("Số và ký hiệu «%(n)s» đã có trong danh mục.") % {"n": notation}]}
            )
    if keeper is not None:
        check_keeper(keeper, entry.unit, plan.organ)
        entry.keeper = keeper
    if note is not None:
        entry.note = text(note, field="note", label=_("ghi chú"), max_length=500, required=False)
    entry.save()
    history(
        plan,
        action="change_entry",
        from_state=plan.state,
        actor=actor,
        at=common.now(),
        data={"entry": entry.pk, "before": before},
    )
    return entry


@transaction.atomic
def plan_remove_entry(*, entry: PlanEntry, actor: Any) -> None:
    """Remove a planned record from a draft plan. Raises IllegalTransition once approved,
    PermissionError."""
    plan = lock_plan(entry.plan)
    plan_next(PlanState(plan.state), A.CHANGE)
    require(actor, Permission.MANAGE_FILE_PLAN, plan.organ)
    data = {"entry": entry.pk, "notation": entry.notation, "title": entry.title}
    PlanEntry.objects.filter(pk=entry.pk).delete()
    history(
        plan, action="remove_entry", from_state=plan.state, actor=actor, at=common.now(), data=data
    )


@transaction.atomic
def plan_approve(*, plan: FilePlan, actor: Any) -> FilePlan:
    """The head of the organ approves a draft plan; from then on it is frozen. The version
    approved before it for the same organ and year, if any, is superseded in the same
    transaction. Raises IllegalTransition unless a draft, PermissionError without
    APPROVE_FILE_PLAN, RecordError for a plan without any planned record."""
    plan = lock_plan(plan)
    from_state = plan.state
    new_state = plan_next(PlanState(from_state), A.APPROVE)
    require(actor, Permission.APPROVE_FILE_PLAN, plan.organ)
    if not plan.entries.exists():
        raise RecordError({"entries": [_("Danh mục chưa có hồ sơ dự kiến nào.")]})
    at = common.now()
    current = (
        FilePlan.objects.select_for_update()
        .filter(organ=plan.organ, year=plan.year, state=PlanState.APPROVED)
        .first()
    )
    if current is not None:
        current.state = plan_next(PlanState(current.state), A.SUPERSEDE)
        history(
            current,
            action=A.SUPERSEDE,
            from_state=PlanState.APPROVED,
            actor=actor,
            at=at,
            data={"by": plan.pk, "version": plan.version},
        )
    plan.state, plan.approved_at, plan.approved_by = new_state, at, common.actor_or_none(actor)
    history(
        plan,
        action=A.APPROVE,
        from_state=from_state,
        actor=actor,
        at=at,
        data={"entries": plan.entries.count(), "supersedes": current.pk if current else None},
    )
    return plan


@transaction.atomic
def plan_revise(*, plan: FilePlan, actor: Any, note: str = "") -> FilePlan:
    """A new draft version of an approved plan, with its headings and planned records, to
    change what an addition cannot; the approved one stays in force until the new one is
    approved. Raises IllegalTransition unless approved, PermissionError, RecordError when a
    draft version already exists."""
    plan = lock_plan(plan)
    plan_next(PlanState(plan.state), A.REVISE)
    require(actor, Permission.MANAGE_FILE_PLAN, plan.organ)
    siblings = FilePlan.objects.filter(organ=plan.organ, year=plan.year)
    draft = siblings.filter(state=PlanState.DRAFT).first()
    if draft is not None:
        raise RecordError(
            {
                "version": [
                    _("Đã có phiên bản dự thảo %(v)s của danh mục này.") % {"v": draft.version}
                ]
            }
        )
    at = common.now()
    revised = FilePlan(
        organ=plan.organ,
        year=plan.year,
        version=(siblings.aggregate(m=Max("version"))["m"] or 0) + 1,
        based_on=plan,
        note=text(note, field="note", label=_("ghi chú"), max_length=2000, required=False),
        created_at=at,
        created_by=common.actor_or_none(actor),
    )
    _save_new(revised)
    headings, entries = _copy_contents(plan, revised)
    history(
        revised,
        action="create",
        from_state="",
        actor=actor,
        at=at,
        data={"revises": plan.pk, "headings": headings, "entries": entries},
    )
    history(
        plan,
        action=A.REVISE,
        from_state=plan.state,
        actor=actor,
        at=at,
        data={"version": revised.version, "plan": revised.pk},
        changed=False,
    )
    return revised
