"""The batch inbox (`POST /api/v1/exchange/inbox/batch`): several packages a request from a
Tỉnh Số peer, each answered as the single inbox answers it, all written in one transaction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.exchange import edxml, messagelog, transport
from tinhso.exchange.models import BATCH_MAX_PACKAGES, InboxMessage, MessageLog
from tinhso.exchange.tests.nodes import PEER_KEY, document_package, post, signed

pytestmark = pytest.mark.django_db

BATCH_URL = "/api/v1/exchange/inbox/batch"


def post_batch(client, packages: list[bytes], key: str | None = PEER_KEY):
    body, content_type = transport.multipart(packages)
    headers = {"HTTP_X_API_KEY": key} if key else {}
    return client.post(BATCH_URL, data=body, content_type=content_type, **headers)


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_each_package_of_a_batch_is_answered_in_its_order(client, peer, calls, stranger, node):
    first = signed(document_package(number="1"), stranger)
    second = signed(document_package(number="2"), stranger)
    forged = signed(document_package(number="3"), node)  # not the peer's key: 15
    response = post_batch(client, [first, forged, second, first])
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["code"] for r in results] == [0, 15, 0, 0]
    assert [r.get("duplicate") for r in results] == [False, None, False, True]
    assert results[3]["message_id"] == results[0]["message_id"]
    assert results[1]["title"] and "signature" in results[1]["detail"]
    rows = InboxMessage.objects.order_by("log_seq")
    assert [str(r.message_id) for r in rows] == [results[0]["message_id"], results[2]["message_id"]]
    assert all(r.state == "accepted" and r.peer == peer for r in rows)
    entries = list(MessageLog.objects.order_by("seq"))
    assert [e.direction for e in entries] == ["received", "refused", "received", "duplicate"]
    assert [bytes(e.data) if e.data else None for e in entries[:3]] == [first, forged, second]
    assert [e.seq for e in entries[::2]] == [r.log_seq for r in rows]
    assert "same batch" in entries[3].detail
    assert messagelog.verify().ok
    assert calls == []  # accepted: the apply worker applies them


def test_a_package_received_before_is_answered_with_its_first_row(client, peer, stranger):
    data = signed(document_package(), stranger)
    single = post(client, data).json()
    results = post_batch(client, [data]).json()["results"]
    assert results == [{**single, "duplicate": True, "detail": None, "element": None}]
    assert InboxMessage.objects.count() == 1
    assert MessageLog.objects.order_by("-seq").first().direction == "duplicate"


def test_a_batch_is_written_by_a_few_statements_however_many_packages(client, peer, stranger):
    counts, writes = [], []
    for numbers in (("1", "2"), ("3", "4", "5", "6", "7", "8")):
        packages = [signed(document_package(number=n), stranger) for n in numbers]
        with CaptureQueriesContext(connection) as queries:
            response = post_batch(client, packages)
        assert [r["code"] for r in response.json()["results"]] == [0] * len(numbers)
        counts.append(len(queries.captured_queries))
        statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
        writes.append([s for s in statements if s in ("INSERT", "UPDATE", "DELETE")])
    assert writes[0] == writes[1]  # the log entries, the log head, the inbox rows
    assert len(writes[0]) == 3
    assert counts[1] - counts[0] == 4  # but one lookup of its recipients for each package
    assert InboxMessage.objects.count() == 8


def test_a_copy_accepted_meanwhile_sends_the_batch_one_by_one(client, peer, stranger, monkeypatch):
    data = signed(document_package(number="1"), stranger)
    other = signed(document_package(number="2"), stranger)
    first = post(client, data).json()
    # The repeat is not seen before the insert (as if its copy were accepted by another
    # request meanwhile): the batch's transaction fails on the unique message id.
    monkeypatch.setattr(InboxMessage.objects, "in_bulk", lambda *args, **kwargs: {})
    results = post_batch(client, [other, data]).json()["results"]
    assert [(r["code"], r["duplicate"]) for r in results] == [(0, False), (0, True)]
    assert results[1]["message_id"] == first["message_id"]
    assert InboxMessage.objects.count() == 2
    directions = [e.direction for e in MessageLog.objects.order_by("seq")]
    assert directions == ["received", "received", "duplicate"]  # nothing of the failed try
    assert messagelog.verify().ok


def test_a_batch_is_refused_whole_when_it_is_not_one(client, peer, stranger):
    data = signed(document_package(), stranger)
    assert problem(post_batch(client, [data], key=None), 401)["code"] == 15
    assert problem(post_batch(client, [data], key="wrong"), 401)["code"] == 15
    not_multipart = client.post(
        BATCH_URL, data=data, content_type="application/xml", HTTP_X_API_KEY=PEER_KEY
    )
    assert problem(not_multipart, 400)["code"] == 10
    assert problem(post_batch(client, []), 400)["code"] == 10
    too_many = post_batch(client, [data] * (BATCH_MAX_PACKAGES + 1))
    body = problem(too_many, 400)
    assert (body["code"], body["element"]) == (10, "package")
    assert "51 packages" in body["detail"]
    broken = client.post(
        BATCH_URL,
        data=b"--x\r\nContent-Disposition: form-data; name=package; filename=a\r\n\r\nabc",
        content_type="multipart/form-data; boundary=",
        HTTP_X_API_KEY=PEER_KEY,
    )
    assert problem(broken, 400)["code"] == 10
    assert InboxMessage.objects.count() == 0
    assert MessageLog.objects.count() == 0


def test_a_batch_over_the_size_limit_is_refused_unread(client, peer, stranger, monkeypatch):
    data = signed(document_package(), stranger)
    monkeypatch.setattr(edxml, "LIMITS", edxml.Limits(max_package_bytes=len(data) * 2))
    body = problem(post_batch(client, [data, data, data]), 413)
    assert body["code"] == 10
    assert InboxMessage.objects.count() == 0
    entry = MessageLog.objects.get()
    assert (entry.direction, entry.data, entry.code) == ("refused", None, 10)


def test_the_batch_inbox_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/exchange/inbox/batch"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["package"]["maxItems"] == BATCH_MAX_PACKAGES
    assert set(operation["responses"]) >= {"200", "400", "401", "413"}
