from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tinhso.dossiers.models import Dossier, DossierEvent
from tinhso.dossiers.services import (
    Conflict,
    DossierError,
    common,
    dossier_act,
    dossier_file_online,
    dossier_receive,
    dossier_receive_at_counter,
    dossier_supplement,
    dossier_withdraw,
)
from tinhso.dossiers.states import IllegalTransition
from tinhso.dossiers.tests.conftest import FORM

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Set the services' clock: clock.at(2020, 11, 3, 8) → that moment in Vietnam."""

    class Clock:
        moment = datetime(2020, 11, 2, 8, 0, tzinfo=VN)

        def at(self, *args):
            self.moment = datetime(*args, tzinfo=VN)

    c = Clock()
    monkeypatch.setattr(common, "now", lambda: c.moment)
    for module in ("intake", "processing"):
        monkeypatch.setattr(f"tinhso.dossiers.services.{module}.now", lambda: c.moment)
    return c


def counter(office, **kwargs):
    return dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
        **kwargs,
    )


def test_counter_intake_gives_code_due_date_and_first_step(office, clock):
    clock.at(2020, 11, 2, 8, 0)  # Monday
    dossier = counter(office)
    assert dossier.code == "000.00.03.H33-201102-0001"
    assert dossier.state == "received"
    assert timezone.localtime(dossier.due_at) == datetime(2020, 11, 16, 8, 0, tzinfo=VN)  # 10 days
    assert dossier.step_key == "tiep-nhan"
    assert timezone.localtime(dossier.step_due_at) == datetime(2020, 11, 2, 13, 30, tzinfo=VN)
    assert counter(office).code == "000.00.03.H33-201102-0002"
    clock.at(2020, 11, 3, 9, 0)
    assert counter(office).code == "000.00.03.H33-201103-0001"  # numbering restarts daily
    event = dossier.events.get()
    assert (event.action, event.from_state, event.to_state, event.step_key) == (
        "receive",
        "draft",
        "received",
        "tiep-nhan",
    )


def test_whole_process_to_the_result(office, clock):
    clock.at(2020, 11, 2, 8, 0)
    d = counter(office)
    d = dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="forward")
    assert (d.state, d.step_key) == ("processing", "tham-dinh")
    d = dossier_act(dossier=d, officer=office["specialist"].user, action="forward")
    assert d.step_key == "phe-duyet"
    d = dossier_act(dossier=d, officer=office["leader"].user, action="approve")
    assert d.step_key == "tra-ket-qua"
    clock.at(2020, 11, 5, 10, 0)
    d = dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="register_result")
    assert d.state == "result_ready" and d.resolved_at == clock.moment
    d = dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="return_result")
    assert d.state == "returned" and d.finished_at == clock.moment
    assert list(d.events.values_list("action", flat=True)) == [
        "receive",
        "forward",
        "forward",
        "approve",
        "register_result",
        "return_result",
    ]
    assert d.version == 6


def test_online_filing_then_receipt(office, clock):
    clock.at(2020, 11, 7, 20, 0)  # Saturday evening
    d = dossier_file_online(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        actor=None,
    )
    assert (d.state, d.code, d.channel, d.service_level) == ("submitted", None, 2, "4")
    clock.at(2020, 11, 9, 7, 45)
    d = dossier_receive(dossier=d, officer=office["one_stop_officer"].user)
    assert d.code == "000.00.03.H33-201109-0001"
    assert timezone.localtime(d.due_at) == datetime(2020, 11, 23, 7, 45, tzinfo=VN)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({**FORM, "so_dinh_danh": "123"}, "form_data.so_dinh_danh"),
        ({k: v for k, v in FORM.items() if k != "muc_dich"}, "form_data.muc_dich"),
        ({**FORM, "loai_phieu": "Phiếu số 9"}, "form_data.loai_phieu"),
    ],
)
def test_bad_form_data_is_refused_by_field_and_writes_nothing(office, clock, form, field):
    with pytest.raises(DossierError) as error:
        dossier_file_online(
            procedure=office["procedure"],
            applicant=office["applicant"],
            organ=office["organ"],
            form_data=form,
            actor=None,
        )
    assert list(error.value.message_dict) == [field]
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0


def test_online_filing_needs_an_online_service_and_the_right_organ(office, clock):
    with pytest.raises(DossierError) as error:
        dossier_file_online(
            procedure=office["procedure"],
            applicant=office["applicant"],
            organ=office["other_organ"],
            form_data=FORM,
            actor=None,
        )
    assert "organ" in error.value.message_dict


def test_supplement_pauses_the_clock_and_extends_the_due_date(office, clock):
    clock.at(2020, 11, 2, 8, 0)
    d = counter(office)
    due = d.due_at
    with pytest.raises(DossierError) as error:
        dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="request_supplement")
    assert list(error.value.message_dict) == ["note"]
    d = dossier_act(
        dossier=d,
        officer=office["one_stop_officer"].user,
        action="request_supplement",
        note="Thiếu bản chụp CCCD",
    )
    assert d.state == "waiting_supplement" and d.supplement_requests == 1
    clock.at(2020, 11, 3, 8, 0)  # one working day later
    d = dossier_supplement(dossier=d, applicant=office["applicant"])
    assert d.state == "processing"
    assert d.paused_minutes == 480
    assert timezone.localtime(d.due_at) == datetime(2020, 11, 17, 8, 0, tzinfo=VN)
    assert d.due_at > due


def test_illegal_action_names_the_allowed_ones(office, clock):
    d = counter(office)
    with pytest.raises(IllegalTransition) as error:
        dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="approve")
    assert "forward" in error.value.allowed
    with pytest.raises(IllegalTransition):
        dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="return_result")
    assert Dossier.objects.get().version == 1


def test_only_the_step_role_in_scope_may_act(office, clock):
    d = counter(office)
    for who in ("specialist", "leader", "clerk", "outsider"):
        with pytest.raises(PermissionError):
            dossier_act(dossier=d, officer=office[who].user, action="forward")
    assert Dossier.objects.get().step_key == "tiep-nhan"


def test_two_officials_at_once_one_wins(office, clock):
    d = counter(office)
    seen = d.version
    dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="forward", version=seen)
    with pytest.raises(Conflict):
        dossier_act(
            dossier=d,
            officer=office["one_stop_officer"].user,
            action="refuse",
            note="trùng",
            version=seen,
        )
    d.refresh_from_db()
    assert (d.state, d.version) == ("processing", 2)
    assert d.events.count() == 2


def test_withdraw_and_refuse(office, clock):
    d = counter(office)
    d = dossier_withdraw(dossier=d, applicant=office["applicant"], note="Không cần nữa")
    assert d.state == "withdrawn" and d.finished_at is not None
    d2 = counter(office)
    d2 = dossier_act(
        dossier=d2,
        officer=office["one_stop_officer"].user,
        action="refuse",
        note="Không đủ điều kiện",
    )
    assert d2.state == "rejected" and d2.resolved_at is not None
    with pytest.raises(IllegalTransition):
        dossier_withdraw(dossier=d2, applicant=office["applicant"])


def test_history_is_append_only(office, clock):
    event = counter(office).events.get()
    event.note = "sửa"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
