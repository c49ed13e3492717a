"""Reminders about handling deadlines of incoming documents: before (within the last working
day) and after (overdue). Run every 15 minutes (`tinhso watch_document_deadlines`, or the
`watch_document_deadlines_task` task).

Each reminder is a `HandlingAlert` row unique on (document, kind, deadline), created in the
same transaction that queues its messages, so a second run, or two at once, remind once; a
reassignment with a new deadline is reminded afresh. The assignee is told; when overdue, the
leader who assigned it too."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tinhso.documents.models import HandlingAlert, IncomingDocument
from tinhso.documents.models.choices import URGENCY_CHOICES
from tinhso.documents.selectors import due_soon_horizon
from tinhso.documents.states import INCOMING_RUNNING
from tinhso.notifications.models import Notification
from tinhso.notifications.services import Recipient, notify

RUNNING = [s.value for s in INCOMING_RUNNING]


@dataclass
class WatchReport:
    checked: int = 0
    alerts: int = 0
    messages: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def summary(self) -> str:
        return (
            "checked {checked} document(s): {alerts} new reminder(s), {messages} "
            "message(s) queued".format(**self.as_dict())
        )


def _alerted(kind: str) -> Exists:
    return Exists(
        HandlingAlert.objects.filter(
            incoming=OuterRef("pk"), kind=kind, due_at=OuterRef("handling_deadline")
        )
    )


def pending(now: datetime) -> QuerySet[IncomingDocument]:
    """Documents being handled (not taken back by their sender) whose deadline is due soon or
    passed, not reminded yet for that deadline."""
    horizon = due_soon_horizon(now)
    return (
        IncomingDocument.objects.filter(
            state__in=RUNNING, handling_deadline__isnull=False, revoked_at__isnull=True
        )
        .annotate(
            soon=_alerted(HandlingAlert.Kind.DUE_SOON), over=_alerted(HandlingAlert.Kind.OVERDUE)
        )
        .filter(
            Q(handling_deadline__lt=now, over=False)
            | Q(handling_deadline__gte=now, handling_deadline__lte=horizon, soon=False)
        )
        .select_related("organ", "assignee__user", "assigned_by")
        .order_by("pk")
    )


def _recipients(incoming: IncomingDocument, kind: str) -> list[Recipient]:
    people = []
    if incoming.assignee is not None and incoming.assignee.is_active:
        user = incoming.assignee.user
        people.append(Recipient(name=str(user), email=user.email))
    leader = incoming.assigned_by
    if kind == HandlingAlert.Kind.OVERDUE and leader is not None and leader.is_active:
        people.append(Recipient(name=str(leader), email=leader.email))
    return people


def remind(incoming: IncomingDocument, kind: str, now: datetime) -> list[Notification] | None:
    """Give one reminder (None when it was given before) and queue its messages."""
    deadline = incoming.handling_deadline
    assert deadline is not None
    alert, created = HandlingAlert.objects.get_or_create(
        incoming=incoming, kind=kind, due_at=deadline, defaults={"at": now}
    )
    if not created:
        return None
    people = _recipients(incoming, kind)
    queued = notify(
        event=f"document_{kind}",
        key=f"incoming:{incoming.pk}:{kind}:{deadline.isoformat()}",
        recipients=people,
        context={
            "number": incoming.number,
            "organ": incoming.organ.name,
            "sender": incoming.sender_name,
            "notation": incoming.sender_notation,
            "summary": incoming.summary,
            "urgency": dict(URGENCY_CHOICES)[incoming.urgency],
            "deadline": deadline,
            "assignee": str(incoming.assignee.user) if incoming.assignee else "",
        },
        ref=f"incoming_document:{incoming.pk}",
    )
    alert.recipients = len(people)
    alert.save(update_fields=["recipients"])
    return queued


def watch_deadlines(now: datetime | None = None) -> WatchReport:
    """Remind about every incoming document whose handling deadline became due soon (its last
    working day) or passed since the last run. Safe to run at any time and concurrently."""
    now = now or timezone.now()
    horizon = due_soon_horizon(now)
    report = WatchReport()
    for incoming in list(pending(now)):
        report.checked += 1
        deadline = incoming.handling_deadline
        assert deadline is not None
        kind = HandlingAlert.Kind.OVERDUE if deadline < now else HandlingAlert.Kind.DUE_SOON
        if kind == HandlingAlert.Kind.DUE_SOON and deadline > horizon:
            continue
        with transaction.atomic():
            queued = remind(incoming, kind, now)
        if queued is not None:
            report.alerts += 1
            report.messages += len(queued)
    return report
