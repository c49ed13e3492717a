"""Reads of dossiers: work queues, the public status lookup, a dossier with its history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import sql
from tinhso.directory.models import Applicant, Role
from tinhso.directory.permissions import grants_of, organs_in_scope
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.models.dossier import STATE_LABELS
from tinhso.dossiers.states import TERMINAL, State
from tinhso.procedures.models import Procedure, ProcessStep
from tinhso.workcalendar.selectors import calendar_for

# A step is "due soon" in its last working day: 8 working hours or less remain.
DUE_SOON_WORKING_MINUTES = 8 * 60
OPEN_STATES = [s.value for s in State if s not in TERMINAL and s not in (State.DRAFT,)]


def queue(*, user: Any) -> QuerySet[Dossier]:
    """The dossiers waiting for `user`, most urgent first: those assigned to them; those at a
    step whose role they hold, in an organ their grant covers, not assigned to anyone; and, for
    one-stop officers, online dossiers waiting for intake at their organ."""
    open_dossiers = Dossier.objects.filter(state__in=OPEN_STATES)
    if getattr(user, "is_superuser", False):
        chosen = open_dossiers
    else:
        condition = Q(assignee__user=user)
        for grant in grants_of(user):
            where = Q(step_organ_id=grant.organ_id)
            intake_at = Q(organ_id=grant.organ_id)
            if grant.include_subtree:
                where |= Q(step_organ__tree_path__startswith=grant.tree_path)
                intake_at |= Q(organ__tree_path__startswith=grant.tree_path)
            step_of_role = ProcessStep.objects.filter(
                procedure_id=OuterRef("procedure_id"), key=OuterRef("step_key"), role=grant.role
            )
            condition |= where & Q(assignee__isnull=True) & Exists(step_of_role)
            if grant.role == Role.ONE_STOP_OFFICER:
                condition |= intake_at & Q(state=State.SUBMITTED)
        chosen = open_dossiers.filter(condition)
    return chosen.select_related(
        "procedure", "applicant", "organ", "step_organ", "assignee__user"
    ).order_by(F("step_due_at").asc(nulls_last=True), "submitted_at", "pk")


def marker(dossier: Dossier, at: datetime | None = None) -> str:
    """ "overdue" when the dossier or its step is past due, "due_soon" when one of them has
    at most one working day (8 working hours, on the default calendar) left, "" otherwise and
    while the clock is stopped."""
    at = at or timezone.now()
    if dossier.paused_since is not None:
        return ""
    dues = [d for d in (dossier.due_at, dossier.step_due_at) if d is not None]
    if any(d < at for d in dues):
        return "overdue"
    horizon = due_soon_horizon(at)
    if any(d <= horizon for d in dues):
        return "due_soon"
    return ""


def due_soon_horizon(at: datetime) -> datetime:
    """The moment one working day (8 working hours) after `at`: a deadline at or before it is
    "due soon". On the default calendar (per-organ hours are not consulted here)."""
    return calendar_for(year=timezone.localtime(at).year).add(at, DUE_SOON_WORKING_MINUTES)


def _status_sql() -> str:
    dossiers, applicants = Dossier._meta.db_table, Applicant._meta.db_table
    procedures = Procedure._meta.db_table
    return (
        "SELECT d.code, p.name, d.state, d.received_at, d.due_at, d.resolved_at, d.finished_at "  # noqa: S608 (table names are ours)
        f"FROM {dossiers} d JOIN {applicants} a ON a.id = d.applicant_id "
        f"JOIN {procedures} p ON p.id = d.procedure_id "
        "WHERE d.code = %s AND a.identifier = %s"
    )


def _aware(value: Any) -> datetime | None:
    """A timestamp read by a raw cursor: aware on PostgreSQL, naive UTC on SQLite."""
    if value is None or timezone.is_aware(value):
        return value  # type: ignore[no-any-return]
    return timezone.make_aware(value, UTC)


def public_status(*, code: str, identifier: str) -> dict[str, Any]:
    """Status and dates of a dossier for whoever knows its code and the applicant's identity
    number; nothing else, and the same answer for a wrong code as for a wrong number.

    The public site's hottest read, so one fixed SQL statement by the unique code (compiling
    the equivalent ORM query costs several times running it; bench/README.md, 3a). Raises
    Http404.
    """
    row = sql.fetch_one(_status_sql(), [code.strip(), identifier.strip()])
    if row is None:
        raise Http404(_("Không tìm thấy hồ sơ với mã và số giấy tờ đã nhập."))
    code, procedure, state, received, due, resolved, finished = row
    return {
        "code": code,
        "procedure": procedure,
        "state": state,
        "state_label": str(STATE_LABELS[State(state)]),
        "received_at": _aware(received),
        "due_at": _aware(due),
        "resolved_at": _aware(resolved),
        "finished_at": _aware(finished),
    }


def dossier_for_official(*, user: Any, pk: int) -> Dossier:
    """A dossier the official may see: received by or now at an organ in their scope."""
    scope = organs_in_scope(user)
    dossier = (
        Dossier.objects.filter(Q(organ__in=scope) | Q(step_organ__in=scope), pk=pk)
        .select_related("procedure", "applicant", "organ", "step_organ", "assignee__user")
        .prefetch_related("events__actor")
        .first()
    )
    if dossier is None:
        raise Http404(_("Không có hồ sơ này trong phạm vi của bạn."))
    return dossier


def dossiers_of_applicant(*, applicant: Applicant) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(applicant=applicant)
        .select_related("procedure", "organ")
        .order_by("-created_at")
    )
