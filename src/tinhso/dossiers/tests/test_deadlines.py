from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from tinhso.directory.tests.factories import OfficialFactory
from tinhso.dossiers.deadlines import officials_with_role, watch_deadlines
from tinhso.dossiers.models import DeadlineAlert
from tinhso.dossiers.services import common, dossier_act, dossier_receive_at_counter
from tinhso.dossiers.tasks import watch_deadlines_task
from tinhso.dossiers.tests.conftest import FORM
from tinhso.notifications.models import Notification

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db
CODE = "000.00.03.H33-201102-0001"


def at(*args):
    return datetime(*args, tzinfo=VN)


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        moment = at(2020, 11, 2, 8, 0)

        def at(self, *args):
            self.moment = at(*args)

    c = Clock()
    monkeypatch.setattr(common, "now", lambda: c.moment)
    for module in ("intake", "processing"):
        monkeypatch.setattr(f"tinhso.dossiers.services.{module}.now", lambda: c.moment)
    return c


@pytest.fixture
def people(office):
    """Everyone of the office with an email address, and a second specialist."""
    office["specialist2"] = OfficialFactory(
        organ=office["organ"], roles=[("specialist", office["organ"], False)]
    )
    for role in ("one_stop_officer", "specialist", "specialist2", "leader", "clerk", "outsider"):
        user = office[role].user
        user.email = f"{role}@stp.example.vn"
        user.save()
    office["applicant"].email = "hoa@example.vn"
    office["applicant"].save()
    return office


def counter(office):
    return dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
    )


def address(message):
    return message.to[0].rsplit("<", 1)[1].rstrip(">")


def alerts():
    return sorted(DeadlineAlert.objects.values_list("step_key", "kind", "recipients"))


def told(event):
    return sorted(Notification.objects.filter(event=event).values_list("recipient", flat=True))


def test_step_due_soon_alerts_once(people, clock):
    counter(people)  # Monday 08:00: the intake step is due at 13:30, the dossier on 16/11 08:00
    # more than one working day before the step is due: nothing yet (Sunday already counts:
    # Monday is the last working day before the step is due)
    assert watch_deadlines(at(2020, 10, 29, 8, 0)).alerts == 0
    report = watch_deadlines(at(2020, 11, 2, 8, 30))
    assert report.as_dict() == {"checked": 1, "alerts": 1, "messages": 2, "apologies": 0}
    assert alerts() == [("tiep-nhan", "due_soon", 2)]
    # unassigned: whoever holds the step's role there, and the organ's leaders; nobody else
    assert told("deadline_due_soon") == ["leader@stp.example.vn", "one_stop_officer@stp.example.vn"]
    subject = Notification.objects.filter(event="deadline_due_soon").first().subject
    assert subject == (
        f'[Tỉnh Số] Hồ sơ {CODE} sắp đến hạn ở bước "Tiếp nhận, kiểm tra hồ sơ" (02/11/2020 13:30)'
    )
    again = watch_deadlines(at(2020, 11, 2, 8, 45))
    assert again.as_dict() == {"checked": 0, "alerts": 0, "messages": 0, "apologies": 0}
    assert Notification.objects.filter(event__startswith="deadline").count() == 2


def test_overdue_alerts_then_apologises_once(people, clock, django_capture_on_commit_callbacks):
    counter(people)
    with django_capture_on_commit_callbacks(execute=True):
        assert watch_deadlines(at(2020, 11, 2, 14, 0)).alerts == 1  # the step is overdue
    assert alerts() == [("tiep-nhan", "overdue", 2)]
    assert sorted(address(m) for m in mail.outbox) == [
        "leader@stp.example.vn",
        "one_stop_officer@stp.example.vn",
    ]
    assert watch_deadlines(at(2020, 11, 2, 14, 15)).alerts == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = watch_deadlines(at(2020, 11, 16, 9, 0))  # past the promised 16/11 08:00
    assert report.as_dict() == {"checked": 1, "alerts": 1, "messages": 3, "apologies": 1}
    assert alerts() == [("", "overdue", 2), ("tiep-nhan", "overdue", 2)]
    assert told("dossier_late") == ["hoa@example.vn"]
    assert sorted(address(m) for m in mail.outbox) == [
        "hoa@example.vn",
        "leader@stp.example.vn",
        "one_stop_officer@stp.example.vn",
    ]
    apology = next(m for m in mail.outbox if m.to == ['"Lê Thị Hoa" <hoa@example.vn>'])
    assert apology.subject == (f"[Sở Tư pháp] Thư xin lỗi: hồ sơ {CODE} chưa có kết quả đúng hẹn")
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in apology.body
    assert "hẹn trả kết quả ngày 16/11/2020 08:00" in apology.body
    assert "ngày hẹn trả kết quả mới sẽ được thông báo" in apology.body
    assert watch_deadlines(at(2020, 11, 17, 9, 0)).alerts == 0
    assert Notification.objects.filter(event="dossier_late").count() == 1


