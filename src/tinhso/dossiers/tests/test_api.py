"""The applications API: filing, the public lookup, actions with their 409s, the queue."""

import json
from datetime import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from ninja.responses import NinjaJSONEncoder

from tinhso.directory.tests.factories import UserFactory
from tinhso.dossiers.api import StatusOut
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.selectors import public_status
from tinhso.dossiers.services import dossier_receive_at_counter
from tinhso.dossiers.tests.conftest import FORM, LLTP

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def citizen(office):
    user = UserFactory()
    office["applicant"].user = user
    office["applicant"].save()
    return user


def counter(office):
    return dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
    )


def act(client, dossier, **payload):
    return client.post(
        f"/api/v1/applications/{dossier.pk}/actions", payload, content_type="application/json"
    )


def test_citizen_files_online(client, office, citizen):
    client.force_login(citizen)
    response = client.post(
        "/api/v1/applications",
        {"service": LLTP, "organ": "000.00.03.H33", "form_data": FORM},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["code"], body["service"], body["organ"]) == (
        "submitted",
        None,
        LLTP,
        "000.00.03.H33",
    )


def test_filing_errors_name_the_fields(client, office, citizen):
    client.force_login(citizen)
    response = client.post(
        "/api/v1/applications",
        {"service": LLTP, "organ": "000.00.03.H33", "form_data": {**FORM, "so_dinh_danh": "1"}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["form_data.so_dinh_danh"]
    unknown = client.post(
        "/api/v1/applications",
        {"service": "9.9", "organ": "000.00.99.H99"},
        content_type="application/json",
    )
    assert sorted(e["field"] for e in unknown.json()["errors"]) == ["organ", "service"]
    assert Dossier.objects.count() == 0


def test_filing_needs_a_signed_in_applicant(client, office):
    payload = {"service": LLTP, "organ": "000.00.03.H33", "form_data": FORM}
    assert (
        client.post("/api/v1/applications", payload, content_type="application/json").status_code
        == 401
    )
    client.force_login(office["specialist"].user)  # an official, not an applicant
    assert (
        client.post("/api/v1/applications", payload, content_type="application/json").status_code
        == 403
    )


def test_public_status_reveals_only_status_and_dates(client, office):
    dossier = counter(office)
    body = client.get(
        f"/api/v1/applications/status?code={dossier.code}&identifier=091185000123"
    ).json()
    assert set(body) == {
        "code",
        "procedure",
        "state",
        "state_label",
        "received_at",
        "due_at",
        "resolved_at",
        "finished_at",
    }
    assert body["state_label"] == "Đã tiếp nhận"
    dossier.refresh_from_db()
    assert body["code"] == dossier.code
    assert body["procedure"] == dossier.procedure.name
    assert body["state"] == "received"
    # The same instants as the record (JSON keeps milliseconds), whichever database answered.
    for key in ("received_at", "due_at"):
        assert datetime.fromisoformat(body[key]) == getattr(dossier, key).replace(
            microsecond=getattr(dossier, key).microsecond // 1000 * 1000
        )
    assert body["resolved_at"] is None and body["finished_at"] is None
    # Written without Django Ninja's response validation: still exactly what StatusOut renders.
    found = public_status(code=dossier.code, identifier="091185000123")
    rendered = json.dumps(StatusOut.model_validate(found).model_dump(), cls=NinjaJSONEncoder)
    assert body == json.loads(rendered)
    assert (
        client.get(f"/api/v1/applications/status?code={dossier.code}&identifier=091185000123")[
            "Content-Type"
        ]
        == "application/json"
    )
    wrong = client.get(f"/api/v1/applications/status?code={dossier.code}&identifier=091185000124")
    unknown = client.get(
        "/api/v1/applications/status?code=000.00.03.H33-201102-9999&identifier=091185000123"
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_public_status_is_a_statement_prepared_on_the_server(client, office):
    if connection.vendor != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")
    dossier = counter(office)
    url = f"/api/v1/applications/status?code={dossier.code}&identifier=091185000123"
    assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["SELECT d.code, p.name, d.state%"],
        )
        executions = cursor.fetchone()
    assert executions is not None  # Django turns psycopg's preparation off; the lookup is not
    from tinhso.core import sql

    kept = sql._cursors[connection.connection]
    assert client.get(url).status_code == 200
    assert sql._cursors[connection.connection] is kept  # one cursor per connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["SELECT d.code, p.name, d.state%"],
        )
        assert cursor.fetchone()[0] == executions[0] + 1  # the same statement, run again


def test_public_status_names_each_bad_parameter(client, office):
    cache.clear()
    missing = client.get("/api/v1/applications/status?code=%20")
    assert missing.status_code == 422
    assert missing["Content-Type"] == PROBLEM
    body = missing.json()
    assert body["title"] == "Dữ liệu không hợp lệ"
    assert [(e["field"], e["in"]) for e in body["errors"]] == [
        ("code", "query"),
        ("identifier", "query"),
    ]
    assert "«code»" in body["detail"] and "bắt buộc" in body["detail"]
    long = client.get(f"/api/v1/applications/status?code=x&identifier={'1' * 15}")
    assert long.status_code == 422
    assert [e["field"] for e in long.json()["errors"]] == ["identifier"]
    assert "14" in long.json()["errors"][0]["message"]
    # Refused parameters are not lookups: they do not count against the address's limit.
    assert all(
        client.get("/api/v1/applications/status?code=x").status_code == 422 for _ in range(25)
    )
    assert client.get("/api/v1/applications/status?code=x&identifier=y").status_code == 404
    cache.clear()


def test_public_status_is_rate_limited(client, office):
    cache.clear()
    url = "/api/v1/applications/status?code=x&identifier=y"
    statuses = [client.get(url).status_code for _ in range(21)]
    assert statuses[:20] == [404] * 20
    assert statuses[20] == 429
    assert client.get(url)["Content-Type"] == PROBLEM
    cache.clear()


def test_actions_with_409s(client, office):
    dossier = counter(office)
    client.force_login(office["one_stop_officer"].user)
    illegal = act(client, dossier, action="approve")
    assert illegal.status_code == 409
    assert illegal.json()["type"] == "urn:tinhso:problem:illegal-transition"
    assert "forward" in [e["message"] for e in illegal.json()["errors"]]
    ok = act(client, dossier, action="forward", version=1)
    assert ok.status_code == 200 and ok.json()["step"] == "tham-dinh" and ok.json()["version"] == 2
    stale = act(client, dossier, action="refuse", note="x", version=1)
    assert stale.status_code == 409 and stale.json()["type"] == "urn:tinhso:problem:conflict"
    client.force_login(office["leader"].user)
    wrong_role = act(client, dossier, action="forward")
    assert wrong_role.status_code == 403
    client.force_login(office["outsider"].user)
    assert (
        act(client, dossier, action="forward").status_code == 404
    )  # outside the scope: not even seen
    assert Dossier.objects.get().version == 2


def test_note_is_required_for_a_refusal(client, office):
    dossier = counter(office)
    client.force_login(office["one_stop_officer"].user)
    response = act(client, dossier, action="refuse")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["note"]


def test_queues_follow_the_step_roles(client, office):
    dossier = counter(office)
    for who, expected in (
        ("one_stop_officer", [dossier.code]),
        ("specialist", []),
        ("outsider", []),
    ):
        client.force_login(office[who].user)
        assert [t["code"] for t in client.get("/api/v1/tasks").json()] == expected, who
    client.force_login(office["one_stop_officer"].user)
    act(client, dossier, action="forward")
    assert client.get("/api/v1/tasks").json() == []
    client.force_login(office["specialist"].user)
    tasks = client.get("/api/v1/tasks").json()
    assert [t["code"] for t in tasks] == [dossier.code]
    assert tasks[0]["marker"] in ("", "due_soon", "overdue")


def test_applicant_lists_supplements_and_withdraws_through_the_api(client, office, citizen):
    from tinhso.dossiers.services import dossier_act

    dossier = counter(office)
    client.force_login(citizen)
    assert [a["code"] for a in client.get("/api/v1/applications").json()] == [dossier.code]
    early = client.post(
        f"/api/v1/applications/{dossier.pk}/supplement", {}, content_type="application/json"
    )
    assert (
        early.status_code == 409 and early.json()["type"] == "urn:tinhso:problem:illegal-transition"
    )
    dossier_act(
        dossier=dossier,
        officer=office["one_stop_officer"].user,
        action="request_supplement",
        note="Thiếu ảnh",
    )
    done = client.post(
        f"/api/v1/applications/{dossier.pk}/supplement",
        {"note": "Đã gửi"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "processing"
    gone = client.post(
        f"/api/v1/applications/{dossier.pk}/withdraw",
        {"note": "Thôi"},
        content_type="application/json",
    )
    assert gone.status_code == 200 and gone.json()["state"] == "withdrawn"
    other = counter(office)
    client.force_login(office["specialist"].user)
    assert client.get("/api/v1/applications").status_code == 403
    from tinhso.directory.models import Applicant
    from tinhso.directory.tests.factories import UserFactory

    stranger = UserFactory()
    Applicant.objects.create(
        kind="citizen", identifier="091190123123", name="Người lạ", user=stranger
    )
    client.force_login(stranger)
    assert (
        client.post(
            f"/api/v1/applications/{other.pk}/withdraw", {}, content_type="application/json"
        ).status_code
        == 404
    )
