"""The directory API: the contract, its problem details, and its authorization matrix."""

import pytest

from tinhso.core.services import api_key_create
from tinhso.directory.services import applicant_register
from tinhso.directory.tests.samples import load_sample

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def province(tmp_path):
    load_sample(tmp_path)


def test_unit_on_a_date_before_the_merger(client, province):
    response = client.get("/api/v1/units/91?on=2020-11-03")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Tỉnh Kiên Giang"
    assert (body["level"], body["valid_from"], body["valid_to"]) == ("province", None, "2025-06-30")
    assert body["parent"] is None
    assert [c["code"] for c in body["children"]] == ["899"]
    assert [s["name"] for s in body["successors"]] == ["An Giang"]
    assert body["predecessors"] == []


def test_same_code_after_the_merger_is_the_new_province(client, province):
    body = client.get("/api/v1/units/91?on=2025-07-01").json()
    assert body["name"] == "An Giang"
    assert [c["code"] for c in body["children"]] == ["30742"]
    assert sorted(p["name"] for p in body["predecessors"]) == ["Tỉnh An Giang", "Tỉnh Kiên Giang"]


def test_commune_with_parent_and_successor(client, province):
    body = client.get("/api/v1/units/30730?on=2024-01-01").json()
    assert body["parent"]["code"] == "899"
    assert [s["code"] for s in body["successors"]] == ["30742"]


def test_default_date_is_today(client, province):
    assert client.get("/api/v1/units/91").json()["name"] == "An Giang"


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/units/30730?on=2025-07-01", 404, None),
        ("/api/v1/units/12345", 404, None),
        ("/api/v1/units/9a", 422, "code"),
        ("/api/v1/units/1234", 422, "code"),
        ("/api/v1/units/91?on=03/11/2020", 422, "on"),
        ("/api/v1/organs/000.00.99.H33", 404, None),
        ("/api/v1/organs/H99.01", 404, None),
        ("/api/v1/organs/000.00.00.h33", 422, "identifier"),
        ("/api/v1/organs/h33.01", 422, "identifier"),
    ],
)
def test_bad_and_unknown_codes_are_problem_details(client, province, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"] == {404: "Không tìm thấy", 422: "Dữ liệu không hợp lệ"}[status]
    assert body["instance"] == url
    if field:
        assert [e["field"] for e in body["errors"]] == [field]
    else:
        assert "errors" not in body


@pytest.mark.parametrize("identifier", ["000.00.03.H33", "H33.03"])
def test_organ_by_either_scheme(client, province, identifier):
    body = client.get(f"/api/v1/organs/{identifier}").json()
    assert body["name"] == "Sở Tư pháp"
    assert (body["qcvn102"], body["decision20"]) == ("000.00.03.H33", "H33.03")
    assert body["parent"] == {
        "name": "Ủy ban nhân dân tỉnh Kiên Giang",
        "short_name": "UBND",
        "qcvn102": "000.00.00.H33",
    }
    assert body["unit"]["code"] == "91"
    assert sorted(i["scheme"] for i in body["identifiers"]) == ["decision20", "qcvn102"]


def test_responses_are_utf8_json(client, province):
    response = client.get("/api/v1/units/91?on=2020-11-03")
    assert "Tỉnh Kiên Giang".encode() in response.content


@pytest.fixture
def keys(db):
    _k, good = api_key_create(name="LGSP", scopes=["applicants:read"])
    return {"good": good}


def test_applicant_lookup(client, keys):
    applicant_register(kind="citizen", identifier="091185000123", name="Lê Thị Hoa")
    headers = {"X-API-Key": keys["good"]}
    assert client.get("/api/v1/applicants/091185000123", headers=headers).json() == {
        "kind": "citizen",
        "identifier": "091185000123",
        "name": "Lê Thị Hoa",
        "eid_verified": False,
    }
    missing = client.get("/api/v1/applicants/091185000124", headers=headers)
    assert missing.status_code == 404
    assert missing["Content-Type"] == PROBLEM


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_lookups_are_cached_until_the_directory_changes(
    client, province, tmp_path, django_assert_num_queries
):
    from tinhso.directory import imports
    from tinhso.directory.api import lookups
    from tinhso.directory.tests.samples import BEFORE, write

    lookups.clear()
    assert client.get("/api/v1/units/899?on=2020-11-03").json()["name"] == "Thành phố Rạch Giá"
    with django_assert_num_queries(1):  # the stamp only (rechecked on every call in tests)
        assert client.get("/api/v1/units/899?on=2020-11-03").status_code == 200
    renamed = BEFORE.replace("Thành phố Rạch Giá", "Thành phố Rạch Giá (mới)")
    imports.import_units(write(tmp_path, "before.csv", renamed))
    assert client_name(client) == "Thành phố Rạch Giá (mới)"


def test_admin_edits_invalidate_the_cache(admin_client, province):
    from tinhso.directory.api import lookups
    from tinhso.directory.models import AdministrativeUnit

    lookups.clear()
    assert client_name(admin_client) == "Thành phố Rạch Giá"
    unit = AdministrativeUnit.objects.get(code="899")
    response = admin_client.post(
        f"/admin/directory/administrativeunit/{unit.pk}/change/",
        {
            "code": "899",
            "name": "TP. Rạch Giá",
            "level": "district",
            "parent": unit.parent_id,
            "valid_from": "",
            "valid_to": "30/06/2025",
            "successions_out-TOTAL_FORMS": "0",
            "successions_out-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client_name(admin_client) == "TP. Rạch Giá"


def client_name(client):
    return client.get("/api/v1/units/899?on=2020-11-03").json()["name"]
