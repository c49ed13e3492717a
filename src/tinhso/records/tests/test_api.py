"""The records API: the whole flow with its problem details, the package download, and the
role matrix (each role × each kind of call → the expected status)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tinhso.records import services
from tinhso.records.tests.conftest import draft, issued_pdf, pdf_bytes, received
from tinhso.records.verify import verify_package

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_plan_to_package_through_the_api(client, org, clock):
    client.force_login(org["clerk"].user)
    created = post(client, "/api/v1/records/plans", {"organ": "000.00.00.H33", "year": 2020})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (created.json()["state"], created.json()["version"]) == ("draft", 1)
    headings = post(
        client, f"/api/v1/records/plans/{pk}/headings", {"title": "Văn phòng", "code": "VP"}
    )
    heading = headings.json()["headings"][0]
    assert (headings.status_code, heading["label"], heading["code"]) == (201, "I", "VP")
    bad = post(
        client,
        f"/api/v1/records/plans/{pk}/entries",
        {"heading": heading["id"], "title": "Chuyển đổi số", "retention": "mãi mãi"},
    )
    assert (bad.status_code, bad["Content-Type"]) == (422, PROBLEM)
    assert [e["field"] for e in bad.json()["errors"]] == ["retention"]
    assert "Vĩnh viễn" in bad.json()["errors"][0]["message"]
    added = post(
        client,
        f"/api/v1/records/plans/{pk}/entries",
        {"heading": heading["id"], "title": "Chuyển đổi số", "retention": "10"},
    )
    entry = added.json()["headings"][0]["entries"][0]
    assert (entry["notation"], entry["retention"]) == (
        "01.VP",
        {"permanent": False, "years": 10, "label": "10 năm"},
    )
    forbidden = post(client, f"/api/v1/records/plans/{pk}/actions", {"action": "approve"})
    assert (forbidden.status_code, forbidden["Content-Type"]) == (403, PROBLEM)

    client.force_login(org["chairman"].user)
    approved = post(client, f"/api/v1/records/plans/{pk}/actions", {"action": "approve"})
    assert approved.json()["state"] == "approved"
    frozen = post(
        client,
        f"/api/v1/records/plans/{pk}/actions",
        {"action": "change_entry", "entry": entry["id"], "title": "Khác"},
    )
    assert frozen.status_code == 409
    assert frozen.json()["type"] == "urn:tinhso:problem:illegal-transition"
    assert [e["message"] for e in frozen.json()["errors"]] == [
        "add",
        "open_record",
        "revise",
        "supersede",
    ]

    client.force_login(org["handler"].user)
    opened = post(client, "/api/v1/records", {"entry": entry["id"]})
    assert opened.status_code == 201, opened.content
    record = opened.json()
    assert (record["code"], record["state"], record["in_plan"], record["contents"]) == (
        "H33.2020.01.VP",
        "open",
        True,
        [],
    )
    url = f"/api/v1/records/{record['id']}"
    early = client.get(f"{url}/package")
    assert (early.status_code, early["Content-Type"]) == (409, PROBLEM)
    empty = post(client, f"{url}/actions", {"action": "close"})
    assert (empty.status_code, empty.json()["errors"][0]["field"]) == (422, "items")

    not_issued = draft(org)
    refused = post(client, f"{url}/items", {"document": not_issued.pk})
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "document")
    document, incoming = issued_pdf(org, pages=2), received(org, pages=1)
    assert post(client, f"{url}/items", {"document": document.pk}).status_code == 201
    filed = post(client, f"{url}/items", {"incoming_document": incoming.pk, "version": 2})
    assert filed.status_code == 201
    stale = post(client, f"{url}/items", {"note": {"title": "Ghi chú"}, "version": 2})
    assert (stale.status_code, stale.json()["type"]) == (409, "urn:tinhso:problem:conflict")
    noted = post(client, f"{url}/items", {"note": {"title": "Ghi chú", "date": "2020-11-04"}})
    assert [(c["order"], c["kind"], c["pages"]) for c in noted.json()["contents"]] == [
        (1, "outgoing", 2),
        (2, "incoming", 1),
        (3, "note", None),
    ]
    upload = SimpleUploadedFile("phu-luc.pdf", pdf_bytes(3), content_type="application/pdf")
    attached = client.post(f"{url}/attachments", {"file": upload, "title": "Phụ lục"})
    assert attached.status_code == 201, attached.content
    assert attached.json()["contents"][3]["summary"] == "Phụ lục"
    items = [c["item"] for c in attached.json()["contents"]]
    reordered = post(client, f"{url}/actions", {"action": "reorder", "order": items[::-1]})
    assert [c["kind"] for c in reordered.json()["contents"]] == [
        "attachment",
        "note",
        "incoming",
        "outgoing",
    ]
    closed = post(client, f"{url}/actions", {"action": "close", "note": "Đủ."})
    body = closed.json()
    assert (body["state"], body["doc_count"], body["page_count"], body["closing_note"]) == (
        "closed",
        4,
        6,
        "Đủ.",
    )

    package = client.get(f"{url}/package")
    assert (package.status_code, package["Content-Type"]) == (200, "application/zip")
    assert 'filename="H33.2020.01.VP.zip"' in package["Content-Disposition"]
    data = b"".join(package.streaming_content)
    assert verify_package(io.BytesIO(data)).ok
    assert len([n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "files/" in n]) == 3

    client.force_login(org["clerk"].user)
    archived = post(client, f"{url}/actions", {"action": "archive"})
    assert archived.json()["state"] == "archived"
    listed = client.get("/api/v1/records?state=archived").json()
    assert [r["code"] for r in listed] == ["H33.2020.01.VP"]
    assert client.get("/api/v1/records?retention_expired=true").json() == []


def test_copy_previous_and_outside_plan(client, org, clock):
    client.force_login(org["clerk"].user)
    nothing = post(
        client,
        "/api/v1/records/plans",
        {"organ": "000.00.00.H33", "year": 2021, "copy_previous": True},
    )
    assert (nothing.status_code, nothing.json()["errors"][0]["field"]) == (422, "year")
    unknown = post(client, "/api/v1/records/plans", {"organ": "000.00.99.Z99", "year": 2020})
    assert unknown.json()["errors"][0]["field"] == "organ"
    opened = post(
        client,
        "/api/v1/records",
        {
            "organ": "000.00.00.H33",
            "year": 2020,
            "title": "Phát sinh",
            "retention": "Vĩnh viễn",
            "reason": "Chỉ đạo đột xuất",
        },
    )
    assert opened.status_code == 201, opened.content
    assert (opened.json()["notation"], opened.json()["retention"]["permanent"]) == ("01.PS", True)
    no_year = post(client, "/api/v1/records", {"organ": "000.00.00.H33", "title": "x"})
    assert no_year.json()["errors"][0]["field"] == "year"


@pytest.fixture
def closed_record(org, record, clock):
    services.record_add_note(record=record, actor=org["handler"].user, title="A")
    return services.record_close(record=record, actor=org["handler"].user)


ROLES = ["handler", "clerk", "chairman", "justice_clerk", "outsider", "one_stop", "admin"]
MATRIX = [
    # (method, url, payload, expected status by role)
    ("get", "/api/v1/records/{record}", None, [200, 200, 200, 404, 404, 404, 404]),
    ("get", "/api/v1/records/plans/{plan}", None, [200, 200, 200, 404, 404, 404, 404]),
    ("get", "/api/v1/records/{record}/package", None, [200, 200, 200, 404, 404, 404, 404]),
    (
        "post",
        "/api/v1/records/{record}/actions",
        {"action": "reopen", "note": "Bổ sung"},
        [403, 403, 200, 404, 404, 404, 404],
    ),
    (
        "post",
        "/api/v1/records/{record}/actions",
        {"action": "archive"},
        [403, 200, 403, 404, 404, 404, 404],
    ),
    (
        "post",
        "/api/v1/records/plans/{plan}/actions",
        {"action": "revise"},
        [403, 200, 200, 404, 404, 404, 404],
    ),
]


@pytest.mark.parametrize(("method", "template", "payload", "expected"), MATRIX)
def test_role_matrix(client, org, plan, closed_record, method, template, payload, expected):
    url = template.format(record=closed_record.pk, plan=plan.pk)
    for role, status in zip(ROLES, expected, strict=True):
        client.force_login(org[role].user)
        arguments = () if payload is None else (payload,)
        with transaction.atomic():  # each role meets the same closed record and approved plan
            response = getattr(client, method)(url, *arguments, content_type="application/json")
            transaction.set_rollback(True)
        assert response.status_code == status, (role, url, payload, response.content[:200])
        if status >= 400:
            assert response["Content-Type"] == PROBLEM
