"""The service gateway over HTTP: scopes, per-client rate limits, the request log, the
catalogue endpoint and the back-office page."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from tinhso.core.gateway import ratelimit
from tinhso.core.models import ApiRateCounter, ApiRequestLog
from tinhso.core.services import api_client_create, api_key_create
from tinhso.directory.services import applicant_register
from tinhso.directory.tests.factories import OfficialFactory, OrganFactory, UserFactory

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/gateway/services"


@pytest.fixture(autouse=True)
def _fixed_minute(monkeypatch):
    """Every request of a test falls in the same minute of the rate limit."""
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_800_000_010.0)


@pytest.fixture
def keyed():
    client = api_client_create(organisation="Cổng DVC tỉnh", rate_limit_per_minute=3)
    key, raw = api_key_create(name="c", scopes=["gateway:read", "applicants:read"], client=client)
    return client, key, raw


def test_a_key_without_the_routes_scope_gets_403_naming_it(client):
    owner = api_client_create(organisation="A")
    _key, raw = api_key_create(name="a", scopes=["applicants:read"], client=owner)
    response = client.get(SERVICES, headers={"X-API-Key": raw})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:tinhso:problem:missing-scope"
    assert "gateway:read" in body["detail"]
    assert body["errors"] == [{"field": "scope", "message": body["detail"]}]


def test_keys_made_without_a_client_keep_working(client):
    _key, raw = api_key_create(name="legacy", scopes=["gateway:read"])
    assert client.get(SERVICES, headers={"X-API-Key": raw}).status_code == 200
    entry = ApiRequestLog.objects.get()
    assert entry.client_id is None and entry.key_id == _key.pk


def test_the_clients_limit_answers_429_with_retry_after(client, keyed):
    _client, _key, raw = keyed
    statuses = [client.get(SERVICES, headers={"X-API-Key": raw}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(SERVICES, headers={"X-API-Key": raw})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["type"] == "urn:tinhso:problem:rate-limited" and "3" in body["detail"]


def test_the_limit_is_per_client_and_shared_by_its_keys(client, keyed):
    owner, _key, raw = keyed
    _k2, raw2 = api_key_create(name="c2", scopes=["gateway:read"], client=owner)
    other = api_client_create(organisation="B", rate_limit_per_minute=3)
    _k3, raw3 = api_key_create(name="b", scopes=["gateway:read"], client=other)
    for key in (raw, raw2, raw):
        assert client.get(SERVICES, headers={"X-API-Key": key}).status_code == 200
    assert client.get(SERVICES, headers={"X-API-Key": raw2}).status_code == 429
    assert client.get(SERVICES, headers={"X-API-Key": raw3}).status_code == 200


def test_the_default_limit_comes_from_the_setting(client):
    _key, raw = api_key_create(
        name="c", scopes=["gateway:read"], client=api_client_create(organisation="A")
    )
    with override_settings(GATEWAY_RATE_LIMIT_PER_MINUTE=2):
        codes = [client.get(SERVICES, headers={"X-API-Key": raw}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_counter_is_one_row_per_client_and_minute_in_the_database(keyed):
    """Every worker reads and writes the same row, so they share one allowance."""
    _client, key, _raw = keyed
    now = 1_800_000_000.0
    verdicts = [ratelimit.consume(key, now=now + i) for i in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[0].retry_after == 60 - int(now % 60)
    assert ratelimit.consume(key, now=now + 60).allowed  # the next minute starts afresh
    assert sorted(ApiRateCounter.objects.values_list("minute", "hits")) == [
        (int(now // 60), 4),
        (int(now // 60) + 1, 1),
    ]
    assert ratelimit.prune(now=now + 120) == 2


def test_each_request_of_a_client_is_logged_with_its_route_pattern(client, keyed):
    owner, key, raw = keyed
    applicant_register(kind="citizen", identifier="091185000123", name="Lê Thị Hoa")
    response = client.get("/api/v1/applicants/091185000123", headers={"X-API-Key": raw})
    assert response.status_code == 200
    client.get("/api/v1/applicants/091185000999", headers={"X-API-Key": raw})
    client.get("/api/v1/applicants/091185000123")  # no key: not a client's request
    client.get("/api/v1/units/91", headers={"X-API-Key": raw})  # public route: no auth ran
    entries = list(ApiRequestLog.objects.order_by("pk"))
    assert [(e.method, e.route, e.status) for e in entries] == [
        ("GET", "/api/v1/applicants/{identifier}", 200),
        ("GET", "/api/v1/applicants/{identifier}", 404),
    ]
    assert entries[0].client == owner and entries[0].key == key
    assert entries[0].bytes == len(response.content) and entries[0].duration_ms > 0


def test_refused_requests_of_a_client_are_logged_too(client):
    owner = api_client_create(organisation="A", rate_limit_per_minute=1)
    _key, raw = api_key_create(name="a", scopes=["applicants:read"], client=owner)
    client.get(SERVICES, headers={"X-API-Key": raw})
    client.get(SERVICES, headers={"X-API-Key": raw})
    assert list(ApiRequestLog.objects.order_by("pk").values_list("status", flat=True)) == [
        403,
        429,
    ]


def test_the_log_can_be_turned_off(client, keyed):
    with override_settings(GATEWAY_REQUEST_LOG=False):
        assert client.get(SERVICES, headers={"X-API-Key": keyed[2]}).status_code == 200
    assert not ApiRequestLog.objects.exists()


def test_logging_costs_one_insert_and_little_time(client):
    """Measured, not a benchmark: the same keyed lookup with and without the log. The log is
    one INSERT; the times are printed for the report (pytest -s)."""
    owner = api_client_create(organisation="A", rate_limit_per_minute=100_000)
    _key, raw = api_key_create(name="a", scopes=["applicants:read"], client=owner)
    applicant_register(kind="citizen", identifier="091185000123", name="Lê Thị Hoa")
    url, headers = "/api/v1/applicants/091185000123", {"X-API-Key": raw}
    client.get(url, headers=headers)  # touches the key's last use (once every 5 minutes)
    with CaptureQueriesContext(connection) as on:
        client.get(url, headers=headers)
    with override_settings(GATEWAY_REQUEST_LOG=False), CaptureQueriesContext(connection) as off:
        client.get(url, headers=headers)
    inserts = [q["sql"] for q in on.captured_queries if "core_apirequestlog" in q["sql"]]
    assert len(on.captured_queries) == len(off.captured_queries) + 1 and len(inserts) == 1

    def once(log: bool) -> float:
        with override_settings(GATEWAY_REQUEST_LOG=log):
            started = time.perf_counter()
            client.get(url, headers=headers)
            return time.perf_counter() - started

    for _ in range(20):  # warm up
        once(True)
    # Alternated, so that the load of other processes falls on both alike.
    pairs = [(once(False), once(True)) for _ in range(200)]
    without = sorted(p[0] for p in pairs)[100] * 1000
    with_log = sorted(p[1] for p in pairs)[100] * 1000
    print(f"\nkeyed lookup, median: {without:.2f} ms without the log, {with_log:.2f} ms with it")
    # Only a gross regression fails here (the machine's load varies); the INSERT is above.
    assert with_log < without * 2 + 5.0


def test_catalogue_lists_offered_and_consumed_services_without_addresses(client, keyed):
    body = client.get(SERVICES, headers={"X-API-Key": keyed[2]}).json()
    offered = {s["code"]: s for s in body["offered"]}
    assert {"applications", "documents", "exchange", "statistics", "gateway"} <= set(offered)
    directory = offered["directory"]
    assert directory["scopes"] == ["applicants:read"]
    assert {
        "method": "GET",
        "path": "/api/v1/applicants/{identifier}",
        "access": "key",
        "scope": "applicants:read",
    } in directory["operations"]
    assert {op["access"] for op in offered["documents"]["operations"]} == {"session"}
    assert {op["access"] for op in offered["exchange"]["operations"]} == {"peer"}
    consumed = {s["code"]: s for s in body["consumed"]}
    assert {"dvcqg", "csdlqgdc", "buu-chinh", "payment-card", "payment-paygov"} <= set(consumed)
    assert consumed["dvcqg"]["kind"] == "national"
    assert "http" not in str(body["consumed"])  # addresses only on the operators' page


def test_catalogue_lists_peer_nodes(client, keyed):
    from tinhso.exchange.models import Peer

    Peer.objects.create(
        name="kien-giang",
        title="Tỉnh Kiên Giang",
        base_url="https://lgsp.kiengiang.example",
        certificate_pem="-",
        key_hash="a" * 64,
        active=False,
    )
    body = client.get(SERVICES, headers={"X-API-Key": keyed[2]}).json()
    peer = next(s for s in body["consumed"] if s["code"] == "peer-kien-giang")
    assert peer == {
        "code": "peer-kien-giang",
        "title": "Nút liên thông «Tỉnh Kiên Giang»",
        "kind": "peer",
        "configured": True,
        "simulator": False,
        "active": False,
    }


def test_the_catalogue_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"][SERVICES]["get"]
    assert operation["tags"] == ["gateway"]
    assert {"200", "401", "403", "429"} <= set(operation["responses"])


# --- The back-office page: platform operators only ----------------------------------------

PAGE = "/backoffice/cong-ket-noi/"
ROLES = ["clerk", "specialist", "leader", "one_stop_officer", "administrator"]


@pytest.mark.parametrize("role", ROLES)
def test_page_is_refused_to_every_role_of_an_organ(client, role):
    organ = OrganFactory()
    official = OfficialFactory(organ=organ, roles=[(role, organ, True)])
    client.force_login(official.user)
    assert client.get(PAGE).status_code == 403


def test_page_is_refused_to_anonymous_and_staff_and_shown_to_operators(client, keyed):
    assert client.get(PAGE).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.get(PAGE).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cổng DVC tỉnh" in html and keyed[1].prefix in html and keyed[2] not in html
    assert "/api/v1/applicants/{identifier}" in html and "Cổng Dịch vụ công quốc gia" in html


def test_the_daily_job_prunes_the_log_past_its_retention_and_ended_counters(keyed):
    from datetime import timedelta

    from django.utils import timezone

    from tinhso.core import periodic
    from tinhso.core.gateway.prune import prune_summary

    _client, key, _raw = keyed
    now = timezone.now()
    for days in (91, 89):
        ApiRequestLog.objects.create(
            at=now - timedelta(days=days),
            key=key,
            client=key.client,
            method="GET",
            route="/x",
            status=200,
            duration_ms=1,
            bytes=1,
        )
    ratelimit.consume(key, now=1_700_000_000.0)  # long ended
    ratelimit.consume(key)  # the current minute (the fixed clock)
    job = next(j for j in periodic.jobs() if j.name == "core.gateway_prune")
    assert job.every_seconds == 86400
    with override_settings(GATEWAY_LOG_RETENTION_DAYS=90):
        assert job.run is prune_summary
        assert prune_summary() == "1 request log entries, 1 rate counters deleted"
        assert prune_summary() == "0 request log entries, 0 rate counters deleted"
    assert ApiRequestLog.objects.get().at == now - timedelta(days=89)
    assert ApiRateCounter.objects.count() == 1
