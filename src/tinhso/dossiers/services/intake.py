"""Intake: online filing by the applicant, receipt of an online dossier, counter intake."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.directory.models import Applicant, Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.dossiers import digitisation, fees, notify
from tinhso.dossiers.models import Channel, Dossier
from tinhso.dossiers.services import postal
from tinhso.dossiers.services.common import (
    DossierError,
    assign_code,
    calendar,
    enter_step,
    first_step,
    lock,
    now,
    record,
    transition,
)
from tinhso.dossiers.states import Action
from tinhso.procedures import forms
from tinhso.procedures.models import Procedure, TimeUnit


def _check_filing(
    *,
    procedure: Procedure,
    applicant: Applicant,
    organ: Organ,
    form_data: dict[str, Any],
    at: datetime,
    online: bool,
) -> tuple[dict[str, Any], str]:
    """The cleaned form data and the service level in force, or DossierError by field."""
    errors: dict[str, list[str]] = {}
    if not procedure.is_active:
        errors["procedure"] = [_("Thủ tục không còn áp dụng.")]
    level = procedure.level_on(timezone.localtime(at).date())  # the Vietnamese day
    if online and not (level and level.online_filing):
        errors.setdefault("procedure", []).append(_("Thủ tục này không nhận hồ sơ trực tuyến."))
    if not procedure.is_offered_by(organ):
        errors["organ"] = [_("Cơ quan này không giải quyết thủ tục đã chọn.")]
    if procedure.applicant_kinds and applicant.kind not in procedure.applicant_kinds:
        errors["applicant"] = [_("Thủ tục không dành cho loại người nộp này.")]
    data = forms.coerce(procedure.form_schema, form_data)
    for field, messages in forms.validate(procedure.form_schema, data).items():
        errors.setdefault(f"form_data.{field}" if field else "form_data", []).extend(messages)
    if errors:
        raise DossierError(errors)
    return data, level.kind if level else ""


@transaction.atomic
def dossier_file_online(
    *,
    procedure: Procedure,
    applicant: Applicant,
    organ: Organ,
    form_data: dict[str, Any],
    actor: Any,
    data_reused: bool = False,
) -> Dossier:
    """An applicant files a dossier online: it waits for the one-stop officer's receipt.
    `data_reused`: the form kept values prefilled from the population database
    (`digitisation.prefill_kept`, indicator 4.3).

    Raises DossierError naming each bad field (form fields as `form_data.<name>`); writes
    nothing then.
    """
    at = now()
    data, level = _check_filing(
        procedure=procedure,
        applicant=applicant,
        organ=organ,
        form_data=form_data,
        at=at,
        online=True,
    )
    dossier = Dossier(
        procedure=procedure,
        organ=organ,
        applicant=applicant,
        channel=Channel.ONLINE,
        service_level=level,
        form_data=data,
        submitted_at=at,
        data_reused=data_reused,
    )
    dossier.state = transition(dossier, Action.SUBMIT)
    record(dossier, action=Action.SUBMIT, from_state="draft", actor=actor, at=at)
    fees.request_fees(dossier)
    return dossier


def _start_clock(dossier: Dossier, at: datetime) -> None:
    procedure = dossier.procedure
    limit = {
        "working_days"
        if procedure.time_unit == TimeUnit.WORKING_DAYS
        else "working_hours": procedure.time_limit
    }
    dossier.received_at = at
    dossier.due_at = calendar(dossier.organ, at).due(at, cutoff=procedure.cutoff, **limit)
    enter_step(dossier, first_step(procedure), at)


@transaction.atomic
def dossier_receive(*, dossier: Dossier, officer: Any, version: int | None = None) -> Dossier:
    """The one-stop officer receives an online dossier: it gets its code and due date."""
    dossier = lock(dossier, version)
    if not can(officer, Permission.RECEIVE_DOSSIER, dossier.organ):
        raise PermissionError(_("Bạn không có quyền tiếp nhận hồ sơ của cơ quan này."))
    from_state = dossier.state
    dossier.state = transition(dossier, Action.RECEIVE)
    at = now()
    assign_code(dossier, at)
    fees.code_assigned(dossier)
    _start_clock(dossier, at)
    digitisation.flags_at_intake(dossier)
    record(dossier, action=Action.RECEIVE, from_state=from_state, actor=officer, at=at)
    audit_record(action="dossier.receive", obj=dossier, actor=officer)
    notify.dossier_received(dossier)
    return dossier


@transaction.atomic
def dossier_receive_at_counter(
    *,
    procedure: Procedure,
    applicant: Applicant,
    organ: Organ,
    form_data: dict[str, Any],
    officer: Any,
    channel: int = Channel.COUNTER,
    note: str = "",
    documents_received: list[int] | None = None,
    postal_tracking: str = "",
) -> Dossier:
    """The one-stop officer receives a dossier handed in at the counter (or by post): it is
    created received, with its code and due date, at the first step of the process. A dossier
    that came by post (channel 3) records the item's `postal_tracking` number (required).

    `documents_received` is the completeness check: the ids of the procedure's required
    documents the officer found in the file (None skips the check, e.g. for imports). A
    missing mandatory document refuses the intake, naming it (field `documents`)."""
    if channel not in (Channel.COUNTER, Channel.POST):
        raise DossierError(
            {"channel": _("Tiếp nhận tại quầy chỉ nhận hồ sơ trực tiếp hoặc qua bưu chính.")}
        )
    if not can(officer, Permission.RECEIVE_DOSSIER, organ):
        raise PermissionError(_("Bạn không có quyền tiếp nhận hồ sơ của cơ quan này."))
    at = now()
    data, level = _check_filing(
        procedure=procedure,
        applicant=applicant,
        organ=organ,
        form_data=form_data,
        at=at,
        online=False,
    )
    if documents_received is not None:
        missing = procedure.required_documents.filter(optional=False).exclude(
            pk__in=documents_received
        )
        if missing:
            raise DossierError(
                {"documents": [_("Thiếu «%(n)s».") % {"n": d.name} for d in missing]}
            )
    dossier = Dossier(
        procedure=procedure,
        organ=organ,
        applicant=applicant,
        channel=channel,
        service_level=level,
        form_data=data,
        submitted_at=at,
        state="received",
        # Papers at the counter are not electronic attachments (digitisation.py, 4.2).
        digitised=not procedure.required_documents.exists(),
    )
    assign_code(dossier, at)
    _start_clock(dossier, at)
    record(
        dossier,
        action=Action.RECEIVE,
        from_state="draft",
        actor=officer,
        at=at,
        note=note,
        data={"documents": sorted(documents_received)} if documents_received is not None else None,
    )
    if channel == Channel.POST:
        postal.intake_shipment_record(dossier=dossier, tracking_number=postal_tracking)
    audit_record(action="dossier.receive", obj=dossier, actor=officer)
    notify.dossier_received(dossier)
    return dossier
