"""Return of results by post and intake by post: the shipment written with the return action,
asked of the postal service (the live PostalSimulator) after the commit or later while it is
down, followed by signed callbacks, shown to the applicant and the official."""

import json
import logging
import urllib.request
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tinhso.directory.models import User
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier, Shipment
from tinhso.dossiers.services import postal
from tinhso.dossiers.statistics.definitions import Period
from tinhso.dossiers.statistics.report import build_report
from tinhso.dossiers.tests.conftest import FORM, LLTP
from tinhso.exchange.postal import base
from tinhso.exchange.postal.models import SimulatedShipment

pytestmark = pytest.mark.django_db
STATUS_URL = "/api/v1/postal/status"
DELIVERY = {
    "name": "Lê Thị Hoa",
    "phone": "0912 345 678",
    "address": "Số 12 đường Trần Phú",
    "ward": "Phường Rạch Giá",
    "province": "Tỉnh An Giang",
}


def result_ready(office):
    dossier = services.dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
    )
    for action, role in (
        ("forward", "one_stop_officer"),
        ("forward", "specialist"),
        ("approve", "leader"),
        ("register_result", "one_stop_officer"),
    ):
        dossier = services.dossier_act(dossier=dossier, officer=office[role].user, action=action)
    return dossier


def return_by_post(office, dossier, delivery=DELIVERY):
    return services.dossier_act(
        dossier=dossier,
        officer=office["one_stop_officer"].user,
        action="return_result",
        return_channel=3,
        delivery=delivery,
    )


@pytest.fixture
def postal_live(live_server, settings):
    settings.POSTAL_API_URL = f"{live_server.url}/simulators/buu-chinh/api"
    settings.POSTAL_CALLBACK_URL = f"{live_server.url}{STATUS_URL}"
    return live_server


def move(live_server, number, status):
    data = urlencode({"status": status}).encode()
    url = f"{live_server.url}/simulators/buu-chinh/{number}/chuyen-trang-thai"
    urllib.request.urlopen(url, data=data)  # noqa: S310 (follows the redirect to the list)


def signed(client, payload, secret=None, **headers):
    body = json.dumps(payload).encode()
    from django.conf import settings

    signature = base.sign(body, secret or settings.POSTAL_WEBHOOK_SECRET)
    return client.post(
        STATUS_URL,
        body,
        content_type="application/json",
        headers={base.SIGNATURE_HEADER: signature, **headers},
    )


@pytest.mark.django_db(transaction=True)
def test_return_by_post_end_to_end(office, postal_live, client):
    applicant = office["applicant"]
    applicant.user = User.objects.create_user(username=applicant.identifier, password="x-9-y-8-z")
    applicant.save()
    dossier = return_by_post(office, result_ready(office))  # committed: the task asked at once
    shipment = Shipment.objects.get()
    assert (shipment.direction, shipment.state, shipment.attempts) == ("out", "accepted", 1)
    assert base.valid_tracking_number(shipment.tracking_number)
    assert (shipment.phone, shipment.full_address) == (
        "0912345678",
        "Số 12 đường Trần Phú, Phường Rạch Giá, Tỉnh An Giang",
    )
    event = dossier.events.order_by("-pk").first()
    assert event.data == {"return_channel": 3, "shipment": shipment.reference}
    held = SimulatedShipment.objects.get()
    assert held.order_code == shipment.reference and held.request["senderName"] == "Sở Tư pháp"
    assert held.callback_url == f"{postal_live.url}{STATUS_URL}"

    move(postal_live, shipment.tracking_number, "in_transit")  # callbacks over HTTP, signed
    move(postal_live, shipment.tracking_number, "delivered")
    shipment.refresh_from_db()
    assert shipment.state == "delivered"
    assert [h["state"] for h in shipment.history] == [
        "to_request",
        "accepted",
        "in_transit",
        "delivered",
    ]
    assert all(h.get("event") for h in shipment.history[2:])

    client.force_login(applicant.user)
    page = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert shipment.tracking_number in page and "Đã phát thành công" in page
    assert "0912345678" not in page  # the phone is shown to officials only
    client.force_login(office["one_stop_officer"].user)
    page = client.get(f"/backoffice/ho-so/{dossier.pk}/").content.decode()
    assert shipment.tracking_number in page and "Đã phát thành công" in page


