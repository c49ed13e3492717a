"""Authorization matrix of the whole API: every endpoint × every kind of caller."""

import pytest

from tinhso.config.api import api
from tinhso.core.services import api_key_create, api_key_revoke
from tinhso.directory.services import applicant_register
from tinhso.directory.tests.samples import load_sample
from tinhso.procedures import catalogue_io
from tinhso.procedures.seeding import DATA

pytestmark = pytest.mark.django_db

PUBLIC = {"none": 200, "garbage": 200, "revoked": 200, "wrong-scope": 200, "good": 200}
MATRIX = [
    ("/api/v1/units/{code}", "/api/v1/units/91", PUBLIC),
    ("/api/v1/organs/{identifier}", "/api/v1/organs/000.00.03.H33", PUBLIC),
    (
        "/api/v1/calendar/due-date",
        "/api/v1/calendar/due-date?start=2020-11-03T08:00&working_days=1",
        PUBLIC,
    ),
    ("/api/v1/services", "/api/v1/services?q=khai+sinh", PUBLIC),
    ("/api/v1/services/{code}", "/api/v1/services/1.001193.000.00.00.H33", PUBLIC),
    (
        "/api/v1/applications/status",
        "/api/v1/applications/status?code=000.00.03.H33-201102-0001&identifier=091185000123",
        {"none": 404, "garbage": 404, "revoked": 404, "wrong-scope": 404, "good": 404},
    ),
    (
        "/api/v1/applicants/{identifier}",
        "/api/v1/applicants/091185000123",
        {"none": 401, "garbage": 401, "revoked": 401, "wrong-scope": 403, "good": 200},
    ),
    (
        "/api/v1/gateway/services",
        "/api/v1/gateway/services",
        {"none": 401, "garbage": 401, "revoked": 401, "wrong-scope": 403, "good": 200},
    ),
    # Gateway notifications: no key, the signature is checked (payments/tests); an unsigned
    # one is answered 200 with the gateway's refusal code.
    ("/api/v1/payments/notify/card", "/api/v1/payments/notify/card", PUBLIC),
]


@pytest.fixture
def keys(db):
    _k, good = api_key_create(name="LGSP", scopes=["applicants:read", "gateway:read"])
    _k, other = api_key_create(name="Portal", scopes=["something:else"])
    revoked_key, revoked = api_key_create(name="Old", scopes=["applicants:read"])
    api_key_revoke(key=revoked_key)
    return {"good": good, "wrong-scope": other, "revoked": revoked, "none": None, "garbage": "x"}


@pytest.mark.parametrize(("_path", "url", "expected"), MATRIX)
def test_authorization_matrix(client, tmp_path, keys, _path, url, expected):
    load_sample(tmp_path)
    catalogue_io.import_catalogue(catalogue_io.loads(DATA.read_text(encoding="utf-8")))
    applicant_register(kind="citizen", identifier="091185000123", name="Lê Thị Hoa")
    for caller, status in expected.items():
        headers = {"X-API-Key": keys[caller]} if keys[caller] else {}
        response = client.get(url, headers=headers)
        assert response.status_code == status, caller
        if status >= 400:
            assert response["Content-Type"] == "application/problem+json"


