"""The one-stop statistics against a hand-counted month (November 2020, Vietnam time).

Sở Tư pháp (DoJ) offers LLTP (province, online level 4 in 2020) and a CHUNGTHUC procedure
(commune, level 2: not online in 2020); Sở Xây dựng offers two HOTICH procedures (level 3,
online; level 2, not online). Each dossier below is one case, named by its code.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tinhso.directory.models import Organ
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.dossiers.models import Dossier, DossierEvent
from tinhso.dossiers.statistics.definitions import (
    IDENTITIES,
    INDICATORS,
    OFFERING_KEYS,
    RATES,
    Period,
)
from tinhso.dossiers.statistics.report import (
    build_report,
    counted,
    parse_period,
    reporting_organs,
)
from tinhso.procedures.models import Procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = Period(date(2020, 11, 1), date(2020, 11, 30))
CHUNGTHUC, HOTICH_ONLINE, HOTICH_OFFLINE = (
    "2.000815.000.00.00.H33",
    "1.001193.000.00.00.H33",
    "1.000894.000.00.00.H33",
)
pytestmark = pytest.mark.django_db


def at(month, day, hour=8, minute=0, year=2020):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def event(dossier, when, action, from_state, to_state):
    DossierEvent.objects.create(
        dossier=dossier, at=when, action=action, from_state=from_state, to_state=to_state
    )


@pytest.fixture
def month(office):
    """The dossiers of the month, created as rows with explicit dates."""
    doj, other = office["organ"], office["other_organ"]
    procedures = {p.code: p for p in Procedure.objects.all()}
    procedures[CHUNGTHUC].organs.add(doj)
    procedures[HOTICH_ONLINE].organs.add(other)
    procedures[HOTICH_OFFLINE].organs.add(other)

    def make(code, *, channel=1, state="processing", procedure=None, organ=doj, **dates):
        return Dossier.objects.create(
            code=code,
            procedure=procedure or office["procedure"],
            organ=organ,
            applicant=office["applicant"],
            channel=channel,
            state=state,
            **dates,
        )

    # Resolved in the month
    make("A-early", state="returned", received_at=at(11, 2), due_at=at(11, 16),
         resolved_at=at(11, 13, 10), finished_at=at(11, 13, 15))  # fmt: skip
    make("B-on-due-day", channel=2, state="result_ready", received_at=at(11, 3, 9),
         due_at=at(11, 17, 16), resolved_at=at(11, 17, 15, 59))  # fmt: skip
    make("C-late-1-minute", channel=3, state="returned", received_at=at(11, 4, 9),
         due_at=at(11, 18, 9), resolved_at=at(11, 18, 9, 1), finished_at=at(11, 19))  # fmt: skip
    make("D-no-due-date", state="returned", received_at=at(11, 5), resolved_at=at(11, 6),
         finished_at=at(11, 6))  # fmt: skip
    make("E-withdrawn", channel=2, state="withdrawn", received_at=at(11, 6), due_at=at(11, 20),
         finished_at=at(11, 10))  # fmt: skip
    make("F-refused", state="rejected", received_at=at(11, 9), due_at=at(11, 23),
         resolved_at=at(11, 12), finished_at=at(11, 12))  # fmt: skip
    make("G-carried-late", state="returned", received_at=at(10, 20), due_at=at(11, 3, 10),
         resolved_at=at(11, 5), finished_at=at(11, 5))  # fmt: skip
    make("H-carried-past-due", received_at=at(10, 26), due_at=at(11, 9))
    make("I-two-supplements", channel=2, state="result_ready", received_at=at(11, 10),
         due_at=at(11, 25), resolved_at=at(11, 20), supplement_requests=2)  # fmt: skip
    j = make("J-waiting", channel=2, state="waiting_supplement", received_at=at(11, 25),
             due_at=at(12, 9), paused_since=at(11, 27), supplement_requests=1)  # fmt: skip
    event(j, at(11, 25), "receive", "submitted", "received")
    event(j, at(11, 27), "request_supplement", "received", "waiting_supplement")
    make("K-paused-before-due", state="waiting_supplement", received_at=at(11, 2),
         due_at=at(11, 16), paused_since=at(11, 13), supplement_requests=1)  # fmt: skip
    ell = make("L-supplemented-after-end", channel=3, received_at=at(11, 16),
               due_at=at(12, 30), supplement_requests=1)  # fmt: skip
    event(ell, at(11, 16), "receive", "draft", "received")
    event(ell, at(11, 20), "request_supplement", "received", "waiting_supplement")
    event(ell, at(12, 3), "supplement", "waiting_supplement", "processing")
    make("R-same-day", channel=2, state="result_ready", procedure=procedures[CHUNGTHUC],
         received_at=at(11, 12), due_at=at(11, 12, 17), resolved_at=at(11, 12, 16))  # fmt: skip
    # Outside the month: counted nowhere
    make("M-done-in-october", state="returned", received_at=at(10, 1), due_at=at(10, 15),
         resolved_at=at(10, 15), finished_at=at(10, 15))  # fmt: skip
    make("N-ready-in-october", state="returned", received_at=at(10, 5), due_at=at(10, 30),
         resolved_at=at(10, 30), finished_at=at(11, 3))  # fmt: skip
    make("O-december", received_at=at(12, 1), due_at=at(12, 15))
    make("P-refused-at-intake", channel=2, state="rejected", resolved_at=at(11, 5),
         finished_at=at(11, 5))  # fmt: skip
    # Sở Xây dựng
    make("Q-other-past-due", organ=other, procedure=procedures[HOTICH_ONLINE],
         received_at=at(11, 10), due_at=at(11, 24))  # fmt: skip
    return office


DOJ = {
    "received": {"A", "B", "C", "D", "E", "F", "I", "J", "K", "L", "R"},
    "received_online": {"B", "E", "I", "J", "R"},
    "received_counter": {"A", "D", "F", "K"},
    "received_post": {"C", "L"},
    "carried_over": {"G", "H"},
    "resolved": {"A", "B", "C", "D", "F", "G", "I", "R"},
    "resolved_early": {"A", "F", "I"},
    "resolved_on_time": {"B", "D", "R"},
    "resolved_late": {"C", "G"},
    "in_progress": {"H", "J", "K", "L"},
    "in_progress_within": {"J", "K", "L"},
    "in_progress_past": {"H"},
    "waiting_supplement": {"J", "K", "L"},
    "refused": {"F"},
    "withdrawn": {"E"},
    "i21_on_time": {"A", "B", "D", "F", "R"},
    "i21_late_finished": {"C", "G", "I"},
    "i21_late_unfinished": {"H"},
    "i21_counted": {"A", "B", "C", "D", "F", "G", "H", "I", "R"},
    "i41_granted": {"A", "B", "C", "D", "G", "I", "R"},
    # LLTP requires an electronic result and none was issued: only R (CHUNGTHUC) counts.
    "i33_online": {"R"},
    # LLTP and CHUNGTHUC both carry a fee: every dossier received has a financial obligation.
    "i36_fee_dossiers": {"A", "B", "C", "D", "E", "F", "I", "J", "K", "L", "R"},
}
OTHER = {"received": {"Q"}, "received_counter": {"Q"}, "in_progress": {"Q"}}
OTHER |= {"in_progress_past": {"Q"}, "i21_late_unfinished": {"Q"}, "i21_counted": {"Q"}}
# Procedures: offered, offered online (in force on 30/11/2020), used online; with a fee
# (the HOTICH procedures' charges are 0 đồng: no financial obligation).
DOJ_OFFERINGS = {
    "offered": {"LLTP", CHUNGTHUC},
    "offered_online": {"LLTP"},
    "offered_online_used": {"LLTP"},
    "i35_fee_procedures": {"LLTP", CHUNGTHUC},
}
OTHER_OFFERINGS = {"offered": {HOTICH_ONLINE, HOTICH_OFFLINE}, "offered_online": {HOTICH_ONLINE}}


def _codes(subject, rows):
    if subject == "dossier":
        return {d.code.split("-")[0] for d in rows}
    return {"LLTP" if p.code.startswith("2.000488") else p.code for p in rows}


def _expected(key, dossiers, offerings):
    return (
        dossiers.get(key, set())
        if INDICATORS[key].subject == "dossier"
        else offerings.get(key, set())
    )


def test_every_cell_of_the_organ_report_is_hand_counted(month):
    report = build_report(organs=Organ.objects.all(), period=NOV, grouping="organ")
    rows = {r.label: r for r in report.rows}
    assert list(rows) == ["Sở Tư pháp", "Sở Xây dựng"]
    for key in INDICATORS:
        assert rows["Sở Tư pháp"].counts[key] == len(_expected(key, DOJ, DOJ_OFFERINGS)), key
        assert rows["Sở Xây dựng"].counts[key] == len(_expected(key, OTHER, OTHER_OFFERINGS)), key
    total = report.total.counts
    assert (total["received"], total["carried_over"], total["resolved"], total["in_progress"]) == (
        12,
        2,
        8,
        5,
    )
    assert (total["offered"], total["offered_online"], total["offered_online_used"]) == (4, 2, 1)
    doj = rows["Sở Tư pháp"]
    assert {k: doj.rate(k).text for k in RATES} == {
        "on_time_rate": "75,0%",  # (3 early + 3 on time) / 8
        "i14": "0,0%",  # no push delivered
        "i21": "55,6%",  # 5 / 9
        "i31": "50,0%",
        "i32": "100,0%",
        "i33": "9,1%",  # 1 / 11: the 4 other online dossiers are LLTP without e-result
        "i35": "0,0%",  # no online payment
        "i36": "0,0%",
        "i41": "0,0%",  # no electronic result among the 7 granted
        "i42": "0,0%",  # rows made directly: no flag set
        "i43": "0,0%",
    }
    assert rows["Sở Xây dựng"].rate("on_time_rate").value is None
    assert rows["Sở Xây dựng"].rate("on_time_rate").text == "—"
    assert report.total.rate("i21").text == "50,0%"  # 5 on time of 9 + Q


@pytest.mark.parametrize("grouping", ["organ", "field", "level"])
def test_every_row_and_the_total_reconcile(month, grouping):
    report = build_report(organs=Organ.objects.all(), period=NOV, grouping=grouping)
    for row in [*report.rows, report.total]:
        assert row.discrepancies() == [], row.label
        c = row.counts
        ended_or_open = c["resolved"] + c["withdrawn"] + c["in_progress"]
        assert c["carried_over"] + c["received"] == ended_or_open
        for left, right in IDENTITIES:
            assert sum(c[k] for k in left) == sum(c[k] for k in right)
    for key in INDICATORS:
        if INDICATORS[key].subject == "dossier":
            assert report.total.counts[key] == sum(r.counts[key] for r in report.rows)


def test_a_broken_record_shows_as_a_discrepancy(month):
    # finished without a resolution, but not withdrawn: the books cannot balance
    Dossier.objects.filter(code__startswith="E-").update(state="returned")
    report = build_report(organs=Organ.objects.all(), period=NOV, grouping="organ")
    assert report.rows[0].discrepancies() == [
        "carried_over + received = resolved + withdrawn + in_progress"
    ]


def test_by_field_and_by_level(month):
    by_field = build_report(organs=Organ.objects.all(), period=NOV, grouping="field")
    fields = {r.label: r.counts for r in by_field.rows}
    assert sorted(fields) == ["Chứng thực", "Hộ tịch", "Lý lịch tư pháp"]
    assert (fields["Lý lịch tư pháp"]["received"], fields["Lý lịch tư pháp"]["resolved"]) == (10, 7)
    assert (fields["Chứng thực"]["received"], fields["Chứng thực"]["offered"]) == (1, 1)
    assert (fields["Hộ tịch"]["in_progress_past"], fields["Hộ tịch"]["offered_online"]) == (1, 1)
    by_level = build_report(organs=Organ.objects.all(), period=NOV, grouping="level")
    levels = {r.group: r.counts for r in by_level.rows}
    assert set(levels) == {"level:province", "level:commune"}
    assert (levels["level:province"]["received"], levels["level:commune"]["received"]) == (10, 2)
    assert (levels["level:commune"]["offered"], levels["level:commune"]["offered_online"]) == (3, 1)
    assert by_level.total.counts["offered"] == 4


@pytest.mark.parametrize("key", list(INDICATORS))
def test_the_list_behind_each_figure_is_what_it_counted(month, key):
    organs = Organ.objects.all()
    report = build_report(organs=organs, period=NOV, grouping="organ")
    for row in report.rows:
        subject, rows = counted(organs=organs, period=NOV, indicator=key, group=row.group)
        doj = row.label == "Sở Tư pháp"
        expected = _expected(key, DOJ if doj else OTHER, DOJ_OFFERINGS if doj else OTHER_OFFERINGS)
        assert _codes(subject, rows) == expected
        assert len(rows) == row.counts[key]
    subject, rows = counted(organs=organs, period=NOV, indicator=key, group="")
    assert len(rows) == report.total.counts[key]


def test_list_refuses_unknown_indicator_and_group(month):
    organs = Organ.objects.all()
    with pytest.raises(ValidationError):
        counted(organs=organs, period=NOV, indicator="nope", group="")
    for group in ("organ:x", "level:planet", "colour:1"):
        with pytest.raises(ValidationError):
            counted(organs=organs, period=NOV, indicator="received", group=group)


def test_scope_an_official_sees_only_organs_in_scope(month):
    leader = month["leader"].user  # leader of Sở Tư pháp: may view reports there
    report = build_report(organs=reporting_organs(leader), period=NOV, grouping="organ")
    assert [r.label for r in report.rows] == ["Sở Tư pháp"]
    assert report.total.counts["received"] == 11
    other = month["other_organ"]
    other_leader = OfficialFactory(organ=other, roles=[("leader", other, False)]).user
    report = build_report(organs=reporting_organs(other_leader), period=NOV, grouping="level")
    assert report.total.counts["received"] == 1 and report.total.counts["offered"] == 2
    _s, rows = counted(
        organs=reporting_organs(other_leader), period=NOV, indicator="received", group=""
    )
    assert _codes("dossier", rows) == {"Q"}
    with pytest.raises(PermissionDenied):
        reporting_organs(month["one_stop_officer"].user)  # no VIEW_REPORTS


def test_report_queries_do_not_grow_with_groups(month, django_assert_num_queries):
    organs = Organ.objects.all()
    with django_assert_num_queries(1 + 2 * len(OFFERING_KEYS)):
        report = build_report(organs=organs, period=NOV, grouping="organ")
    assert len(report.rows) == 2
    procedure = month["procedure"]
    more = Organ.objects.exclude(pk__in=[month["organ"].pk, month["other_organ"].pk])
    assert more.count() >= 3
    for organ in more:
        procedure.organs.add(organ)
        Dossier.objects.create(
            procedure=procedure, organ=organ, applicant=month["applicant"], channel=1,
            state="processing", received_at=at(11, 3), due_at=at(11, 17),
        )  # fmt: skip
    for grouping in ("organ", "field", "level"):
        with django_assert_num_queries(1 + 2 * len(OFFERING_KEYS)):
            report = build_report(organs=organs, period=NOV, grouping=grouping)
    assert len(report.rows) == 2
    by_organ = build_report(organs=organs, period=NOV, grouping="organ")
    assert len(by_organ.rows) == 2 + more.count()


def test_period_parsing():
    now = at(2, 15, 10, year=2021)
    assert parse_period(None, None, now=now) == Period(date(2021, 2, 1), date(2021, 2, 28), now)
    quarter = parse_period(None, None, now=now, preset="quarter")
    assert (quarter.first, quarter.last) == (date(2021, 1, 1), date(2021, 3, 31))
    year = parse_period(None, None, now=now, preset="year")
    assert (year.first, year.last, year.end) == (date(2021, 1, 1), date(2021, 12, 31), now)
    assert year.on == date(2021, 2, 15)
    assert NOV.start == at(11, 1, 0) and NOV.end == at(12, 1, 0)
    for first, last, field in [
        ("2021-13-01", "2021-01-31", "from"),
        ("2021-01-01", "31/01/2021", "to"),
        ("2021-01-31", "2021-01-01", "to"),
        ("2021-01-01", None, "to"),
        ("2021-03-01", "2021-03-31", "from"),  # starts after today
    ]:
        with pytest.raises(ValidationError) as error:
            parse_period(first, last, now=now)
        assert list(error.value.message_dict) == [field]


def test_current_period_is_measured_now(month):
    """Mid-month, "at the end" means now: H is past due now, J not received yet."""
    report = build_report(
        organs=Organ.objects.all(),
        period=Period(date(2020, 11, 1), date(2020, 11, 30), cap=at(11, 10, 12)),
        grouping="organ",
    )
    doj = report.rows[0]
    assert doj.discrepancies() == []
    _s, rows = counted(
        organs=Organ.objects.all(),
        period=Period(date(2020, 11, 1), date(2020, 11, 30), cap=at(11, 10, 12)),
        indicator="received",
        group="",
    )
    assert _codes("dossier", rows) == {"A", "B", "C", "D", "E", "F", "I", "K", "Q"}
