"""Shared pieces of the records services: errors, the clock, permissions, row locks, history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tinhso.core import clock
from tinhso.core.services import audit_record
from tinhso.directory.models import Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.records.models import FilePlan, RecordEvent, WorkRecord
from tinhso.records.retention import Retention


class RecordError(ValidationError):
    """Bad input for a file plan or work record action, by field, in Vietnamese."""


class Conflict(Exception):
    """The record changed since the caller read it (someone else acted first)."""

    def __init__(self, record: WorkRecord, expected: int) -> None:
        self.record, self.expected = record, expected
        super().__init__(
            _("Hồ sơ vừa được người khác cập nhật (phiên bản %(v)s, bạn đang xem %(e)s).")
            % {"v": record.version, "e": expected}
        )


def now() -> datetime:
    """The moment of a records action: the current time, or the one `acting_at` sets."""
    return clock.now()


def require(user: Any, permission: Permission, *organs: Organ | None) -> None:
    """PermissionError unless `user` may do `permission` on one of `organs`."""
    if not any(organ is not None and can(user, permission, organ) for organ in organs):
        raise PermissionError(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))


def lock_record(record: WorkRecord, expected_version: int | None) -> WorkRecord:
    """Re-read `record` under a row lock; refuse when it moved on since `expected_version`."""
    # Lock the record's row only: `unit` is an outer join, which PostgreSQL cannot lock.
    current = (
        WorkRecord.objects.select_for_update(of=("self",))
        .select_related("organ", "unit")
        .get(pk=record.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise Conflict(current, expected_version)
    return current


def lock_plan(plan: FilePlan) -> FilePlan:
    return FilePlan.objects.select_for_update().select_related("organ").get(pk=plan.pk)


def actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def history(
    subject: FilePlan | WorkRecord,
    *,
    action: str,
    from_state: str,
    actor: Any,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    changed: bool = True,
) -> RecordEvent:
    """Save `subject` when `changed` (a record's version is bumped), append its history row
    and the audit entry, in the caller's transaction."""
    is_record = isinstance(subject, WorkRecord)
    key = {"record": subject} if is_record else {"plan": subject}
    prefix = "work_record" if is_record else "file_plan"
    if changed:
        if isinstance(subject, WorkRecord):
            subject.version += 1
        subject.save()
    event = RecordEvent.objects.create(
        **key,
        at=at,
        actor=actor_or_none(actor),
        action=action,
        from_state=from_state,
        to_state=subject.state,
        note=note,
        data=data or {},
    )
    audit_record(action=f"{prefix}.{action}", obj=subject, actor=actor, data=data)
    return event


def parse_retention(value: Retention | str | int | None, *, field: str = "retention") -> Retention:
    """A retention from a Retention, "Vĩnh viễn", "10", 10; RecordError naming `field`."""
    if isinstance(value, Retention):
        return value
    try:
        if value is None or str(value).strip() == "":
            raise ValueError("empty")
        return Retention(value) if isinstance(value, int) else Retention.parse(str(value))
    except ValueError:
        raise RecordError(
            {
                field: [
                    _(
                        "Thời hạn bảo quản là «Vĩnh viễn» hoặc số năm từ 1 đến 100 "
                        "(ví dụ 5, 10, 20, 70)."
                    )
                ]
            }
        ) from None


def text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """`value` stripped; RecordError naming `field` when empty (if required) or too long."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise RecordError({field: [_("Hãy nhập %(f)s.") % {"f": label}]})
    if len(cleaned) > max_length:
        raise RecordError(
            {field: [_("«%(f)s» dài quá %(n)s ký tự.") % {"f": label, "n": max_length}]}
        )
    return cleaned
