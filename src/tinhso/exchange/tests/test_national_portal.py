"""The portal adapter and its queue against the DVCQG simulator over HTTP on loopback (live
server), and the population database against its simulator."""

import json
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.directory.services import applicant_register
from tinhso.exchange.national import population, portal, protocol, queue
from tinhso.exchange.national.models import (
    NationalPush,
    SimulatedPortalDossier,
    SimulatedPortalMessage,
)
from tinhso.exchange.tests.test_national_protocol import dossier_body, progress_body

pytestmark = pytest.mark.django_db(transaction=True)
CODE = "000.00.03.H33-201102-0001"
State = NationalPush.State


@pytest.fixture
def dvcqg(live_server, settings):
    settings.NATIONAL_PORTAL_URL = f"{live_server.url}/simulators/dvcqg"
    portal._CLIENT = None  # a fresh client (and token) per test
    yield live_server
    portal._CLIENT = None


def outage(live_server, count):
    data = f"count={count}".encode()
    urllib.request.urlopen(f"{live_server.url}/simulators/dvcqg/su-co", data=data)  # noqa: S310


def due_now():
    NationalPush.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def enqueue_dossier(code=CODE, **changes):
    return queue.enqueue(
        kind="dossier",
        message_id=protocol.message_id("dossier", code, "test"),
        data=dossier_body(MaHoSo=code, **changes),
    )


def enqueue_progress(code=CODE, n=1, **changes):
    return queue.enqueue(
        kind="progress",
        message_id=protocol.message_id("progress", code, n),
        data=progress_body(MaHoSo=code, **changes),
    )


def test_the_worker_sends_a_dossier_and_its_progress_and_the_simulator_shows_them(dvcqg):
    first, second = enqueue_dossier(), enqueue_progress(TrangThai=4, NoiDungXuLy="Phân công")
    assert queue.send_due() == {"sent": 2, "failed": 0, "dead": 0}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.attempts, first.answer["error_code"]) == (State.SENT, 1, 0)
    assert second.state == State.SENT and second.sent_at is not None
    held = SimulatedPortalDossier.objects.get(code=CODE)
    assert (held.status, held.data["ChuHoSo"]) == (4, "Lê Thị Hoa")
    page = urllib.request.urlopen(f"{dvcqg.url}/simulators/dvcqg/").read().decode()  # noqa: S310
    assert CODE in page and "4 · Đang xử lý" in page
    detail = (
        urllib.request.urlopen(  # noqa: S310
            f"{dvcqg.url}/simulators/dvcqg/ho-so/{CODE}/"
        )
        .read()
        .decode()
    )
    assert "Phân công" in detail and "Nguyễn Văn An" in detail
    assert queue.send_due() == {"sent": 0, "failed": 0, "dead": 0}  # nothing twice
    assert AuditEntry.objects.filter(action="national.sent").count() == 2


def test_a_repeated_message_id_is_acknowledged_and_applied_once(dvcqg):
    client = portal.portal()
    message = uuid.uuid4()
    assert client.push(protocol.DOSSIER_SERVICE, message, dossier_body()).ok
    again = client.push(protocol.DOSSIER_SERVICE, message, dossier_body(TrangThaiHoSo=10))
    assert again.ok and again.answer["duplicate"] is True
    assert SimulatedPortalMessage.objects.count() == 1
    assert SimulatedPortalDossier.objects.get().status == 2  # the repeat changed nothing


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"NgayTiepNhan": "02/11/2020 08:00"}, "NgayTiepNhan"),
        ({"TrangThaiHoSo": 12}, "TrangThaiHoSo"),
    ],
)
def test_the_simulator_refuses_bad_dates_and_status_codes_with_the_portal_error_shape(
    dvcqg, changes, field
):
    result = portal.portal().push(protocol.DOSSIER_SERVICE, uuid.uuid4(), dossier_body(**changes))
    assert (result.ok, result.retry) == (False, False)
    assert result.answer["error_code"] == protocol.INVALID
    assert [e["field"] for e in result.answer["errors"]] == [field]
    assert SimulatedPortalDossier.objects.count() == 0


def test_the_queue_keeps_dead_what_the_portal_would_refuse(caplog):
    push = enqueue_dossier(NgayHenTra="16/11/2020")
    assert (push.state, push.attempts, push.next_attempt_at) == ("dead", 0, None)
    assert "NgayHenTra" in push.last_error
    assert "refused before sending" in caplog.text
    assert list(queue.due()) == []


