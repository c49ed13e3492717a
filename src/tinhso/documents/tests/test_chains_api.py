"""Saved approval chains through the API: list, create, update, submit along one, and the
problem details of each refusal (the role matrix is in test_api.py)."""

import pytest

from tinhso.documents.tests.conftest import draft
from tinhso.documents.tests.test_chains import chain

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


API = "/api/v1/documents/approval-chains"


def send(client, method, url, payload):
    return getattr(client, method)(url, payload, content_type="application/json")


def test_chains_through_the_api(client, org):
    client.force_login(org["chairman"].user)
    created = send(
        client,
        "post",
        API,
        {
            "organ": "000.00.00.H33",
            "name": "Qua Văn phòng",
            "reviewers": [org["office_head"].pk],
            "approver": org["chairman"].pk,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["organ"], body["name"], body["active"], body["version"]) == (
        "000.00.00.H33",
        "Qua Văn phòng",
        True,
        1,
    )
    assert [(s["order"], s["official"], s["kind"]) for s in body["steps"]] == [
        (1, org["office_head"].pk, "review"),
        (2, org["chairman"].pk, "approve"),
    ]
    pk = body["id"]
    updated = send(client, "patch", f"{API}/{pk}", {"reviewers": [], "version": 1})
    assert updated.status_code == 200
    assert [s["official"] for s in updated.json()["steps"]] == [org["chairman"].pk]
    client.force_login(org["drafter"].user)  # drafters see the chains to choose one
    listed = client.get(API + "?organ=000.00.00.H33&active=true").json()
    assert [c["name"] for c in listed] == ["Qua Văn phòng"]
    assert client.get(API + "?organ=000.00.03.H33").json() == []
    document = draft(org)
    submitted = send(
        client,
        "post",
        f"/api/v1/documents/{document.pk}/actions",
        {"action": "submit", "chain": pk},
    )
    assert submitted.status_code == 200 and submitted.json()["state"] == "in_review"
    client.force_login(org["chairman"].user)
    stopped = send(client, "patch", f"{API}/{pk}", {"active": False})
    assert stopped.json()["active"] is False
    assert client.get(API + "?active=true").json() == []


def test_chain_api_problems(client, org):
    saved = chain(org)
    client.force_login(org["chairman"].user)
    bad = send(
        client,
        "post",
        API,
        {"organ": "000.00.00.H33", "name": "", "reviewers": [999999], "approver": 999998},
    )
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    assert bad.json()["errors"] == [{"field": "reviewers.0", "message": "Không có cán bộ này."}]
    invalid = send(
        client,
        "post",
        API,
        {
            "organ": "000.00.00.H33",
            "name": "",
            "reviewers": [org["handler"].pk],
            "approver": org["chairman"].pk,
        },
    )
    assert invalid.status_code == 422
    assert [e["field"] for e in invalid.json()["errors"]] == ["name", "reviewers.0"]
    unknown_organ = send(
        client, "post", API, {"organ": "000.00.99.H99", "name": "x", "approver": 1}
    )
    assert [e["field"] for e in unknown_organ.json()["errors"]] == ["organ"]
    assert client.get(API + "?organ=000.00.99.H99").status_code == 422
    stale = send(client, "patch", f"{API}/{saved.pk}", {"name": "Mới", "version": 0})
    assert stale.status_code == 409 and stale.json()["type"] == "urn:tinhso:problem:conflict"
    assert stale.json()["title"] == "Quy trình duyệt vừa được người khác sửa"
    client.force_login(org["drafter"].user)
    forbidden = send(client, "patch", f"{API}/{saved.pk}", {"name": "Mới"})
    assert forbidden.status_code == 403 and forbidden["Content-Type"] == PROBLEM
    client.force_login(org["outsider"].user)
    assert send(client, "patch", f"{API}/{saved.pk}", {"name": "Mới"}).status_code == 404
    document = draft(org)
    client.force_login(org["drafter"].user)
    missing = send(
        client,
        "post",
        f"/api/v1/documents/{document.pk}/actions",
        {"action": "submit", "chain": 999999},
    )
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"field": "chain", "message": "Không có quy trình duyệt này."}
    ]
    saved.refresh_from_db()
    assert (saved.name, saved.version) == ("Công văn qua Văn phòng", 1)
