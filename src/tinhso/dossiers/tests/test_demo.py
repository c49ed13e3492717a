"""The bulk demo-dossier generator keeps the invariants of the services."""

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest

from tinhso.directory.models import Applicant, Organ, OrganIdentifier
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.directory.tests.samples import load_sample
from tinhso.dossiers import demo, demo_context
from tinhso.dossiers.codes import parse_code
from tinhso.dossiers.models import Channel, Dossier, DossierCounter, DossierEvent
from tinhso.dossiers.states import TERMINAL, State, next_state
from tinhso.dossiers.statistics.definitions import Period
from tinhso.dossiers.statistics.report import build_report
from tinhso.procedures import catalogue_io
from tinhso.procedures.models import Procedure, TimeUnit
from tinhso.procedures.models.catalogue import ONLINE_FILING_KINDS
from tinhso.procedures.seeding import DATA, link_organs
from tinhso.workcalendar.core import VIETNAM
from tinhso.workcalendar.selectors import calendar_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=VIETNAM)
COUNT = 500


@pytest.fixture
def province(tmp_path):
    load_sample(tmp_path)
    catalogue_io.import_catalogue(catalogue_io.loads(DATA.read_text(encoding="utf-8")))
    link_organs()
    commune = Organ.objects.get(name="UBND phường Vĩnh Thanh Vân")
    for organ in Organ.objects.all():
        OfficialFactory(organ=organ, roles=[("one_stop_officer", organ, False)])
    Applicant.objects.bulk_create(
        [
            Applicant(
                kind="citizen",
                identifier=f"0911900{i:05d}",
                name=f"Công dân {i}",
                unit_id=commune.unit_id if i % 2 else None,
            )
            for i in range(60)
        ]
        + [Applicant(kind="business", identifier=f"17000{i:05d}", name=f"DN {i}") for i in range(5)]
    )


@pytest.fixture
def generated(province):
    assert demo.generate(COUNT, now=NOW, batch=200) == COUNT
    return list(Dossier.objects.select_related("procedure").order_by("pk"))


def _events():
    history = defaultdict(list)
    for event in DossierEvent.objects.order_by("dossier_id", "at", "pk"):
        history[event.dossier_id].append(event)
    return history


def test_idempotent_and_deterministic(generated):
    assert Dossier.objects.count() == COUNT
    assert demo.generate(COUNT, now=NOW) == 0
    assert Dossier.objects.count() == COUNT
    codes = [(d.code, d.received_at, d.state, d.applicant_id) for d in generated]
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()
    DossierCounter.objects.all().delete()
    assert demo.generate(COUNT, now=NOW, batch=200) == COUNT
    again = Dossier.objects.order_by("pk").values_list("code", "received_at", "state", "applicant")
    assert list(again) == codes
    assert demo.generate(COUNT + 20, now=NOW) == 20


def test_codes_gapless_per_organ_and_day_with_matching_counters(generated):
    numbers = defaultdict(list)
    identifiers = {i.organ_id: i.value for i in OrganIdentifier.objects.filter(scheme="qcvn102")}
    for d in generated:
        if d.received_at is None:
            assert d.code is None and d.state == State.SUBMITTED
            continue
        organ_code, day, number = parse_code(d.code)
        assert organ_code == identifiers[d.organ_id]
        assert day == d.received_at.astimezone(VIETNAM).date()
        numbers[(d.organ_id, day)].append((d.received_at, number))
    counters = {(c.organ_id, c.day): c.last for c in DossierCounter.objects.all()}
    assert counters == {key: len(found) for key, found in numbers.items()}
    for found in numbers.values():
        assert sorted(n for _at, n in found) == list(range(1, len(found) + 1))


def test_due_dates_from_the_working_calendar(generated):
    history = _events()
    for d in generated:
        if d.received_at is None:
            assert d.due_at is None
            continue
        pauses, asked = [], None
        for event in history[d.pk]:
            if event.action == "request_supplement":
                asked = event.at
            elif event.action == "supplement":
                pauses.append((asked, event.at))
        limit = d.procedure.time_limit
        unit = "working_days" if d.procedure.time_unit == TimeUnit.WORKING_DAYS else "working_hours"
        calendar = calendar_for(year=d.received_at.astimezone(VIETNAM).year)
        expected = calendar.due(
            d.received_at, **{unit: limit}, cutoff=d.procedure.cutoff, pauses=pauses
        )
        assert d.due_at == expected, d.code
        assert d.paused_minutes == sum(calendar.working_minutes(a, b) for a, b in pauses)


def test_dates_states_and_history_are_consistent(generated):
    history = _events()
    offered = set(Procedure.organs.through.objects.values_list("procedure_id", "organ_id"))
    for d in generated:
        events = history[d.pk]
        assert events, d.pk
        assert (d.procedure_id, d.organ_id) in offered
        state = State.DRAFT
        for event in events:
            assert event.from_state == state
            if state == State.DRAFT and event.action == "receive":  # counter intake, as the
                assert event.to_state == State.RECEIVED  # service records it
            else:
                assert next_state(State(state), event.action) == State(event.to_state)
            assert event.at <= NOW
            state = State(event.to_state)
        assert state == d.state and d.version == len(events)
        assert events[0].action == ("submit" if d.channel == Channel.ONLINE else "receive")
        assert d.submitted_at <= (d.received_at or NOW) <= NOW
        assert d.created_at == d.submitted_at
        if d.state in TERMINAL:
            assert d.finished_at is not None and d.finished_at <= NOW
            assert events[-1].at == d.finished_at
        if d.state == State.WITHDRAWN:
            assert d.resolved_at is None
        elif d.state in (State.RETURNED, State.REJECTED):
            assert d.resolved_at is not None and d.received_at <= d.resolved_at <= d.finished_at
        elif d.state == State.RESULT_READY:
            assert d.resolved_at is not None and d.finished_at is None
        else:
            assert d.resolved_at is None and d.finished_at is None
        assert (d.paused_since is not None) == (d.state == State.WAITING_SUPPLEMENT)
        assert d.supplement_requests == sum(e.action == "request_supplement" for e in events)
        if d.channel == Channel.ONLINE:
            assert d.service_level in ONLINE_FILING_KINDS


def test_realistic_distributions_and_report_identities(generated):
    states = defaultdict(int)
    for d in generated:
        states[d.state] += 1
    assert states[State.RETURNED] > COUNT * 0.7
    assert {State.REJECTED, State.WITHDRAWN, State.PROCESSING} <= set(states)
    assert {d.received_at.year for d in generated if d.received_at} == set(range(2020, 2027))
    resolved = on_time = 0
    for year in range(2020, 2027):
        period = Period(date(year, 1, 1), date(year, 12, 31), cap=NOW)
        report = build_report(organs=Organ.objects.all(), period=period, grouping="organ")
        assert [r.discrepancies() for r in report.rows] == [[] for _r in report.rows]
        rate = report.total.rate("on_time_rate")
        resolved += rate.denominator
        on_time += rate.numerator
    assert 0.74 < on_time / resolved < 0.91


def test_clock_agrees_with_the_calendar():
    calendar = calendar_for(year=2024)
    clock = demo_context._Clock(calendar, date(2023, 1, 1), date(2026, 12, 31))
    rng = random.Random(7)
    for _ in range(500):
        moment = datetime(2024, 1, 1, tzinfo=VIETNAM) + timedelta(minutes=rng.randrange(525_600))
        minutes = rng.choice([1, 30, 240, 480, rng.randrange(1, 9_600)])
        assert clock.moment(clock.coord(moment) + minutes) == calendar.add(moment, minutes)
