"""The documents API: the flow with its problem details, and the authorization matrix (each
role × each endpoint → the expected status)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.documents import services
from tinhso.documents.models import ApprovalChain, Document, IncomingDocument
from tinhso.documents.tests.conftest import PDF, draft, signed

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_draft_to_distribution_through_the_api(client, org, clock):
    client.force_login(org["drafter"].user)
    created = post(
        client,
        "/api/v1/documents",
        {
            "organ": "000.00.00.H33",
            "drafting_unit": org["office"].identifier(),
            "doc_type": "report",
            "summary": "Báo cáo chuyển đổi số",
            "body": "Nội dung báo cáo.",
            "compose": True,
            "recipients": [{"identifier": "000.00.03.H33"}, {"name": "Lưu trữ", "paper": True}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert (body["state"], body["notation"], body["organ"], body["type_name"]) == (
        "draft",
        "",
        "000.00.00.H33",
        "Báo cáo",
    )
    assert [(r["channel"], r["name"]) for r in body["recipients"]] == [
        ("internal", "Sở Tư pháp"),
        ("paper", "Lưu trữ"),
    ]
    submitted = post(
        client,
        f"/api/v1/documents/{pk}/actions",
        {"action": "submit", "approver": org["chairman"].pk},
    )
    assert submitted.json()["state"] == "in_review"
    client.force_login(org["chairman"].user)
    assert post(client, f"/api/v1/documents/{pk}/actions", {"action": "approve"}).status_code == 200
    assert (
        post(client, f"/api/v1/documents/{pk}/actions", {"action": "sign"}).json()["signature_kind"]
        == "recorded"
    )
    client.force_login(org["clerk"].user)
    issued = post(client, f"/api/v1/documents/{pk}/actions", {"action": "issue", "copies": 3})
    assert (issued.json()["notation"], issued.json()["number"]) == ("01/BC-UBND", 1)
    sent = post(client, f"/api/v1/documents/{pk}/actions", {"action": "distribute"})
    assert [r["status"] for r in sent.json()["recipients"]] == ["delivered", "paper"]
    registers = client.get("/api/v1/documents/registers").json()
    assert [(r["kind"], r["year"], r["classified"], r["last"]) for r in registers] == [
        ("outgoing", 2020, False, 1)
    ]
    client.force_login(org["justice_clerk"].user)
    queue = client.get("/api/v1/incoming-documents?queue=true").json()
    assert [(i["sender_notation"], i["status_code"]) for i in queue] == [("01/BC-UBND", "01")]


def test_problems_409_422_403_404(client, org):
    document = draft(org)
    url = f"/api/v1/documents/{document.pk}/actions"
    client.force_login(org["clerk"].user)
    illegal = post(client, url, {"action": "issue"})
    assert illegal.status_code == 409 and illegal["Content-Type"] == PROBLEM
    assert illegal.json()["type"] == "urn:tinhso:problem:illegal-transition"
    assert [e["message"] for e in illegal.json()["errors"]] == ["cancel", "submit"]
    client.force_login(org["drafter"].user)
    stale = post(client, url, {"action": "cancel", "note": "x", "version": 0})
    assert stale.status_code == 409 and stale.json()["type"] == "urn:tinhso:problem:conflict"
    missing = post(client, url, {"action": "cancel"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"field": "note", "message": "Cần ghi rõ lý do."}]
    bad_enum = post(client, url, {"action": "fly"})
    assert bad_enum.status_code == 422 and bad_enum.json()["errors"][0]["field"] == "action"
    no_approver = post(client, url, {"action": "submit"})
    assert no_approver.json()["errors"] == [
        {"field": "approver", "message": "Chọn người phê duyệt."}
    ]
    unknown_organ = post(
        client,
        "/api/v1/documents",
        {"organ": "000.00.99.H99", "doc_type": "report", "summary": "x"},
    )
    assert unknown_organ.status_code == 422
    assert [e["field"] for e in unknown_organ.json()["errors"]] == ["organ"]
    classified = post(
        client,
        "/api/v1/documents",
        {
            "organ": "000.00.00.H33",
            "drafting_unit": org["office"].identifier(),
            "doc_type": "report",
            "summary": "x",
            "confidentiality": "secret",
        },
    )
    assert classified.status_code == 422
    assert [e["field"] for e in classified.json()["errors"]] == ["confidentiality"]
    client.force_login(org["outsider"].user)
    assert post(client, url, {"action": "cancel", "note": "x"}).status_code == 404
    document.refresh_from_db()
    assert (document.state, document.version) == ("draft", 1)
    assert Document.objects.count() == 1


def test_an_issued_document_cannot_be_changed_through_the_api(client, org):
    document = signed(org)
    services.issue(document=document, actor=org["clerk"].user)
    client.force_login(org["drafter"].user)
    upload = client.post(
        f"/api/v1/documents/{document.pk}/files",
        {"file": SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")},
    )
    assert upload.status_code == 409 and upload.json()["type"] == "urn:tinhso:problem:immutable"
    assert "Văn bản đã ban hành không được sửa" in upload.json()["detail"]
    assert document.files.count() == 1


# --- the authorization matrix -----------------------------------------------------------

ROLES = ("anonymous", "clerk", "drafter", "chairman", "handler", "one_stop", "admin", "outsider")


def _in_review(org):
    return services.submit_for_review(
        document=draft(org), actor=org["drafter"].user, approver=org["chairman"]
    )


def _arrived(org):
    return services.receive_paper(
        organ=org["province"],
        actor=org["clerk"].user,
        sender_name="Sở Nội vụ",
        summary="Đề nghị",
        register=False,
    )


def _registered(org):
    incoming = _arrived(org)
    return services.register_incoming(incoming=incoming, actor=org["clerk"].user)


def _distributed(org):
    document = signed(org)
    document = services.issue(document=document, actor=org["clerk"].user)
    return services.distribute(document=document, actor=org["clerk"].user)


def _chain(org):
    return services.chain_create(
        organ=org["province"],
        actor=org["chairman"].user,
        name="Qua Văn phòng",
        reviewers=[org["office_head"]],
        approver=org["chairman"],
    )


def _chain_payload(org):
    return {"organ": "000.00.00.H33", "name": "Mới", "approver": org["chairman"].pk}


def _draft_payload(org):
    return {
        "organ": "000.00.00.H33",
        "drafting_unit": org["office"].identifier(),
        "doc_type": "report",
        "summary": "Báo cáo",
    }


# endpoint → (make the object, method, url, body, {role: status})
ENDPOINTS = {
    "registers": (None, "get", "/api/v1/documents/registers", None, {}),
    "list": (None, "get", "/api/v1/documents", None, {}),
    "search": (None, "get", "/api/v1/documents/search?q=bao+cao", None, {}),
    "create": (
        None,
        "post",
        "/api/v1/documents",
        _draft_payload,
        {"drafter": 201, "handler": 201, "clerk": 403, "chairman": 403, "one_stop": 403},
    ),
    "detail": (
        draft,
        "get",
        "/api/v1/documents/{pk}",
        None,
        {"clerk": 200, "drafter": 200, "chairman": 200, "handler": 200},
    ),
    "edit": (
        draft,
        "patch",
        "/api/v1/documents/{pk}",
        lambda org: {"summary": "Sửa"},
        {"drafter": 200, "handler": 200, "clerk": 403, "chairman": 403},
    ),
    "chains": (None, "get", "/api/v1/documents/approval-chains", None, {}),
    "chain_create": (
        None,
        "post",
        "/api/v1/documents/approval-chains",
        _chain_payload,
        {"chairman": 201},
    ),
    "chain_update": (
        _chain,
        "patch",
        "/api/v1/documents/approval-chains/{pk}",
        lambda org: {"name": "Khác"},
        {"chairman": 200, "clerk": 403, "drafter": 403, "handler": 403},
    ),
    "upload": (
        draft,
        "file",
        "/api/v1/documents/{pk}/files",
        None,
        {"drafter": 201, "handler": 201, "clerk": 403, "chairman": 403},
    ),
    "approve": (
        _in_review,
        "post",
        "/api/v1/documents/{pk}/actions",
        lambda org: {"action": "approve"},
        {"chairman": 200, "clerk": 403, "drafter": 403, "handler": 403},
    ),
    "issue": (
        signed,
        "post",
        "/api/v1/documents/{pk}/actions",
        lambda org: {"action": "issue"},
        {"clerk": 200, "chairman": 403, "drafter": 403, "handler": 403},
    ),
    "revoke": (
        _distributed,
        "post",
        "/api/v1/documents/{pk}/revoke",
        lambda org: {"reason": "Ban hành nhầm đối tượng"},
        {"clerk": 200, "chairman": 403, "drafter": 403, "handler": 403},
    ),
    "incoming_list": (None, "get", "/api/v1/incoming-documents", None, {}),
    "incoming_detail": (
        _arrived,
        "get",
        "/api/v1/incoming-documents/{pk}",
        None,
        {"clerk": 200, "chairman": 200, "handler": 200},
    ),
    "register": (
        _arrived,
        "post",
        "/api/v1/incoming-documents/{pk}/actions",
        lambda org: {"action": "register"},
        {"clerk": 200, "chairman": 403, "handler": 403},
    ),
    "assign": (
        _registered,
        "post",
        "/api/v1/incoming-documents/{pk}/actions",
        lambda org: {"action": "assign", "assignee": org["handler"].pk, "deadline_days": 2},
        {"chairman": 200, "clerk": 403, "handler": 403},
    ),
}
LISTS = {"registers", "list", "search", "incoming_list", "chains"}
CREATES = {"create", "chain_create"}


def expected(endpoint, role):
    if role == "anonymous":
        return 401
    if endpoint in LISTS:
        return 200
    statuses = ENDPOINTS[endpoint][4]
    if endpoint in CREATES:
        return statuses.get(role, 403)
    return statuses.get(role, 404)  # outside the caller's scope: not even seen


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_authorization_matrix(client, org, endpoint, role):
    make, method, url, body, _statuses = ENDPOINTS[endpoint]
    obj = make(org) if make else None
    if obj is not None:
        url = url.format(pk=obj.pk)
    if role != "anonymous":
        client.force_login(org[role].user)
    if method == "get":
        response = client.get(url)
    elif method == "file":
        response = client.post(url, {"file": SimpleUploadedFile("v2.pdf", PDF)})
    elif method == "patch":
        response = client.patch(url, body(org), content_type="application/json")
    else:
        response = post(client, url, body(org) if body else {})
    assert response.status_code == expected(endpoint, role), response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM
    if endpoint in LISTS and role == "one_stop":
        listed = response.json()
        assert (listed["results"] if endpoint == "search" else listed) == []
    if response.status_code in (401, 403, 404) and obj is not None:
        before = obj.version
        obj.refresh_from_db()
        assert obj.version == before  # nothing happened
    if endpoint == "create" and response.status_code != 201:
        assert not Document.objects.filter(summary="Báo cáo").exists()
    if endpoint == "chain_create" and response.status_code != 201:
        assert not ApprovalChain.objects.exists()
    if endpoint == "register" and response.status_code != 200:
        assert not IncomingDocument.objects.filter(number__isnull=False).exists()
