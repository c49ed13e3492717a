import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.test import override_settings

from tinhso.notifications import services
from tinhso.notifications.models import Notification
from tinhso.notifications.services import (
    MAX_ATTEMPTS,
    Recipient,
    notification_deliver,
    notification_retry,
    notify,
)
from tinhso.notifications.sms import LoggingSmsGateway, SmsError, SmsGateway, get_gateway
from tinhso.notifications.tests.smtp import smtp_server

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db

CONTEXT = {
    "code": "000.00.03.H33-201102-0001",
    "procedure": "Cấp Phiếu lý lịch tư pháp",
    "organ": "Sở Tư pháp",
    "applicant": "Lê Thị Hoa",
    "received_at": datetime(2020, 11, 2, 8, 0, tzinfo=VN),
    "due_at": datetime(2020, 11, 16, 8, 30, tzinfo=VN),
}
HOA = Recipient(name="Lê Thị Hoa", email="hoa@example.vn", phone="0912 345 678")
SUBJECT = "[Sở Tư pháp] Tiếp nhận hồ sơ 000.00.03.H33-201102-0001, hẹn trả kết quả 16/11/2020 08:30"


def received(key="dossier:1:received", recipients=(HOA,)):
    return notify(
        event="dossier_received", key=key, recipients=recipients, context=CONTEXT, ref="dossier:1"
    )


class Recorder(SmsGateway):
    sent: list[tuple[str, str]] = []

    def __init__(self, **options):
        self.options = options

    def send(self, phone, text):
        Recorder.sent.append((phone, text))
        return f"rec-{len(Recorder.sent)}"


class Refusing(SmsGateway):
    def send(self, phone, text):
        raise SmsError("gateway answered 503")


def test_notify_logs_renders_and_sends_on_commit(django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.INFO, logger="tinhso.notifications.sms")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = received()
        assert {r.status for r in rows} == {"queued"}
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 2
    email_row, sms_row = sorted(Notification.objects.all(), key=lambda n: n.channel)
    assert (email_row.channel, email_row.recipient, email_row.status) == (
        "email",
        "hoa@example.vn",
        "sent",
    )
    assert email_row.subject == SUBJECT
    assert "Thời gian hẹn trả kết quả: 16/11/2020 08:30" in email_row.body
    assert "Thời điểm tiếp nhận: 02/11/2020 08:00" in email_row.body
    assert "<strong>16/11/2020 08:30</strong>" in email_row.body_html
    assert (email_row.ref, email_row.attempts, email_row.error) == ("dossier:1", 1, "")
    assert email_row.sent_at is not None and email_row.provider_ref.startswith("<")
    [message] = mail.outbox
    assert (message.subject, message.to) == (SUBJECT, ['"Lê Thị Hoa" <hoa@example.vn>'])
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    # the SMS: phone without spaces, one line without diacritics, written to the log
    assert (sms_row.channel, sms_row.recipient, sms_row.status) == ("sms", "0912345678", "sent")
    assert sms_row.body == (
        "So Tu phap da tiep nhan ho so 000.00.03.H33-201102-0001. Hen tra ket qua 16/11/2020 08:30."
    )
    assert sms_row.subject == "" and sms_row.provider_ref.startswith("log-")
    assert f"to 0912345678: {sms_row.body}" in caplog.text


def test_the_same_event_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = received()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = received()
    assert len(first) == 2 and again == [] and callbacks == []
    assert Notification.objects.count() == 2 and len(mail.outbox) == 1
    # a task run again for a sent message sends nothing either
    row = Notification.objects.get(channel="email")
    assert notification_deliver(notification_id=row.pk) == "sent"
    row.refresh_from_db()
    assert row.attempts == 1 and len(mail.outbox) == 1
    # another occurrence of the event is another message
    with django_capture_on_commit_callbacks(execute=True):
        assert len(received(key="dossier:2:received")) == 2
    assert len(mail.outbox) == 2


def test_a_rolled_back_action_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        received()
        raise RuntimeError("the action failed")
    assert callbacks == [] and Notification.objects.count() == 0 and mail.outbox == []


def test_recipients_without_address_and_unknown_events():
    assert received(recipients=[Recipient(name="Không có địa chỉ")]) == []
    assert [n.channel for n in received(recipients=[Recipient(name="A", phone="0988")])] == ["sms"]
    with pytest.raises(TemplateDoesNotExist):
        notify(event="no_such_event", key="k", recipients=[HOA], context={})
    assert Notification.objects.count() == 1


def test_smtp_failure_is_logged_and_retried_up_to_the_limit(django_capture_on_commit_callbacks):
    with smtp_server(running=False) as server:
        with django_capture_on_commit_callbacks(execute=True):
            received(recipients=[Recipient(name="Hoa", email="hoa@example.vn")])
        row = Notification.objects.get()
        assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
        assert row.error.startswith("ConnectionRefusedError")
        server.start()
        with django_capture_on_commit_callbacks(execute=True):
            assert notification_retry() == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, row.error) == ("sent", 2, "")
        assert [e.rcpt_tos for e in server.envelopes] == [["hoa@example.vn"]]
        with django_capture_on_commit_callbacks(execute=True):
            assert notification_retry() == 0  # nothing left to retry


@override_settings(SMS_BACKEND="tinhso.notifications.tests.test_services.Refusing")
def test_a_message_that_keeps_failing_stops_at_max_attempts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = received(recipients=[Recipient(name="A", phone="0912345678")])
    for _ in range(MAX_ATTEMPTS + 2):
        with django_capture_on_commit_callbacks(execute=True):
            notification_retry()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.error == "SmsError: gateway answered 503"
    assert notification_deliver(notification_id=row.pk) == "failed"


def test_a_stuck_sending_row_is_retried(django_capture_on_commit_callbacks):
    [row] = received(recipients=[Recipient(name="A", email="a@example.vn")])
    Notification.objects.filter(pk=row.pk).update(
        status="sending", attempts=1, last_attempt_at=datetime(2020, 1, 1, tzinfo=VN)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_retry() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_sms_backend_setting_chooses_the_gateway(django_capture_on_commit_callbacks):
    assert isinstance(get_gateway(), LoggingSmsGateway)
    Recorder.sent = []
    with override_settings(
        SMS_BACKEND="tinhso.notifications.tests.test_services.Recorder",
        SMS_OPTIONS={"brandname": "UBND TINH"},
    ):
        assert get_gateway().options == {"brandname": "UBND TINH"}
        with django_capture_on_commit_callbacks(execute=True):
            [row] = received(recipients=[Recipient(name="A", phone="0912345678")])
    row.refresh_from_db()
    assert Recorder.sent == [("0912345678", row.body)]
    assert (row.status, row.provider_ref) == ("sent", "rec-1")
    with (
        override_settings(SMS_BACKEND="tinhso.notifications.models.Notification"),
        pytest.raises(TypeError),
    ):
        get_gateway()


def test_unaccent_keeps_case():
    assert services.unaccent("Đã tiếp nhận hồ sơ; hẹn trả") == "Da tiep nhan ho so; hen tra"


def test_admin_lists_the_log(admin_client):
    received()
    page = admin_client.get("/admin/notifications/notification/")
    assert page.status_code == 200
    assert "hoa@example.vn" in page.content.decode()
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403
