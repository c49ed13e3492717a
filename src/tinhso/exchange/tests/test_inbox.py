"""The inbox endpoint: authentication, every refusal code, idempotent receipt."""

from __future__ import annotations

import pytest

from tinhso.exchange import registry
from tinhso.exchange.edxml import ErrorCode
from tinhso.exchange.models import InboxMessage
from tinhso.exchange.tests.nodes import (
    HERE,
    THERE,
    document_package,
    local_organ,
    make_peer,
    signed,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/inbox"
KEY = "peer-key-of-bo-noi-vu-0123456789"


@pytest.fixture
def calls():
    """Replace the registered handlers by recorders (the documents app's are put back)."""
    seen: list[tuple] = []
    previous = registry.document_handler(), registry.status_handler()

    def on_document(package, message_id, organ_ids):
        seen.append((package.header.document_id, message_id, organ_ids))
        return {"incoming": [len(seen)]}

    registry.register_document_handler(on_document)
    yield seen
    registry.register_document_handler(previous[0])
    registry.register_status_handler(previous[1])


@pytest.fixture
def peer(stranger):
    local_organ(HERE)
    return make_peer("bo-noi-vu", identity=stranger, organs=[THERE], key=KEY)


def post(client, data: bytes, key: str | None = KEY):
    headers = {"HTTP_X_API_KEY": key} if key else {}
    return client.post(URL, data=data, content_type="application/xml", **headers)


def test_a_package_is_applied_once_and_a_repeat_answers_the_first_result(
    client, peer, calls, stranger
):
    data = signed(document_package(), stranger)
    first = post(client, data)
    assert first.status_code == 200
    body = first.json()
    assert (body["code"], body["title"], body["duplicate"]) == (0, "Thành công", False)
    assert body["result"] == {"code": 0, "incoming": [1]}
    again = post(client, data)
    assert again.status_code == 200
    assert again.json() == {**body, "duplicate": True}
    assert len(calls) == 1
    row = InboxMessage.objects.get()
    assert (row.kind, row.sender_id, row.peer, str(row.message_id)) == (
        "document",
        THERE,
        peer,
        body["message_id"],
    )
    assert row.document_id == f"{THERE},2020/11/03,12/BNV-VP"
    assert calls[0][2] == [HERE]


def refusal(response, status: int, code: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert body["title"]
    return body


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_a_caller_without_a_peer_key_gets_15(client, peer, calls, stranger, key):
    body = refusal(post(client, signed(document_package(), stranger), key), 401, 15)
    assert body["title"] == "Thông tin xác thực của hệ thống không đúng"
    assert (calls, InboxMessage.objects.count()) == ([], 0)


def test_an_inactive_peer_gets_15(client, peer, calls, stranger):
    peer.active = False
    peer.save()
    refusal(post(client, signed(document_package(), stranger)), 401, 15)


def test_a_package_signed_by_another_key_gets_15(client, peer, calls, node):
    body = refusal(post(client, signed(document_package(), node)), 401, 15)
    assert body["type"] == "urn:tinhso:problem:exchange-15"
    assert (calls, InboxMessage.objects.count()) == ([], 0)


def test_garbage_gets_10_and_wrong_namespace_22(client, peer, calls):
    refusal(post(client, b"not xml at all"), 400, 10)
    wrong = b'<?xml version="1.0"?><edXML:edXML xmlns:edXML="urn:other"/>'
    refusal(post(client, wrong), 422, 22)
    assert (calls, InboxMessage.objects.count()) == ([], 0)


def test_a_sender_the_peer_does_not_serve_gets_19(client, peer, calls, stranger):
    package = document_package(sender="000.00.00.G11")
    body = refusal(post(client, signed(package, stranger)), 403, 19)
    assert "000.00.00.G11" in body["detail"]
    assert (calls, InboxMessage.objects.count()) == ([], 0)


def test_a_receiver_this_node_does_not_serve_gets_18(client, peer, calls, stranger):
    package = document_package(to="000.00.00.H40")
    refusal(post(client, signed(package, stranger)), 422, 18)
    assert (calls, InboxMessage.objects.count()) == ([], 0)


@pytest.mark.parametrize("ended", ["identifier", "organ"])
def test_a_receiver_that_no_longer_receives_gets_23(client, peer, calls, stranger, ended):
    """An organ this node knew but that ended (the district organs abolished in 2025): the
    sender learns the address is closed (23), not unknown (18)."""
    from datetime import date

    from tinhso.directory.models import OrganIdentifier

    closed = local_organ("000.00.12.H33", name="UBND huyện đã giải thể")
    if ended == "identifier":
        OrganIdentifier.objects.filter(organ=closed).update(valid_to=date(2025, 6, 30))
    else:
        type(closed).objects.filter(pk=closed.pk).update(valid_to=date(2025, 6, 30))
    package = document_package(to="000.00.12.H33")
    body = refusal(post(client, signed(package, stranger)), 423, 23)
    assert "000.00.12.H33" in body["detail"]
    assert (calls, InboxMessage.objects.count()) == ([], 0)


def test_a_handler_refusal_keeps_its_code_and_stores_nothing(client, peer, calls, stranger):
    def refuse(package, message_id, organ_ids):
        InboxMessage.objects.update(result={"half": "written"})
        raise registry.Refused(ErrorCode.FILE_PROCESSING, "the attachment is not a PDF")

    registry.register_document_handler(refuse)
    body = refusal(post(client, signed(document_package(), stranger)), 422, 21)
    assert body["detail"] == "the attachment is not a PDF"
    assert InboxMessage.objects.count() == 0


def test_a_failing_handler_is_a_system_error_20_and_can_be_sent_again(
    client, peer, calls, stranger
):
    def fail(package, message_id, organ_ids):
        raise RuntimeError("database gone")

    registry.register_document_handler(fail)
    data = signed(document_package(), stranger)
    refusal(post(client, data), 500, 20)
    assert InboxMessage.objects.count() == 0
    registry.register_document_handler(lambda p, m, o: {"incoming": [7]})
    assert post(client, data).json()["result"] == {"code": 0, "incoming": [7]}


def test_an_oversized_body_gets_10(client, peer, calls, settings, monkeypatch):
    from tinhso.exchange import edxml

    monkeypatch.setattr(edxml, "LIMITS", edxml.Limits(max_package_bytes=100))
    refusal(post(client, b"x" * 101), 413, 10)


def test_the_inbox_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/exchange/inbox"]["post"]
    assert "application/xml" in operation["requestBody"]["content"]
    assert {"200", "401", "403", "422", "500"} <= set(operation["responses"])
