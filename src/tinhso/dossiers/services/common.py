"""Shared pieces of the dossier services: errors, the calendar, history, step moves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.directory.models import Organ
from tinhso.dossiers.codes import format_code
from tinhso.dossiers.models import Dossier, DossierCounter, DossierEvent
from tinhso.dossiers.states import State, next_state
from tinhso.procedures.models import Procedure, ProcessStep
from tinhso.workcalendar.core import WorkCalendar
from tinhso.workcalendar.selectors import calendar_for


class DossierError(ValidationError):
    """Bad input for a dossier action, by field, in Vietnamese."""


class Conflict(Exception):
    """The dossier changed since the caller read it (another official acted first)."""

    def __init__(self, dossier: Dossier, expected: int) -> None:
        self.dossier, self.expected = dossier, expected
        super().__init__(
            _("Hồ sơ %(c)s vừa được người khác xử lý (phiên bản %(v)s, bạn đang xem %(e)s).")
            % {"c": dossier.code or dossier.pk, "v": dossier.version, "e": expected}
        )


def now() -> datetime:
    return timezone.now()


def calendar(organ: Organ, at: datetime) -> WorkCalendar:
    """The working calendar of `organ` around the year of `at`."""
    return calendar_for(
        year=timezone.localtime(at).year, organ_identifier=organ.identifier() or None
    )


def lock(dossier: Dossier, expected_version: int | None) -> Dossier:
    """Re-read the dossier under a row lock; refuse when it moved on since `expected_version`."""
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(current, expected_version)
    return current


def transition(dossier: Dossier, action: str) -> State:
    return next_state(State(dossier.state), action)


def first_step(procedure: Procedure) -> ProcessStep | None:
    return procedure.steps.order_by("order").first()


def step_organ(step: ProcessStep | None, receiving: Organ) -> Organ:
    if step is None or step.organ_scope == ProcessStep.Scope.RECEIVING:
        return receiving
    if step.organ_scope == ProcessStep.Scope.PARENT:
        return receiving.parent or receiving
    return step.organ or receiving


def enter_step(dossier: Dossier, step: ProcessStep | None, at: datetime) -> None:
    """Put the dossier at `step`, computing where it runs and when it is due."""
    if step is None:
        dossier.step_key, dossier.step_organ, dossier.step_due_at = "", None, None
        return
    organ = step_organ(step, dossier.organ)
    dossier.step_key = step.key
    dossier.step_organ = organ
    dossier.step_due_at = calendar(organ, at).add(at, step.duration_hours * 60)
    dossier.assignee = None


_EVENT_LISTENERS: list[Callable[[Dossier, DossierEvent], None]] = []


def register_event_listener(listener: Callable[[Dossier, DossierEvent], None]) -> None:
    """Call `listener(dossier, event)` after every history row, inside the action's
    transaction (registered in `AppConfig.ready`; registering twice keeps one)."""
    if listener not in _EVENT_LISTENERS:
        _EVENT_LISTENERS.append(listener)


def record(
    dossier: Dossier,
    *,
    action: str,
    from_state: str,
    actor: Any,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Save the dossier (bumping its version) and append the history row of `action`, then
    tell the registered event listeners in the same transaction (the national portal's
    pushes: a listener's failure rolls the action back)."""
    dossier.version += 1
    dossier.save()
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        step_key=dossier.step_key,
        step_due_at=dossier.step_due_at,
        organ=dossier.step_organ or dossier.organ,
        note=note,
        data=data or {},
    )
    for listener in _EVENT_LISTENERS:
        listener(dossier, event)
    return event


def assign_code(dossier: Dossier, at: datetime) -> str:
    """Give the dossier the next number of its organ for the day of `at` (Vietnam time).

    The counter row is locked and incremented in the caller's transaction, so a rolled-back
    intake gives its number back: codes stay gapless and unique under concurrent intake.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("assign_code must run inside the intake transaction")
    day = timezone.localtime(at).date()
    DossierCounter.objects.get_or_create(organ=dossier.organ, day=day)
    counter = DossierCounter.objects.select_for_update().get(organ=dossier.organ, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    organ_code = dossier.organ.identifier(on=day)
    if not organ_code:
        raise DossierError({"organ": _("Cơ quan tiếp nhận chưa có mã định danh QCVN 102.")})
    dossier.code = format_code(organ_code, day, counter.last)
    return dossier.code