def test_without_a_token_or_with_wrong_credentials_nothing_is_applied(dvcqg, settings):
    request = urllib.request.Request(  # noqa: S310
        f"{dvcqg.url}/simulators/dvcqg/api/{protocol.DOSSIER_SERVICE}",
        data=json.dumps(
            protocol.envelope(protocol.DOSSIER_SERVICE, uuid.uuid4(), dossier_body())
        ).encode(),
        headers={"Authorization": "Bearer forged.token", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)  # noqa: S310
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["error_code"] == protocol.UNAUTHORISED
    wrong = portal.HttpPortal(
        base_url=settings.NATIONAL_PORTAL_URL, client_id="tinhso-dev", client_secret="wrong"
    )
    result = wrong.push(protocol.DOSSIER_SERVICE, uuid.uuid4(), dossier_body())
    assert (result.ok, result.retry) == (False, True) and "401" in result.error
    assert SimulatedPortalDossier.objects.count() == 0


def test_5xx_is_retried_with_backoff_then_sent(dvcqg, settings):
    settings.EXCHANGE_RETRY_BASE_SECONDS = 30
    push = enqueue_dossier()
    outage(dvcqg, 2)
    before = timezone.now()
    assert queue.send_due() == {"sent": 0, "failed": 1, "dead": 0}
    push.refresh_from_db()
    assert (push.state, push.attempts) == (State.FAILED, 1)
    assert "HTTP 503" in push.last_error
    # first retry waits base·2^0 = 30 s with jitter over the upper half: 15–30 s
    wait = (push.next_attempt_at - before).total_seconds()
    assert 14 <= wait <= 31
    assert queue.send_due()["failed"] == 0  # not due yet: no attempt
    due_now()
    queue.send_due()
    push.refresh_from_db()
    assert (push.state, push.attempts) == (State.FAILED, 2)
    assert 29 <= (push.next_attempt_at - timezone.now()).total_seconds() <= 61
    due_now()
    assert queue.send_due()["sent"] == 1
    push.refresh_from_db()
    assert (push.state, push.attempts, push.last_error) == (State.SENT, 3, "")
    assert SimulatedPortalMessage.objects.count() == 1


def test_after_the_last_attempt_the_push_is_dead_and_replay_sends_it(dvcqg, settings):
    settings.EXCHANGE_MAX_ATTEMPTS = 2
    push = enqueue_dossier()
    outage(dvcqg, 5)
    queue.send_due()
    due_now()
    queue.send_due()
    push.refresh_from_db()
    assert (push.state, push.attempts, push.next_attempt_at) == (State.DEAD, 2, None)
    due_now()
    assert queue.send_due() == {"sent": 0, "failed": 0, "dead": 0}  # dead letters wait
    outage(dvcqg, 0)
    queue.replay(push=push, actor="test")
    assert queue.send_due()["sent"] == 1
    with pytest.raises(ValueError):
        queue.replay(push=NationalPush.objects.get(), actor="test")


def test_progress_waits_behind_an_earlier_push_of_its_dossier(dvcqg):
    dossier, progress = enqueue_dossier(), enqueue_progress()
    other = enqueue_dossier(code="000.00.03.H33-201102-0002")
    outage(dvcqg, 1)  # the first push fails
    assert queue.send_due() == {"sent": 1, "failed": 1, "dead": 0}  # only the other one
    progress.refresh_from_db()
    other.refresh_from_db()
    assert (progress.state, progress.attempts) == (State.PENDING, 0)
    assert other.state == State.SENT
    due_now()
    assert queue.send_due()["sent"] == 2
    dossier.refresh_from_db()
    assert dossier.state == State.SENT


def test_progress_of_a_dossier_the_portal_does_not_hold_is_dead_at_once(dvcqg):
    push = enqueue_progress(code="000.00.03.H33-201102-0009")
    assert queue.send_due()["dead"] == 1
    push.refresh_from_db()
    assert push.attempts == 1 and push.answer["error_code"] == protocol.UNKNOWN_DOSSIER


def test_without_a_portal_url_nothing_is_attempted(settings):
    settings.NATIONAL_PORTAL_URL = ""
    push = enqueue_dossier()
    assert queue.send_due_summary().startswith("NATIONAL_PORTAL_URL not set")
    push.refresh_from_db()
    assert (push.state, push.attempts) == (State.PENDING, 0)


def test_enqueue_is_idempotent_by_message_id():
    assert enqueue_dossier().pk == enqueue_dossier().pk
    assert NationalPush.objects.count() == 1


# --- the national population database ------------------------------------------------


@pytest.fixture
def csdlqgdc(live_server, settings):
    settings.NATIONAL_POPULATION_URL = f"{live_server.url}/simulators/csdlqgdc"
    return live_server


def test_lookup_a_citizen_by_cccd(csdlqgdc):
    from datetime import date

    applicant = applicant_register(kind="citizen", identifier="091185000123", name="Lê Thị Hoa")
    applicant.birth_date, applicant.sex = date(1985, 3, 9), "female"
    applicant.address = "Tổ 3, phường Hồng Gai"
    applicant.save()
    citizen = population.lookup_citizen("091185000123")
    assert citizen == population.Citizen(
        cccd="091185000123",
        name="Lê Thị Hoa",
        birth_date=date(1985, 3, 9),
        sex="female",
        permanent_address="Tổ 3, phường Hồng Gai",
    )


@pytest.mark.parametrize("cccd", ["12345", "09118500012a", "0911850001234", "991185000123"])
def test_a_malformed_cccd_is_refused_before_and_by_the_database(csdlqgdc, cccd, settings):
    with pytest.raises(population.PopulationError) as refused:
        population.lookup_citizen(cccd)
    assert refused.value.code == "malformed" and "12 chữ số" in str(refused.value)
    request = urllib.request.Request(  # noqa: S310  (the simulator refuses it too)
        f"{csdlqgdc.url}/simulators/csdlqgdc/api/TraCuuCongDan",
        data=json.dumps({"SoDinhDanh": cccd}).encode(),
        headers={"X-API-Key": settings.NATIONAL_POPULATION_KEY},
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request)  # noqa: S310
    assert answer.value.code == 400 and json.loads(answer.value.read())["error_code"] == 1


def test_unknown_citizen_bad_key_and_no_database(csdlqgdc, settings):
    with pytest.raises(population.PopulationError) as missing:
        population.lookup_citizen("091185000999")
    assert missing.value.code == "not_found"
    applicant_register(kind="citizen", identifier="091185000123", name="Lê Thị Hoa")
    wrong = population.HttpPopulationDatabase(
        base_url=settings.NATIONAL_POPULATION_URL, key="wrong"
    )
    with pytest.raises(population.PopulationError) as refused:
        wrong.lookup_citizen("091185000123")
    assert refused.value.code == "unavailable"
    settings.NATIONAL_POPULATION_URL = ""
    with pytest.raises(population.PopulationError) as off:
        population.lookup_citizen("091185000123")
    assert off.value.code == "unavailable"


def test_the_periodic_job_and_the_command(dvcqg, settings):
    from io import StringIO

    from django.core.management import call_command

    from tinhso.core import periodic

    job = {j.name: j for j in periodic.jobs()}["exchange.national_send"]
    assert job.every_seconds == 10
    push = enqueue_dossier()
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    outage(dvcqg, 1)
    assert job.run() == "0 sent, 0 failed, 1 dead"
    out = StringIO()
    call_command("exchange_national", "status", stdout=out)
    assert out.getvalue() == "dossier dead: 1\n"
    call_command("exchange_national", "replay", str(push.message_id), stdout=out)
    call_command("exchange_national", "send", stdout=out)
    assert "1 sent" in out.getvalue()
    out = StringIO()
    call_command("exchange_national", "status", str(push.message_id), stdout=out)
    assert json.loads(out.getvalue())["state"] == "sent"
    out = StringIO()
    call_command("exchange_national", "status", "--dossier", CODE, stdout=out)
    assert out.getvalue() == f"{push.message_id} dossier sent attempts=1\n"


def test_the_simulators_answer_nothing_when_disabled(client, settings):
    settings.NATIONAL_SIMULATORS = False
    assert client.get("/simulators/dvcqg/").status_code == 403
    assert client.post("/simulators/dvcqg/oauth/token").status_code == 403
    assert client.post("/simulators/csdlqgdc/api/TraCuuCongDan").status_code == 403


def test_production_refuses_the_national_simulators_published_values(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from tinhso.exchange.national.checks import national_not_simulated

    settings.DEBUG, settings.NATIONAL_SIMULATORS = False, False
    settings.NATIONAL_PORTAL_CLIENT_SECRET = "dvcqg-simulator-secret"
    settings.NATIONAL_POPULATION_KEY = "csdlqgdc-simulator-key"
    settings.NATIONAL_PORTAL_URL = "http://127.0.0.1:8000/simulators/dvcqg"
    settings.NATIONAL_POPULATION_URL = ""
    found = [e.id for e in national_not_simulated()]
    assert found == ["national.E001", "national.E001", "national.E002"]
    with pytest.raises(SystemCheckError, match=r"national\.E00"):
        call_command("check")
    settings.NATIONAL_PORTAL_CLIENT_SECRET = "issued-by-the-portal"
    settings.NATIONAL_POPULATION_KEY = "issued-by-the-population-db"
    settings.NATIONAL_PORTAL_URL = "https://dichvucong.example.gov.vn/api"
    assert national_not_simulated() == []
    settings.NATIONAL_SIMULATORS = True
    settings.NATIONAL_PORTAL_CLIENT_SECRET = "dvcqg-simulator-secret"
    assert national_not_simulated() == []
