"""Reminders before and after handling deadlines: once each, to the right people."""

from datetime import datetime

import pytest
from django.core.management import call_command

from tinhso.documents import services
from tinhso.documents.deadlines import watch_deadlines
from tinhso.documents.models import HandlingAlert, IncomingDocument
from tinhso.documents.tests.conftest import VN, issued
from tinhso.notifications.models import Notification

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=VN)


@pytest.fixture
def assigned(org, clock):
    """Assigned on Monday 02/11/2020 08:00 with 2 working days: due Wednesday 08:00."""
    services.distribute(document=issued(org), actor=org["clerk"].user)
    incoming = IncomingDocument.objects.get()
    services.register_incoming(incoming=incoming, actor=org["justice_clerk"].user)
    services.assign(
        incoming=incoming,
        actor=org["justice_leader"].user,
        assignee=org["justice_specialist"],
        deadline_days=2,
    )
    incoming.refresh_from_db()
    assert incoming.handling_deadline == at(2020, 11, 4, 8, 0)
    return incoming


def told(event):
    return sorted(Notification.objects.filter(event=event).values_list("recipient", flat=True))


def test_due_soon_then_overdue_once_each(org, assigned):
    specialist = org["justice_specialist"].user.email
    leader = org["justice_leader"].user.email
    # Monday 10:00: more than a working day left
    assert watch_deadlines(at(2020, 11, 2, 10, 0)).alerts == 0
    # Tuesday 09:00: the deadline falls within the next 8 working hours
    report = watch_deadlines(at(2020, 11, 3, 9, 0))
    assert (report.alerts, report.messages) == (1, 1)
    assert told("document_due_soon") == [specialist]
    assert watch_deadlines(at(2020, 11, 3, 9, 15)).as_dict() == {
        "checked": 0,
        "alerts": 0,
        "messages": 0,
    }
    # Wednesday 08:01: overdue, the assigning leader is told too
    report = watch_deadlines(at(2020, 11, 4, 8, 1))
    assert (report.alerts, report.messages) == (1, 2)
    assert told("document_overdue") == sorted([specialist, leader])
    assert watch_deadlines(at(2020, 11, 5, 8, 0)).alerts == 0
    message = Notification.objects.get(event="document_overdue", recipient=specialist)
    assert message.subject == ("[Tỉnh Số] Văn bản đến số 1 đã quá hạn xử lý (04/11/2020 08:00)")
    assert "01/UBND-VP" in message.body and "Trích yếu: V/v triển khai" in message.body
    assert sorted(HandlingAlert.objects.values_list("kind", "recipients")) == [
        ("due_soon", 1),
        ("overdue", 2),
    ]


def test_completed_documents_are_left_alone_and_reassignment_reminds_afresh(org, assigned, clock):
    watch_deadlines(at(2020, 11, 4, 9, 0))
    assert HandlingAlert.objects.count() == 1
    clock.at(2020, 11, 4, 9, 0)
    services.assign(
        incoming=assigned,
        actor=org["justice_leader"].user,
        assignee=org["justice_specialist"],
        deadline_days=1,
    )
    assert watch_deadlines(at(2020, 11, 5, 8, 0)).alerts == 1  # the new deadline is due soon
    services.start_handling(incoming=assigned, actor=org["justice_specialist"].user)
    services.complete(incoming=assigned, actor=org["justice_specialist"].user)
    assert watch_deadlines(at(2020, 11, 9, 8, 0)).alerts == 0
    assert HandlingAlert.objects.count() == 2


def test_command_and_periodic_job(org, assigned, capsys):
    from tinhso.core import periodic

    job = next(j for j in periodic.jobs() if j.name == "documents.watch_deadlines")
    assert job.every_seconds == 900
    call_command("watch_document_deadlines", "--at", "2020-11-04T09:00+07:00")
    assert capsys.readouterr().out.strip() == (
        "Checked 1 document(s): 1 new reminder(s), 2 message(s) queued."
    )
    call_command("watch_document_deadlines", "--at", "2020-11-04T09:00+07:00", "--quiet")
    assert capsys.readouterr().out == ""