def test_an_assigned_step_alerts_the_assignee_not_the_other_specialists(people, clock):
    d = counter(people)
    clock.at(2020, 11, 2, 9, 0)
    d = dossier_act(dossier=d, officer=people["one_stop_officer"].user, action="forward")
    d = dossier_act(
        dossier=d, officer=people["leader"].user, action="assign", assignee=people["specialist"]
    )
    assert d.step_key == "tham-dinh"
    assert watch_deadlines(at(2020, 11, 10, 9, 0)).alerts == 0  # step due 12/11 09:00
    assert watch_deadlines(at(2020, 11, 11, 10, 0)).alerts == 1
    assert alerts() == [("tham-dinh", "due_soon", 2)]
    assert told("deadline_due_soon") == ["leader@stp.example.vn", "specialist@stp.example.vn"]


def test_paused_and_resolved_dossiers_are_not_alerted(people, clock):
    waiting = counter(people)
    clock.at(2020, 11, 2, 9, 0)
    dossier_act(
        dossier=waiting,
        officer=people["one_stop_officer"].user,
        action="request_supplement",
        note="Thiếu bản chụp CCCD",
    )
    resolved = counter(people)
    for who, action in [
        ("one_stop_officer", "forward"),
        ("specialist", "forward"),
        ("leader", "approve"),
        ("one_stop_officer", "register_result"),
    ]:
        resolved = dossier_act(dossier=resolved, officer=people[who].user, action=action)
    assert resolved.state == "result_ready"
    report = watch_deadlines(at(2020, 11, 20, 9, 0))  # both long past their dates
    assert report.as_dict() == {"checked": 0, "alerts": 0, "messages": 0, "apologies": 0}
    assert DeadlineAlert.objects.count() == 0
    assert Notification.objects.filter(event__in=["dossier_late", "deadline_overdue"]).count() == 0


def test_command_and_task(people, clock, capsys):
    counter(people)
    call_command("watch_deadlines", at="2020-11-02T08:30+07:00")
    assert capsys.readouterr().out == (
        "Checked 1 dossier(s): 1 new alert(s), 0 apology letter(s), 2 message(s) queued.\n"
    )
    call_command("watch_deadlines", at="2020-11-02 08:45", quiet=True)  # naive: Vietnam time
    assert capsys.readouterr().out == ""
    result = watch_deadlines_task.enqueue("2020-11-02T14:00:00+07:00")
    assert result.return_value == {"checked": 1, "alerts": 1, "messages": 2, "apologies": 0}
    call_command("watch_deadlines", at="2020-11-02T14:00+07:00", enqueue=True)
    assert capsys.readouterr().out.startswith("Enqueued deadline watch ")
    assert alerts() == [("tiep-nhan", "due_soon", 2), ("tiep-nhan", "overdue", 2)]


def test_officials_with_role_follow_subtree_grants(organ_tree):
    commune, district, province = (organ_tree[k] for k in ("commune", "district", "province"))
    here = OfficialFactory(organ=commune, roles=[("leader", commune, False)])
    above = OfficialFactory(organ=province, roles=[("leader", province, True)])
    OfficialFactory(organ=district, roles=[("leader", district, False)])  # no subtree grant
    OfficialFactory(organ=commune, roles=[("specialist", commune, False)])  # another role
    OfficialFactory(organ=commune, roles=[("leader", commune, False)], is_active=False)
    assert list(officials_with_role("leader", commune)) == [here, above]