@pytest.mark.django_db(transaction=True)
def test_postal_service_down_then_retried_by_the_periodic_job(office, postal_live, settings):
    settings.POSTAL_API_URL = "http://127.0.0.1:9/api"  # nothing listens there
    settings.POSTAL_TIMEOUT = 2
    dossier = return_by_post(office, result_ready(office))
    assert Dossier.objects.get(pk=dossier.pk).state == "returned"  # the action stands
    shipment = Shipment.objects.get()
    assert (shipment.state, shipment.attempts, shipment.tracking_number) == ("to_request", 1, "")
    assert shipment.next_attempt_at > timezone.now() and shipment.last_error
    assert postal.shipments_send_due() == "nothing due"  # not before its retry time
    settings.POSTAL_API_URL = f"{postal_live.url}/simulators/buu-chinh/api"
    later = shipment.next_attempt_at + timedelta(seconds=1)
    assert postal.shipments_send_due(now=later) == "requested: 1"
    shipment.refresh_from_db()
    assert shipment.state == "accepted" and shipment.attempts == 2
    assert shipment.next_attempt_at is None and shipment.last_error == ""
    assert postal.shipments_send_due(now=later) == "nothing due"
    assert SimulatedShipment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_shipment_waits_for_the_official(office, postal_live, settings, client):
    dossier = result_ready(office)
    with pytest.raises(ValidationError):  # checked before: nothing leaves with a bad address
        return_by_post(office, dossier, {**DELIVERY, "phone": "12"})
    assert not Shipment.objects.exists()
    settings.POSTAL_API_URL = ""  # not configured yet: the shipment waits
    return_by_post(office, Dossier.objects.get(pk=dossier.pk))
    # What only the service checks (here a ward blanked behind the platform's back).
    Shipment.objects.update(ward="")
    settings.POSTAL_API_URL = f"{postal_live.url}/simulators/buu-chinh/api"
    later = Shipment.objects.get().next_attempt_at + timedelta(seconds=1)
    assert postal.shipments_send_due(now=later) == "refused: 1"
    shipment = Shipment.objects.get()
    assert shipment.state == "failed" and shipment.last_error == "Thiếu xã/phường người nhận."
    assert postal.shipments_send_due(now=later) == "nothing due"
    assert not SimulatedShipment.objects.exists()
    # The official sees why and corrects the address: asked again under a new reference.
    client.force_login(office["one_stop_officer"].user)
    page = client.get(f"/backoffice/ho-so/{dossier.pk}/").content.decode()
    assert "Thiếu xã/phường người nhận." in page and "Gửi lại" in page
    url = f"/backoffice/ho-so/{dossier.pk}/buu-gui/{shipment.pk}/"
    fields = {f"delivery_{k}": v for k, v in DELIVERY.items()}
    page = client.post(url, {**fields, "delivery_ward": ""}, follow=True).content.decode()
    assert "Cần ghi xã/phường nhận." in page and Shipment.objects.get().state == "failed"
    client.force_login(office["specialist"].user)  # not a one-stop officer
    client.post(url, fields)
    assert Shipment.objects.get().state == "failed"
    client.force_login(office["one_stop_officer"].user)
    client.post(url, fields)
    corrected = Shipment.objects.get()
    assert corrected.state == "accepted" and corrected.reference != shipment.reference
    assert corrected.ward == "Phường Rạch Giá" and base.valid_tracking_number(
        corrected.tracking_number
    )
    assert SimulatedShipment.objects.get().order_code == corrected.reference


def test_bad_address_is_refused_by_field_and_nothing_is_written(office):
    dossier = result_ready(office)
    with pytest.raises(ValidationError) as error:
        return_by_post(office, dossier, {**DELIVERY, "phone": "12345", "ward": " "})
    assert error.value.message_dict == {
        "delivery.phone": ["Số điện thoại người nhận không hợp lệ (10 chữ số, bắt đầu bằng 0)."],
        "delivery.ward": ["Cần ghi xã/phường nhận."],
    }
    assert Dossier.objects.get().state == "result_ready" and not Shipment.objects.exists()


def test_the_applicants_own_address_is_the_default(office, django_capture_on_commit_callbacks):
    applicant = office["applicant"]
    applicant.phone, applicant.address = "0987654321", "Ấp Phước Hòa"
    applicant.save()
    dossier = result_ready(office)
    assert postal.delivery_defaults(dossier) == {
        "name": "Lê Thị Hoa",
        "phone": "0987654321",
        "address": "Ấp Phước Hòa",
        "ward": "",
        "province": "",
    }
    dossier.form_data = {
        **FORM,
        "dia_chi": "Số 3 Lý Thường Kiệt",
        "xa_phuong": "Phường Vĩnh Thông",
        "tinh": "Tỉnh An Giang",
    }
    assert postal.delivery_defaults(dossier)["address"] == "Số 3 Lý Thường Kiệt"
    assert postal.delivery_defaults(dossier)["province"] == "Tỉnh An Giang"


def test_the_official_corrects_the_address_at_the_return(client, office, settings):
    settings.POSTAL_API_URL = ""  # not configured: the shipment waits, nothing is lost
    dossier = result_ready(office)
    client.force_login(office["one_stop_officer"].user)
    page = client.get(f"/backoffice/ho-so/{dossier.pk}/").content.decode()
    assert 'name="delivery_phone"' in page and 'value="Lê Thị Hoa"' in page
    url = f"/backoffice/ho-so/{dossier.pk}/thao-tac/"
    fields = {f"delivery_{k}": v for k, v in DELIVERY.items()}
    action = {"action": "return_result", "return_channel": "3"}
    page = client.post(url, {**action, **fields, "delivery_address": ""}, follow=True)
    assert "Cần ghi địa chỉ nhận (số nhà, đường, thôn/ấp)." in page.content.decode()
    assert Dossier.objects.get().state == "result_ready"
    client.post(url, {**action, **fields})
    shipment = Shipment.objects.get()
    assert (shipment.state, shipment.address) == ("to_request", "Số 12 đường Trần Phú")
    assert Dossier.objects.get().state == "returned"


