"""The inbox endpoint: authentication, every refusal code, idempotent receipt."""

from __future__ import annotations

import pytest

from tinhso.exchange import applying
from tinhso.exchange.models import InboxMessage, MessageLog
from tinhso.exchange.tests.nodes import (
    HERE,
    THERE,
    document_package,
    local_organ,
    post,
    signed,
)

pytestmark = pytest.mark.django_db


def test_a_package_is_accepted_once_and_a_repeat_answers_the_first_row(
    client, peer, calls, stranger
):
    data = signed(document_package(), stranger)
    first = post(client, data)
    assert first.status_code == 200
    body = first.json()
    assert (body["code"], body["title"], body["duplicate"]) == (0, "Thành công", False)
    assert (body["state"], body["result"]) == ("accepted", {})
    assert calls == []  # accepted: the apply worker applies it
    again = post(client, data)
    assert again.status_code == 200
    assert again.json() == {**body, "duplicate": True}
    row = InboxMessage.objects.get()
    assert (row.kind, row.sender_id, row.peer, str(row.message_id), row.state) == (
        "document",
        THERE,
        peer,
        body["message_id"],
        "accepted",
    )
    assert row.document_id == f"{THERE},2020/11/03,12/BNV-VP"
    assert row.recipient_id == HERE
    entry = MessageLog.objects.get(seq=row.log_seq)
    assert (entry.direction, bytes(entry.data)) == ("received", data)
    assert applying.apply_due()["applied"] == 1
    assert calls[0][2] == [HERE]
    after = post(client, data).json()
    assert (after["state"], after["result"], after["duplicate"]) == (
        "applied",
        {"code": 0, "incoming": [1]},
        True,
    )
    assert applying.apply_due()["applied"] == 0
    assert len(calls) == 1


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


def test_an_oversized_body_gets_10(client, peer, calls, settings, monkeypatch):
    from tinhso.exchange import edxml

    monkeypatch.setattr(edxml, "LIMITS", edxml.Limits(max_package_bytes=100))
    refusal(post(client, b"x" * 101), 413, 10)


def test_the_inbox_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/exchange/inbox"]["post"]
    assert "application/xml" in operation["requestBody"]["content"]
    assert {"200", "401", "403", "422", "500"} <= set(operation["responses"])