# Endpoints for signed-in people (session), not API keys: anonymous → 401, and the role
# matrix lives with their app's tests (dossiers/tests/test_api.py, documents/tests/test_api.py,
# records/tests/test_api.py).
SESSION = {
    ("post", "/api/v1/applications"): "/api/v1/applications",
    ("post", "/api/v1/applications/{pk}/actions"): "/api/v1/applications/1/actions",
    ("get", "/api/v1/tasks"): "/api/v1/tasks",
    ("get", "/api/v1/applications"): "/api/v1/applications",
    ("post", "/api/v1/applications/{pk}/supplement"): "/api/v1/applications/1/supplement",
    ("post", "/api/v1/applications/{pk}/withdraw"): "/api/v1/applications/1/withdraw",
    ("get", "/api/v1/statistics/one-stop"): "/api/v1/statistics/one-stop",
    ("get", "/api/v1/statistics/indicators"): "/api/v1/statistics/indicators",
    ("get", "/api/v1/statistics/documents"): "/api/v1/statistics/documents",
    ("get", "/api/v1/documents/registers"): "/api/v1/documents/registers",
    ("get", "/api/v1/documents"): "/api/v1/documents",
    ("get", "/api/v1/documents/search"): "/api/v1/documents/search",
    ("post", "/api/v1/documents"): "/api/v1/documents",
    ("get", "/api/v1/documents/{pk}"): "/api/v1/documents/1",
    ("patch", "/api/v1/documents/{pk}"): "/api/v1/documents/1",
    ("get", "/api/v1/documents/approval-chains"): "/api/v1/documents/approval-chains",
    ("post", "/api/v1/documents/approval-chains"): "/api/v1/documents/approval-chains",
    ("patch", "/api/v1/documents/approval-chains/{pk}"): "/api/v1/documents/approval-chains/1",
    ("post", "/api/v1/documents/{pk}/files"): "/api/v1/documents/1/files",
    ("post", "/api/v1/documents/{pk}/actions"): "/api/v1/documents/1/actions",
    ("post", "/api/v1/documents/{pk}/revoke"): "/api/v1/documents/1/revoke",
    ("get", "/api/v1/incoming-documents"): "/api/v1/incoming-documents",
    ("get", "/api/v1/incoming-documents/{pk}"): "/api/v1/incoming-documents/1",
    ("post", "/api/v1/incoming-documents/{pk}/actions"): "/api/v1/incoming-documents/1/actions",
    ("get", "/api/v1/records/plans"): "/api/v1/records/plans",
    ("post", "/api/v1/records/plans"): "/api/v1/records/plans",
    ("get", "/api/v1/records/plans/{pk}"): "/api/v1/records/plans/1",
    ("post", "/api/v1/records/plans/{pk}/headings"): "/api/v1/records/plans/1/headings",
    ("post", "/api/v1/records/plans/{pk}/entries"): "/api/v1/records/plans/1/entries",
    ("post", "/api/v1/records/plans/{pk}/actions"): "/api/v1/records/plans/1/actions",
    ("get", "/api/v1/records"): "/api/v1/records",
    ("post", "/api/v1/records"): "/api/v1/records",
    ("get", "/api/v1/records/{pk}"): "/api/v1/records/1",
    ("post", "/api/v1/records/{pk}/items"): "/api/v1/records/1/items",
    ("post", "/api/v1/records/{pk}/attachments"): "/api/v1/records/1/attachments",
    ("post", "/api/v1/records/{pk}/actions"): "/api/v1/records/1/actions",
    ("get", "/api/v1/records/{pk}/package"): "/api/v1/records/1/package",
}


# Signed by the caller (a payment gateway), not keyed: anyone may post, unsigned is refused.
SIGNED = {("post", "/api/v1/payments/notify/paygov"): "/api/v1/payments/notify/paygov"}


@pytest.mark.parametrize(("method_path", "url"), SIGNED.items())
def test_signed_endpoints_refuse_unsigned_calls(client, keys, method_path, url):
    for caller in ("none", "good"):
        headers = {"X-API-Key": keys[caller]} if keys[caller] else {}
        response = client.post(url, "{}", headers=headers, content_type="application/json")
        assert response.status_code == 200 and response.json()["code"] == "01", caller


# Signed by the postal service (HMAC-SHA256 of the body), not keyed: unsigned is refused 401
# as problem details (dossiers/tests/test_postal.py).
POSTAL = {("post", "/api/v1/postal/status"): "/api/v1/postal/status"}


@pytest.mark.parametrize(("method_path", "url"), POSTAL.items())
def test_postal_callbacks_refuse_unsigned_calls(client, keys, method_path, url):
    for caller in ("none", "good"):
        headers = {"X-API-Key": keys[caller]} if keys[caller] else {}
        response = client.post(url, "{}", headers=headers, content_type="application/json")
        assert response.status_code == 401, caller
        assert response["Content-Type"] == "application/problem+json"


# Called by peer nodes with their own key (exchange.Peer), never by API clients' keys.
PEER = {
    ("post", "/api/v1/exchange/inbox"): "/api/v1/exchange/inbox",
    ("post", "/api/v1/exchange/inbox/batch"): "/api/v1/exchange/inbox/batch",
}


@pytest.mark.parametrize(("method_path", "url"), PEER.items())
def test_peer_endpoints_refuse_callers_without_a_peer_key(client, keys, method_path, url):
    for caller in ("none", "garbage", "good"):
        headers = {"X-API-Key": keys[caller]} if keys[caller] else {}
        response = client.post(url, b"<edXML/>", headers=headers, content_type="application/xml")
        assert response.status_code == 401, caller
        assert response.json()["code"] == 15, caller  # LGSP: bad system credentials


@pytest.mark.parametrize(("method_path", "url"), SESSION.items())
def test_session_endpoints_refuse_anonymous_and_api_keys(client, keys, method_path, url):
    method = getattr(client, method_path[0])
    for caller in ("none", "good"):
        headers = {"X-API-Key": keys[caller]} if keys[caller] else {}
        response = method(url, headers=headers, content_type="application/json")
        assert response.status_code == 401, caller
        assert response["Content-Type"] == "application/problem+json"


def test_matrix_covers_every_endpoint():
    schema = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    operations = {(m, p) for p, ops in schema.items() for m in ops}
    covered = {("get", p) for p, _u, _e in MATRIX} | set(SESSION) | set(SIGNED) | set(PEER)
    covered |= set(POSTAL)
    assert operations == covered
