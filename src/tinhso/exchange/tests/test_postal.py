"""The postal adapter: pure checks, and the HTTP client against the live PostalSimulator."""

import pytest
from django.core.management import call_command

from tinhso.exchange.postal import base
from tinhso.exchange.postal.base import (
    NotFound,
    PostalError,
    PostalRefused,
    PostalStatus,
    PostalUnavailable,
    Recipient,
    ShipmentRequest,
)
from tinhso.exchange.postal.client import PostalClient
from tinhso.exchange.postal.models import SimulatedShipment

RECIPIENT = Recipient(
    name="Lê Thị Hoa",
    phone="0912 345 678",
    address="Số 12 đường Trần Phú",
    ward="Phường Rạch Giá",
    province="Tỉnh An Giang",
)


def request(reference="000.00.03.H33-251127-0001-A1", **changes):
    values = {
        "reference": reference,
        "sender_organ": "Sở Tư pháp",
        "sender_address": "Rạch Giá",
        "sender_phone": "02973862000",
        "recipient": RECIPIENT,
        "description": "Kết quả giải quyết TTHC",
        "declared_value": 0,
        "cod_amount": 200_000,
        **changes,
    }
    return ShipmentRequest(**values)


def test_s10_check_digit_of_the_upu_example():
    assert base.s10_check_digit("47312482") == 9  # RR473124829GB in UPU S10
    number = base.tracking_number("EB", 47312482)
    assert number == "EB473124829VN" and base.valid_tracking_number(number)
    assert not base.valid_tracking_number("EB473124828VN")  # wrong check digit
    assert not base.valid_tracking_number("EB47312482VN")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("02973 862 000", "02973862000"),
        ("0112345678", None),
        ("091234567", None),
        ("", None),
    ],
)
def test_vietnamese_phone_numbers(raw, normal):
    assert base.normalize_phone(raw) == normal


def test_recipient_faults_are_named_by_field():
    errors = base.check_recipient(Recipient(name="", phone="123", address="", ward="", province=""))
    assert set(errors) == {"name", "phone", "address", "ward", "province"}
    assert errors["phone"].startswith("Số điện thoại người nhận không hợp lệ")
    assert base.check_recipient(RECIPIENT) == {}


def test_callback_signature():
    body = b'{"itemCode":"EB473124829VN"}'
    signature = base.sign(body, "s3cret")
    assert base.verify(body, signature, "s3cret")
    assert not base.verify(body + b" ", signature, "s3cret")
    assert not base.verify(body, signature, "other")
    assert not base.verify(body, "", "s3cret")


pytestmark_live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client_live(live_server, settings):
    return PostalClient(
        base_url=f"{live_server.url}/simulators/buu-chinh/api", token=settings.POSTAL_API_KEY
    )


@pytestmark_live
def test_create_status_and_cancel_against_the_simulator(client_live):
    shipment = client_live.create_shipment(request())
    assert base.valid_tracking_number(shipment.tracking_number)
    assert shipment.status == PostalStatus.ACCEPTED and shipment.fee > 0
    row = SimulatedShipment.objects.get()
    assert row.request["receiverPhone"] == "0912 345 678" and row.request["codAmount"] == 200_000
    # The same reference again: the same shipment, not a second one.
    assert client_live.create_shipment(request()).tracking_number == shipment.tracking_number
    assert SimulatedShipment.objects.count() == 1
    status = client_live.get_status(shipment.tracking_number)
    assert [e.status for e in status.history] == [PostalStatus.ACCEPTED]
    cancelled = client_live.cancel(shipment.tracking_number)
    assert cancelled.status == PostalStatus.CANCELLED
    assert SimulatedShipment.objects.get().status == "cancelled"


@pytestmark_live
def test_the_simulator_refuses_bad_input_by_field(client_live):
    bad = Recipient(name="Lê Thị Hoa", phone="12345", address="", ward="X", province="Y")
    with pytest.raises(PostalRefused) as error:
        client_live.create_shipment(request(recipient=bad))
    assert set(error.value.errors) == {"phone", "address"}
    assert error.value.errors["address"] == "Thiếu địa chỉ người nhận."
    assert SimulatedShipment.objects.count() == 0
    with pytest.raises(NotFound):
        client_live.get_status("EB473124829VN")


@pytestmark_live
def test_a_delivered_item_cannot_be_cancelled(client_live):
    shipment = client_live.create_shipment(request())
    call_command("postal_simulator", "move", shipment.tracking_number, "in_transit")
    with pytest.raises(PostalRefused):
        client_live.cancel(shipment.tracking_number)
    call_command("postal_simulator", "step")
    assert client_live.get_status(shipment.tracking_number).status == PostalStatus.DELIVERED


@pytestmark_live
def test_wrong_token_and_unreachable_service(live_server, client_live):
    wrong = PostalClient(base_url=client_live.base_url, token="not-the-key")
    with pytest.raises(PostalError) as error:
        wrong.create_shipment(request())
    assert not isinstance(error.value, (PostalRefused, PostalUnavailable))
    assert SimulatedShipment.objects.count() == 0
    down = PostalClient(base_url="http://127.0.0.1:9/api", token="x", timeout=2)
    with pytest.raises(PostalUnavailable):
        down.create_shipment(request())


@pytestmark_live
def test_the_simulator_page_moves_items_along(client, client_live):
    shipment = client_live.create_shipment(request())
    page = client.get("/simulators/buu-chinh/").content.decode()
    assert "PostalSimulator" in page and shipment.tracking_number in page
    move = f"/simulators/buu-chinh/{shipment.tracking_number}/chuyen-trang-thai"
    assert client.post(move, {"status": "delivered"}).status_code == 400  # not from accepted
    assert client.post(move, {"status": "in_transit"}).status_code == 302
    assert client.post(move, {"status": "returned"}).status_code == 302
    row = SimulatedShipment.objects.get()
    assert row.status == "returned"
    assert [e["status"] for e in row.history] == ["accepted", "in_transit", "returned"]


def test_production_refuses_the_simulators_published_values(settings):
    from tinhso.exchange.postal.checks import postal_not_simulated

    settings.DEBUG, settings.POSTAL_SIMULATOR = False, False
    settings.POSTAL_API_URL = "http://x/simulators/buu-chinh/api"
    assert [e.id for e in postal_not_simulated()] == ["postal.E001", "postal.E001", "postal.E002"]
    settings.POSTAL_API_KEY, settings.POSTAL_WEBHOOK_SECRET = "k-from-vnpost", "s-from-vnpost"
    settings.POSTAL_API_URL = "https://api.vnpost.example/v1"
    assert postal_not_simulated() == []
    settings.POSTAL_SIMULATOR = True
    settings.POSTAL_API_KEY = "buu-chinh-simulator-key"
    assert postal_not_simulated() == []


def test_an_empty_webhook_secret_verifies_nothing():
    assert not base.verify(b"{}", base.sign(b"{}", ""), "")