@pytest.fixture
def shipped(office, settings, django_capture_on_commit_callbacks):
    settings.POSTAL_API_URL = ""
    return_by_post(office, result_ready(office))
    shipment = Shipment.objects.get()
    shipment.tracking_number, shipment.state = "EB473124829VN", "accepted"
    shipment.save()
    return shipment


def test_callbacks_are_idempotent_and_never_go_backwards(client, shipped):
    event = {"eventId": "e1", "itemCode": shipped.tracking_number, "status": "in_transit"}
    first = signed(client, {**event, "time": "2026-11-27T09:00:00+07:00"})
    assert first.status_code == 200
    assert first.json() == {
        "trackingNumber": "EB473124829VN",
        "state": "in_transit",
        "changed": True,
    }
    again = signed(client, {**event, "time": "2026-11-27T09:00:00+07:00"})
    assert again.status_code == 200 and again.json()["changed"] is False
    late = signed(client, {**event, "eventId": "e0", "status": "accepted"})
    assert late.status_code == 200 and late.json() == {**first.json(), "changed": False}
    shipped.refresh_from_db()
    assert shipped.state == "in_transit" and len(shipped.history) == 3  # + the skipped one


def test_bad_callbacks_are_refused_with_problem_details_and_logged(client, shipped, caplog):
    payload = {"eventId": "e1", "itemCode": shipped.tracking_number, "status": "delivered"}
    with caplog.at_level(logging.WARNING, logger="tinhso.dossiers.services.postal"):
        bad = signed(client, payload, secret="not-the-secret")
        unsigned = client.post(STATUS_URL, json.dumps(payload), content_type="application/json")
        unknown = signed(client, {**payload, "itemCode": "EB000000000VN"})
        malformed = signed(client, {**payload, "status": "lost"})
    assert bad.status_code == unsigned.status_code == 401
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["type"] == "urn:tinhso:problem:bad-signature"
    assert unknown.status_code == 404
    assert unknown.json()["errors"] == [
        {"field": "itemCode", "message": "Không có bưu gửi số hiệu EB000000000VN."}
    ]
    assert malformed.status_code == 422 and malformed.json()["title"] == "Dữ liệu không hợp lệ"
    assert malformed.json()["errors"] == [
        {"field": "status", "message": "Trường «status» thiếu hoặc không hợp lệ."}
    ]
    logged = [r.getMessage() for r in caplog.records if r.name.endswith("services.postal")]
    assert len(logged) == 4 and all(m.startswith("postal callback refused") for m in logged)
    assert sum("bad-signature" in m for m in logged) == 2
    shipped.refresh_from_db()
    assert shipped.state == "accepted" and len(shipped.history) == 1  # untouched


# --- intake by post (channel 3) --------------------------------------------------------


def intake_post(office, **changes):
    return {
        "thu_tuc": LLTP,
        "kind": "citizen",
        "identifier": "091190000777",
        "applicant_name": "Phạm Văn Tư",
        "organ": office["organ"].pk,
        "channel": "3",
        **{f"f_{k}": v for k, v in FORM.items()},
        "documents": [d.pk for d in office["procedure"].required_documents.all()],
        **changes,
    }


def test_intake_by_post_records_the_item_and_counts_as_channel_3(client, office):
    client.force_login(office["one_stop_officer"].user)
    page = client.get(f"/backoffice/tiep-nhan/?thu_tuc={LLTP}").content.decode()
    assert 'name="postal_tracking"' in page
    missing = client.post("/backoffice/tiep-nhan/", intake_post(office)).content.decode()
    assert "Ghi số hiệu bưu gửi trên phong bì" in missing and not Dossier.objects.exists()
    response = client.post(
        "/backoffice/tiep-nhan/", intake_post(office, postal_tracking=" eb473124829vn ")
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and dossier.channel == 3
    shipment = dossier.shipments.get()
    assert (shipment.direction, shipment.state, shipment.tracking_number) == (
        "in",
        "received",
        "EB473124829VN",
    )
    detail = client.get(response["Location"]).content.decode()
    assert "EB473124829VN" in detail and "Đã nhận hồ sơ qua bưu chính" in detail
    # Statistics: received by post, not at the counter.
    reader = OfficialFactory(organ=office["organ"], roles=[("leader", office["organ"], False)])
    assert reader is not None
    today = timezone.localdate()
    report = build_report(
        organs=type(office["organ"]).objects.filter(pk=office["organ"].pk),
        period=Period(date(today.year, today.month, 1), today),
        grouping="organ",
    )
    assert (report.total.counts["received_post"], report.total.counts["received_counter"]) == (
        1,
        0,
    )
