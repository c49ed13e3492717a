"""Dossier events reach the applicant through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tinhso.dossiers import notify
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.services import (
    common,
    dossier_act,
    dossier_file_online,
    dossier_receive,
    dossier_receive_at_counter,
)
from tinhso.dossiers.tests.conftest import FORM
from tinhso.notifications.models import Notification
from tinhso.notifications.services import notification_retry
from tinhso.notifications.tests.smtp import smtp_server

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db
CODE = "000.00.03.H33-201102-0001"
SUBJECT = f"[Sở Tư pháp] Tiếp nhận hồ sơ {CODE}, hẹn trả kết quả 16/11/2020 08:00"


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        moment = datetime(2020, 11, 2, 8, 0, tzinfo=VN)

        def at(self, *args):
            self.moment = datetime(*args, tzinfo=VN)

    c = Clock()
    monkeypatch.setattr(common, "now", lambda: c.moment)
    for module in ("intake", "processing"):
        monkeypatch.setattr(f"tinhso.dossiers.services.{module}.now", lambda: c.moment)
    return c


@pytest.fixture
def hoa(office):
    applicant = office["applicant"]
    applicant.email, applicant.phone = "hoa@example.vn", "0912345678"
    applicant.save()
    return applicant


def counter(office):
    return dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
    )


def test_counter_intake_sends_the_receipt_over_smtp(
    office, hoa, clock, django_capture_on_commit_callbacks
):
    with smtp_server() as server, django_capture_on_commit_callbacks(execute=True):
        dossier = counter(office)
    assert dossier.code == CODE
    [envelope] = server.envelopes
    assert envelope.rcpt_tos == ["hoa@example.vn"]
    assert envelope.mail_from == "no-reply@localhost"
    head = envelope.original_content.split(b"\r\n\r\n")[0].decode("ascii")  # 7-bit headers
    unfolded = head.replace("\r\n ", " ")
    subject = next(line for line in unfolded.split("\r\n") if line.startswith("Subject:"))
    assert "=?utf-8?b?" in subject  # RFC 2047 encoded-words, not raw UTF-8
    [message] = server.messages
    # Django 5.2 folds a long encoded subject from the line after "Subject:"; unfolding leaves
    # a leading space that mail clients drop.
    assert message["Subject"].strip() == SUBJECT
    assert message["To"] == "Lê Thị Hoa <hoa@example.vn>"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"Mã hồ sơ: {CODE}" in text
    assert "Thủ tục: Cấp Phiếu lý lịch tư pháp" in text
    assert "Thời điểm tiếp nhận: 02/11/2020 08:00" in text
    assert "Thời gian hẹn trả kết quả: 16/11/2020 08:00" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"<td>{CODE}</td>" in html
    email_row = Notification.objects.get(channel="email")
    assert (email_row.status, email_row.attempts, email_row.ref) == (
        "sent",
        1,
        f"dossier:{dossier.pk}",
    )
    assert email_row.provider_ref == message["Message-ID"]
    sms_row = Notification.objects.get(channel="sms")
    assert (sms_row.status, sms_row.recipient) == ("sent", "0912345678")
    assert CODE in sms_row.body and "16/11/2020 08:00" in sms_row.body


def test_online_receipt_sends_once_however_often_announced(
    office, hoa, clock, django_capture_on_commit_callbacks
):
    clock.at(2020, 11, 7, 20, 0)
    with smtp_server() as server:
        with django_capture_on_commit_callbacks(execute=True):
            d = dossier_file_online(
                procedure=office["procedure"],
                applicant=hoa,
                organ=office["organ"],
                form_data=FORM,
                actor=None,
            )
        assert server.envelopes == []  # filing is not yet a receipt
        clock.at(2020, 11, 9, 7, 45)
        with django_capture_on_commit_callbacks(execute=True):
            d = dossier_receive(dossier=d, officer=office["one_stop_officer"].user)
        with django_capture_on_commit_callbacks(execute=True):
            assert notify.dossier_received(d) == []  # the same event again
        [message] = server.messages
    assert (
        "Thời gian hẹn trả kết quả: 23/11/2020 07:45"
        in message.get_body(preferencelist=("plain",)).get_content()
    )
    assert Notification.objects.filter(event="dossier_received").count() == 2  # email + SMS


def test_smtp_down_fails_the_message_not_the_intake(
    office, hoa, clock, django_capture_on_commit_callbacks
):
    with smtp_server(running=False) as server:
        with django_capture_on_commit_callbacks(execute=True):
            dossier = counter(office)
        assert Dossier.objects.get().code == dossier.code == CODE
        row = Notification.objects.get(channel="email")
        assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
        assert row.error.startswith("ConnectionRefusedError")
        assert Notification.objects.get(channel="sms").status == "sent"  # other channel unharmed
        server.start()
        with django_capture_on_commit_callbacks(execute=True):
            assert notification_retry() == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, row.error) == ("sent", 2, "")
        assert [e.rcpt_tos for e in server.envelopes] == [["hoa@example.vn"]]


def test_supplement_request_reaches_the_applicant_with_its_reason(
    office, hoa, clock, django_capture_on_commit_callbacks
):
    with smtp_server() as server:
        with django_capture_on_commit_callbacks(execute=True):
            d = counter(office)
        clock.at(2020, 11, 2, 9, 15)
        with django_capture_on_commit_callbacks(execute=True):
            dossier_act(
                dossier=d,
                officer=office["one_stop_officer"].user,
                action="request_supplement",
                note="Thiếu bản chụp CCCD",
            )
        messages = server.messages
    assert [m["Subject"].strip() for m in messages] == [
        SUBJECT,
        f"[Sở Tư pháp] Yêu cầu bổ sung, hoàn thiện hồ sơ {CODE}",
    ]
    text = messages[1].get_body(preferencelist=("plain",)).get_content()
    assert "Thiếu bản chụp CCCD" in text
    assert "tạm dừng từ 02/11/2020 09:15" in text
    assert Notification.objects.get(event="supplement_requested", channel="sms").body == (
        f"Ho so {CODE} can bo sung: Thieu ban chup CCCD (So Tu phap)."
    )


def test_result_ready_reaches_the_applicant_and_nothing_else_does(
    office, hoa, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = counter(office)
    with smtp_server() as server:
        steps = [("one_stop_officer", "forward"), ("specialist", "forward"), ("leader", "approve")]
        for who, action in steps:
            with django_capture_on_commit_callbacks(execute=True):
                d = dossier_act(dossier=d, officer=office[who].user, action=action)
        assert server.envelopes == []  # internal steps tell the applicant nothing
        clock.at(2020, 11, 5, 10, 0)
        with django_capture_on_commit_callbacks(execute=True):
            d = dossier_act(
                dossier=d, officer=office["one_stop_officer"].user, action="register_result"
            )
        with django_capture_on_commit_callbacks(execute=True):
            dossier_act(dossier=d, officer=office["one_stop_officer"].user, action="return_result")
        [message] = server.messages
    assert message["Subject"].strip() == f"[Sở Tư pháp] Hồ sơ {CODE} đã có kết quả"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "đã có kết quả giải quyết từ 05/11/2020 10:00 (hẹn trả 16/11/2020 08:00)" in text
    assert sorted(Notification.objects.values_list("event", flat=True)) == [
        "dossier_received",
        "dossier_received",
        "result_ready",
        "result_ready",
    ]
