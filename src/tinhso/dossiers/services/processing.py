"""Processing along the procedure's template, and the applicant's own actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.directory.models import Applicant, Official, RoleAssignment
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can, holds_role
from tinhso.dossiers import notify
from tinhso.dossiers.models import Channel, Dossier
from tinhso.dossiers.services import postal
from tinhso.dossiers.services.common import (
    DossierError,
    calendar,
    enter_step,
    lock,
    now,
    record,
    transition,
)
from tinhso.dossiers.states import APPLICANT_ACTIONS, NEEDS_NOTE, Action, IllegalTransition, State
from tinhso.procedures import forms
from tinhso.procedures.models import ProcessStep

# Who may act at a step: whoever holds the step's role over the organ where it runs; besides,
# a leader of that organ may assign, and anyone processing there may resume or take back.
LEADER_ACTIONS = frozenset({Action.ASSIGN})
# Actions the template does not list: they follow from the state alone.
STATE_ONLY = frozenset({Action.RESUME, Action.HAND_BACK, Action.REFUSE_INTAKE})
# Actions that move the dossier to the step named by the template.
MOVES = {Action.FORWARD, Action.SEND_BACK, Action.APPROVE, Action.HAND_OVER}


def _step(dossier: Dossier) -> ProcessStep | None:
    return (
        dossier.procedure.steps.filter(key=dossier.step_key).first() if dossier.step_key else None
    )


def _may_act(officer: Any, action: str, step: ProcessStep | None, organ: Any) -> bool:
    if action in LEADER_ACTIONS:
        return can(officer, Permission.APPROVE_DOSSIER, organ)
    if step is None or action in STATE_ONLY:
        return can(officer, Permission.PROCESS_DOSSIER, organ) or bool(
            step and holds_role(officer, step.role, organ)
        )
    return holds_role(officer, step.role, organ)


def _pause(dossier: Dossier, at: datetime) -> None:
    dossier.paused_since = at


def _resume(dossier: Dossier, at: datetime) -> int:
    """Stop the pause: the due dates move by the working time it covered."""
    if dossier.paused_since is None:
        return 0
    cal = calendar(dossier.organ, at)
    minutes = cal.working_minutes(dossier.paused_since, at)
    if minutes and dossier.due_at:
        dossier.due_at = cal.add(dossier.due_at, minutes)
    if minutes and dossier.step_due_at:
        dossier.step_due_at = cal.add(dossier.step_due_at, minutes)
    dossier.paused_minutes += minutes
    dossier.paused_since = None
    return minutes


@transaction.atomic
def dossier_act(
    *,
    dossier: Dossier,
    officer: Any,
    action: str,
    note: str = "",
    version: int | None = None,
    assignee: Official | None = None,
    return_channel: int | None = None,
    delivery: dict[str, str] | None = None,
    announce_result: bool = True,
    leader_may_register: bool = False,
) -> Dossier:
    """An official's action on a dossier at its current step.

    `announce_result` False: registering the result does not send "come and collect it"
    (the signed electronic result sends its own message, `services.results`);
    `leader_may_register`: a leader of the organ where the step runs may register the result
    too (a result issued in the organ's name, signed with its key, `services.results`).

    Returning the result by post (`return_channel` 3) writes the shipment in this transaction,
    to `delivery` (name, phone, address, ward, province; None: the dossier's own address,
    `postal.delivery_defaults`); a bad address is a DossierError on `delivery.<field>`.

    Raises IllegalTransition (the caller answers 409 with the allowed actions), Conflict when
    `version` is stale, PermissionError outside the official's roles and scope, DossierError
    for a missing reason or a bad assignee.
    """
    dossier = lock(dossier, version)
    if action in APPLICANT_ACTIONS:
        raise IllegalTransition(State(dossier.state), action, [])
    from_state = dossier.state
    new_state = transition(dossier, action)
    step = _step(dossier)
    if (
        action not in STATE_ONLY
        and step is not None
        and action not in step.actions
        and action != Action.ASSIGN
    ):
        allowed = sorted(set(step.actions) | {Action.ASSIGN.value})
        raise IllegalTransition(State(from_state), action, allowed)
    organ = dossier.step_organ or dossier.organ
    if not _may_act(officer, action, step, organ) and not (
        leader_may_register
        and action == Action.REGISTER_RESULT
        and can(officer, Permission.APPROVE_DOSSIER, organ)
    ):
        raise PermissionError(_("Bạn không có quyền thực hiện thao tác này ở bước hiện tại."))
    if action in NEEDS_NOTE and not note.strip():
        raise DossierError({"note": _("Cần ghi rõ lý do.")})

    at = now()
    data: dict[str, Any] = {}
    dossier.state = new_state
    if action == Action.ASSIGN:
        if (
            assignee is None
            or not RoleAssignment.objects.filter(
                official=assignee, role=step.role if step else "specialist", organ=organ
            ).exists()
        ):
            raise DossierError(
                {
                    "assignee": _(
                        "Người được phân công phải giữ vai trò của bước này tại cơ quan xử lý."
                    )
                }
            )
        dossier.assignee = assignee
        data["assignee"] = assignee.pk
    elif action in MOVES or action == Action.HAND_BACK:
        key = (
            step.transitions.get("forward" if action == Action.HAND_BACK else action, "")
            if step
            else ""
        )
        target = dossier.procedure.steps.filter(key=key).first()
        if target is None:
            raise IllegalTransition(State(from_state), action, sorted(step.actions) if step else [])
        enter_step(dossier, target, at)
        data["to_step"] = target.key
    elif action in (Action.REQUEST_SUPPLEMENT, Action.SUSPEND):
        _pause(dossier, at)
        if action == Action.REQUEST_SUPPLEMENT:
            dossier.supplement_requests += 1
            notify.supplement_requested(dossier, note)
    elif action == Action.RESUME:
        data["paused_minutes"] = _resume(dossier, at)
    elif action == Action.REGISTER_RESULT:
        dossier.resolved_at = at
        if announce_result:
            notify.result_ready(dossier)
    elif action in (Action.REFUSE, Action.REFUSE_INTAKE):
        dossier.resolved_at = dossier.finished_at = at
    elif action == Action.RETURN_RESULT:
        if return_channel not in (None, *Channel.values):
            raise DossierError({"return_channel": _("Hình thức trả kết quả không hợp lệ.")})
        dossier.finished_at = at
        data["return_channel"] = return_channel or Channel.COUNTER
        if return_channel == Channel.POST:
            shipment = postal.result_shipment_create(
                dossier=dossier, delivery=delivery, actor=officer
            )
            data["shipment"] = shipment.reference
    record(
        dossier, action=action, from_state=from_state, actor=officer, at=at, note=note, data=data
    )
    return dossier


def _own(dossier: Dossier, applicant: Applicant) -> None:
    if dossier.applicant_id != applicant.pk:
        raise PermissionError(_("Hồ sơ này không phải của bạn."))


@transaction.atomic
def dossier_supplement(
    *,
    dossier: Dossier,
    applicant: Applicant,
    form_data: dict[str, Any] | None = None,
    note: str = "",
    actor: Any = None,
) -> Dossier:
    """The applicant supplements a dossier that was sent back for it: the clock resumes and
    the due date moves by the paused working time."""
    dossier = lock(dossier, None)
    _own(dossier, applicant)
    from_state = dossier.state
    dossier.state = transition(dossier, Action.SUPPLEMENT)
    if form_data is not None:
        data = forms.coerce(dossier.procedure.form_schema, form_data)
        errors = forms.validate(dossier.procedure.form_schema, data)
        if errors:
            raise DossierError(
                {f"form_data.{k}" if k else "form_data": v for k, v in errors.items()}
            )
        dossier.form_data = data
    at = now()
    minutes = _resume(dossier, at)
    record(
        dossier,
        action=Action.SUPPLEMENT,
        from_state=from_state,
        actor=actor,
        at=at,
        note=note,
        data={"paused_minutes": minutes},
    )
    return dossier


@transaction.atomic
def dossier_withdraw(
    *, dossier: Dossier, applicant: Applicant, note: str = "", actor: Any = None
) -> Dossier:
    """The applicant withdraws a dossier not yet resolved; it ends there."""
    dossier = lock(dossier, None)
    _own(dossier, applicant)
    from_state = dossier.state
    dossier.state = transition(dossier, Action.WITHDRAW)
    at = now()
    _resume(dossier, at)
    dossier.finished_at = at
    record(dossier, action=Action.WITHDRAW, from_state=from_state, actor=actor, at=at, note=note)
    return dossier
