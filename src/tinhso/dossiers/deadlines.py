"""The deadline watch: alerts officials before and after a step or a dossier falls due, and
sends the applicant the apology letter when a dossier goes past its promised date.

Run every 15 minutes (`tinhso watch_deadlines`, or the `watch_deadlines_task` task). Each
alert is a `DeadlineAlert` row unique on (dossier, step, kind), created in the same transaction
that queues its messages, so a second run, or two at once, alert once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from tinhso.directory.models import Official, Organ, Role
from tinhso.dossiers import notify
from tinhso.dossiers.models import AlertKind, DeadlineAlert, Dossier
from tinhso.dossiers.selectors import due_soon_horizon, marker
from tinhso.dossiers.states import CLOCK_STOPPED, State
from tinhso.procedures.models import ProcessStep

# States whose legal clock runs and that have no result yet: a registered result is not late.
WATCHED = [s.value for s in State if s not in CLOCK_STOPPED and s != State.RESULT_READY]
DOSSIER_SCOPE = ""  # the step_key of alerts about the whole dossier's due date


@dataclass
class WatchReport:
    checked: int = 0
    alerts: int = 0
    messages: int = 0
    apologies: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def summary(self) -> str:
        return (
            "checked {checked} dossier(s): {alerts} new alert(s), {apologies} apology "
            "letter(s), {messages} message(s) queued".format(**self.as_dict())
        )


def _kind(due: datetime | None, now: datetime, horizon: datetime) -> str | None:
    if due is None:
        return None
    if due < now:
        return AlertKind.OVERDUE
    if due <= horizon:
        return AlertKind.DUE_SOON
    return None


def officials_with_role(role: str, organ: Organ) -> QuerySet[Official]:
    """Active officials holding `role` over `organ`: on it, or on an ancestor with its subtree."""
    ancestors = [p for p in organ.tree_path.split("/") if p]
    paths = ["/" + "/".join(ancestors[: i + 1]) + "/" for i in range(len(ancestors))]
    return (
        Official.objects.filter(is_active=True, user__is_active=True)
        .filter(
            Q(roles__role=role, roles__organ=organ)
            | Q(roles__role=role, roles__include_subtree=True, roles__organ__tree_path__in=paths)
        )
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def recipients(dossier: Dossier, step: ProcessStep | None, scope: str) -> list[Official]:
    """Whom an alert goes to: the assignee, or (unassigned) whoever holds the step's role where
    it runs; and the leaders of that organ, and of the receiving organ for the whole dossier."""
    organ = dossier.step_organ or dossier.organ
    chosen: dict[int, Official] = {}
    if dossier.assignee_id and dossier.assignee.is_active:
        chosen[dossier.assignee.pk] = dossier.assignee
    elif step is not None:
        chosen.update((o.pk, o) for o in officials_with_role(step.role, organ))
    leader_organs = [organ] if scope != DOSSIER_SCOPE else [organ, dossier.organ]
    for where in leader_organs:
        chosen.update((o.pk, o) for o in officials_with_role(Role.LEADER, where))
    return list(chosen.values())


def _alert(
    dossier: Dossier, *, step_key: str, kind: str, due: datetime, now: datetime
) -> int | None:
    """Create the alert and queue its messages; None when it was given before, else how many
    messages were queued."""
    alert, created = DeadlineAlert.objects.get_or_create(
        dossier=dossier, step_key=step_key, kind=kind, defaults={"due_at": due, "at": now}
    )
    if not created:
        return None
    current = (
        dossier.procedure.steps.filter(key=dossier.step_key).first() if dossier.step_key else None
    )
    officials = recipients(dossier, current, step_key)
    queued = notify.deadline_alert(
        dossier,
        kind=kind,
        step_key=step_key,
        step_name=current.name if current and step_key != DOSSIER_SCOPE else "",
        due=due,
        officials=officials,
    )
    alert.recipients = len(officials)
    alert.save(update_fields=["recipients"])
    return len(queued)


def watch_dossier(dossier: Dossier, now: datetime, report: WatchReport) -> None:
    """Alert what became due soon or overdue on one dossier, in one transaction."""
    if not marker(dossier, now):
        return
    horizon = due_soon_horizon(now)
    with transaction.atomic():
        scopes = ((dossier.step_key, dossier.step_due_at), (DOSSIER_SCOPE, dossier.due_at))
        for step_key, due in scopes:
            kind = _kind(due, now, horizon)
            if kind is None or due is None:
                continue
            queued = _alert(dossier, step_key=step_key, kind=kind, due=due, now=now)
            if queued is None:
                continue
            report.alerts += 1
            report.messages += queued
            if step_key == DOSSIER_SCOPE and kind == AlertKind.OVERDUE:
                report.apologies += 1
                report.messages += len(notify.dossier_late(dossier))


def _alerted(kind: str, *, whole: bool) -> Exists:
    step_key: Any = Value(DOSSIER_SCOPE) if whole else OuterRef("step_key")
    return Exists(
        DeadlineAlert.objects.filter(dossier=OuterRef("pk"), step_key=step_key, kind=kind)
    )


def pending(now: datetime) -> QuerySet[Dossier]:
    """Open dossiers with a running clock and a deadline due soon or passed that was not
    alerted yet (the watch does not re-read dossiers it has fully alerted)."""
    horizon = due_soon_horizon(now)
    soon, over = AlertKind.DUE_SOON, AlertKind.OVERDUE
    return (
        Dossier.objects.filter(state__in=WATCHED, paused_since__isnull=True)
        .annotate(
            step_soon=_alerted(soon, whole=False),
            step_over=_alerted(over, whole=False),
            whole_soon=_alerted(soon, whole=True),
            whole_over=_alerted(over, whole=True),
        )
        .filter(
            Q(step_due_at__lt=now, step_over=False)
            | Q(step_due_at__gte=now, step_due_at__lte=horizon, step_soon=False)
            | Q(due_at__lt=now, whole_over=False)
            | Q(due_at__gte=now, due_at__lte=horizon, whole_soon=False)
        )
        .select_related("procedure", "organ", "step_organ", "applicant", "assignee__user")
        .order_by("pk")
    )


def watch_deadlines(now: datetime | None = None) -> WatchReport:
    """Alert every open dossier whose current step or whole dossier became due soon (in its
    last day, as `selectors.marker` marks it) or overdue since the last run; send the apology
    letter to the applicant of each dossier that went past its due date.

    Dossiers whose clock is stopped (waiting for a supplement, suspended) and those with a
    result are left alone. Safe to run at any time, as often as wanted, and concurrently.
    """
    now = now or timezone.now()
    report = WatchReport()
    for dossier in list(pending(now)):
        report.checked += 1
        watch_dossier(dossier, now, report)
    return report
