"""The statistics of official documents against a hand-counted month (November 2020, Vietnam
time), at the four levels of the sample province: UBND tỉnh and its office (province), Sở Tư
pháp (department), UBND thành phố Rạch Giá (district) and UBND phường Vĩnh Thanh Vân (commune,
under Rạch Giá). Each document below is one case, its summary its name."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tinhso.core.reporting import Period
from tinhso.directory.models import Organ, OrganIdentifier
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.documents.models import Document, IncomingDocument, Recipient, Register
from tinhso.documents.statistics.definitions import FIGURES, IDENTITIES, RATES
from tinhso.documents.statistics.report import (
    build_report,
    counted,
    narrow,
    reporting_organs,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = Period(date(2020, 11, 1), date(2020, 11, 30))
pytestmark = pytest.mark.django_db
IN, EX, PAPER = "internal", "exchange", "paper"
DELIVERED, SENT, QUEUED, FAILED = (IN, "delivered"), (EX, "sent"), (EX, "queued"), (EX, "failed")
ON_PAPER = (PAPER, "paper")


def at(month, day, hour=8, minute=0, year=2020):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def outgoing(name, organ, issued_at, *, signature="pades", lines=(), classified=False, to=None):
    """An outgoing document issued at `issued_at` (None: a draft) with recipient `lines`
    (channel, status), written as rows: recipients first, then the issue."""
    document = Document.objects.create(
        organ=organ,
        doc_type="official_letter",
        summary=name,
        confidentiality="confidential" if classified else "none",
    )
    for order, (channel, _status) in enumerate(lines):
        Recipient.objects.create(
            document=document,
            order=order,
            channel=channel,
            organ=to if channel == IN else None,
            identifier="000.00.00.G10" if channel == EX else "",
            name=f"{name} → {order}",
        )
    if issued_at is not None:
        register, _new = Register.objects.get_or_create(
            organ=organ, year=issued_at.year, kind="outgoing", classified=classified
        )
        register.last += 1
        register.save()
        Document.objects.filter(pk=document.pk).update(
            state="issued",
            register=register,
            number=register.last,
            notation=f"{register.last}/{organ.short_name}",
            issued_on=issued_at.astimezone(VN).date(),
            issued_at=issued_at,
            signature_kind=signature,
        )
        stored = document.recipients.order_by("order")
        for line, (_channel, status) in zip(stored, lines, strict=True):
            Recipient.objects.filter(pk=line.pk).update(status=status)
    return document


def incoming(
    name,
    organ,
    source,
    arrived,
    *,
    state="registered",
    registered=None,
    assigned=None,
    deadline=None,
    completed=None,
    classified=False,
):
    numbered = state not in ("arrived", "refused")
    register = None
    if numbered:
        register, _new = Register.objects.get_or_create(
            organ=organ, year=2020, kind="incoming", classified=classified
        )
        register.last += 1
        register.save()
    return IncomingDocument.objects.create(
        organ=organ,
        source=source,
        sender_name="Cơ quan gửi",
        summary=name,
        arrived_at=arrived,
        state=state,
        register=register,
        number=register.last if register else None,
        registered_at=registered if numbered else None,
        assigned_at=assigned,
        handling_deadline=deadline,
        completed_at=completed,
        refusal_reason="Gửi nhầm cơ quan" if state == "refused" else "",
        confidentiality="confidential" if classified else "none",
    )


@pytest.fixture
def month(org):
    """The documents of the month at the four levels, and one month on each side."""
    ubnd, vp, stp = org["province"], org["office"], org["justice"]
    city = OrganIdentifier.objects.get(value="000.00.24.H33").organ
    ward = OrganIdentifier.objects.get(value="000.01.24.H33").organ
    # Outgoing
    outgoing("OA", ubnd, at(11, 3), lines=[DELIVERED, SENT, ON_PAPER], to=stp)
    outgoing("OB", ubnd, at(11, 5), signature="recorded", lines=[DELIVERED], to=stp)
    outgoing("OC", ubnd, at(11, 6), lines=[DELIVERED, QUEUED], to=city)
    outgoing("OD", ubnd, at(11, 9), lines=[ON_PAPER])
    outgoing("OE", ubnd, at(11, 10), signature="recorded", lines=[ON_PAPER], classified=True)
    outgoing("OF-before", ubnd, at(10, 31, 23, 59), lines=[DELIVERED], to=stp)
    outgoing("OG-after", ubnd, at(12, 1, 0, 0), lines=[DELIVERED], to=stp)
    outgoing("OH", ubnd, at(11, 30, 23, 59), lines=[FAILED])
    outgoing("OI-draft", ubnd, None, lines=[(IN, "pending")], to=stp)
    outgoing("OJ", vp, at(11, 12), lines=[SENT])
    outgoing("OK", stp, at(11, 1, 0, 0), lines=[DELIVERED], to=ubnd)
    outgoing("OL", city, at(11, 15), lines=[DELIVERED, DELIVERED], to=ward)
    outgoing("OM", ward, at(11, 20), signature="recorded", lines=[DELIVERED], to=city)
    # Incoming at UBND tỉnh
    incoming(
        "IA",
        ubnd,
        IN,
        at(11, 2),
        state="completed",
        registered=at(11, 2, 9),
        assigned=at(11, 2, 10),
        deadline=at(11, 9, 17),
        completed=at(11, 9, 17),
    )
    incoming(
        "IB",
        ubnd,
        EX,
        at(11, 3),
        state="completed",
        registered=at(11, 3, 9),
        assigned=at(11, 3, 10),
        deadline=at(11, 6, 17),
        completed=at(11, 6, 17, 1),
    )
    incoming(
        "IC",
        ubnd,
        "scan",
        at(11, 4),
        state="completed",
        registered=at(11, 4),
        assigned=at(11, 4, 9),
        completed=at(11, 5),
    )
    incoming(
        "ID",
        ubnd,
        EX,
        at(11, 25),
        state="in_handling",
        registered=at(11, 25),
        assigned=at(11, 25, 9),
        deadline=at(12, 1, 0, 0),
    )
    incoming(
        "IE",
        ubnd,
        IN,
        at(11, 20),
        state="assigned",
        registered=at(11, 20),
        assigned=at(11, 20, 9),
        deadline=at(11, 30, 23, 59),
    )
    incoming("IF", ubnd, IN, at(11, 26), registered=at(11, 26))
    incoming("IG", ubnd, EX, at(11, 30, 16), state="arrived")
    incoming("IH", ubnd, IN, at(11, 27), state="refused")
    incoming("II", ubnd, "scan", at(11, 10), registered=at(11, 10), classified=True)
    incoming("IJ", ubnd, IN, at(11, 30, 15), registered=at(12, 1, 8))
    incoming(
        "IK-carried",
        ubnd,
        IN,
        at(10, 20),
        state="completed",
        registered=at(10, 20),
        assigned=at(10, 21),
        deadline=at(11, 4, 17),
        completed=at(11, 10),
    )
    incoming(
        "IL-carried",
        ubnd,
        IN,
        at(10, 15),
        state="in_handling",
        registered=at(10, 15),
        assigned=at(10, 16),
        deadline=at(10, 30, 17),
    )
    incoming(
        "IM-october",
        ubnd,
        IN,
        at(10, 1),
        state="completed",
        registered=at(10, 1),
        assigned=at(10, 2),
        deadline=at(10, 20),
        completed=at(10, 20),
    )
    incoming(
        "IN",
        ubnd,
        IN,
        at(11, 18),
        state="completed",
        registered=at(11, 18),
        assigned=at(11, 18, 9),
        deadline=at(12, 5, 17),
        completed=at(12, 2),
    )
    incoming("IO-december", ubnd, EX, at(12, 1, 0, 0), state="arrived")
    incoming("IP", ubnd, EX, at(11, 1, 0, 0), registered=at(11, 1, 8))
    # Incoming at the department and the commune
    incoming(
        "IQ",
        stp,
        IN,
        at(11, 5),
        state="completed",
        registered=at(11, 5),
        assigned=at(11, 5, 9),
        deadline=at(11, 12, 17),
        completed=at(11, 12, 16),
    )
    incoming("IR", ward, IN, at(11, 21), registered=at(11, 21))
    incoming("IS", ward, "scan", at(11, 22), registered=at(11, 22))
    return {**org, "city": city, "ward": ward}


UBND = {
    "out_issued": {"OA", "OB", "OC", "OD", "OE", "OH"},
    "out_classified": {"OE"},
    "out_counted": {"OA", "OB", "OC", "OD", "OH"},
    "out_electronic": {"OA"},
    "out_not_electronic": {"OB", "OC", "OD", "OH"},
    "in_arrived": {"IA", "IB", "IC", "ID", "IE", "IF", "IG", "IH", "II", "IJ", "IN", "IP"},
    "in_registered": {"IA", "IB", "IC", "ID", "IE", "IF", "II", "IN", "IP"},
    "in_waiting": {"IG", "IJ"},
    "in_refused": {"IH"},
    "in_classified": {"II"},
    "in_counted": {"IA", "IB", "IC", "ID", "IE", "IF", "IN", "IP"},
    "in_electronic": {"IA", "IB", "ID", "IE", "IF", "IN", "IP"},
    "in_internal": {"IA", "IE", "IF", "IN"},
    "in_exchange": {"IB", "ID", "IP"},
    "in_scan": {"IC"},
    "h_unassigned": {"IF", "II", "IP"},
    "h_in_progress": {"ID", "IE", "IL", "IN"},
    "h_within": {"ID", "IN"},
    "h_past": {"IE", "IL"},
    "h_completed": {"IA", "IB", "IC", "IK"},
    "h_on_time": {"IA", "IC"},
    "h_late": {"IB", "IK"},
}
OFFICE = {"out_issued": {"OJ"}, "out_counted": {"OJ"}, "out_electronic": {"OJ"}}
JUSTICE = {"out_issued": {"OK"}, "out_counted": {"OK"}, "out_electronic": {"OK"}}
JUSTICE |= {k: {"IQ"} for k in ("in_arrived", "in_registered", "in_counted", "in_electronic")}
JUSTICE |= {k: {"IQ"} for k in ("in_internal", "h_completed", "h_on_time")}
CITY = {"out_issued": {"OL"}, "out_counted": {"OL"}, "out_electronic": {"OL"}}
WARD = {"out_issued": {"OM"}, "out_counted": {"OM"}, "out_not_electronic": {"OM"}}
WARD |= {k: {"IR", "IS"} for k in ("in_arrived", "in_registered", "in_counted", "h_unassigned")}
WARD |= {"in_electronic": {"IR"}, "in_internal": {"IR"}, "in_scan": {"IS"}}
BY_ORGAN = {
    "Ủy ban nhân dân tỉnh Kiên Giang": UBND,
    "Văn phòng UBND tỉnh": OFFICE,
    "Sở Tư pháp": JUSTICE,
    "Ủy ban nhân dân thành phố Rạch Giá": CITY,
    "UBND phường Vĩnh Thanh Vân": WARD,
}


def _names(rows):
    return {item.summary.split("-")[0] for item in rows}


def _union(*expected):
    return {k: set().union(*(e.get(k, set()) for e in expected)) for k in FIGURES}


def test_every_cell_of_the_organ_report_is_hand_counted(month):
    report = build_report(organs=Organ.objects.all(), period=NOV, grouping="organ")
    rows = {r.label: r for r in report.rows}
    assert sorted(rows) == sorted(BY_ORGAN)  # Sở Xây dựng has nothing: no row
    for label, expected in BY_ORGAN.items():
        for key in FIGURES:
            assert rows[label].counts[key] == len(expected.get(key, set())), (label, key)
    ubnd = rows["Ủy ban nhân dân tỉnh Kiên Giang"]
    assert {k: ubnd.rate(k).text for k in RATES} == {
        "out_share": "20,0%",  # OA of 5 (OE classified, left out)
        "in_share": "87,5%",  # 7 of 8 (II classified, IG/IJ not registered, IH refused)
        "share": "61,5%",  # (1 + 7) / (5 + 8)
        "on_time_rate": "50,0%",  # IA on the deadline minute, IC without deadline
    }
    total = report.total
    assert (total.counts["out_issued"], total.counts["out_electronic"]) == (10, 4)
    assert (total.counts["in_arrived"], total.counts["in_counted"]) == (15, 11)
    assert {k: total.rate(k).text for k in RATES} == {
        "out_share": "44,4%",  # 4 / 9
        "in_share": "81,8%",  # 9 / 11
        "share": "65,0%",  # 13 / 20
        "on_time_rate": "60,0%",  # 3 / 5
    }
    assert rows["Văn phòng UBND tỉnh"].rate("on_time_rate").value is None
    assert rows["Văn phòng UBND tỉnh"].rate("on_time_rate").text == "—"


@pytest.mark.parametrize("grouping", ["organ", "unit", "level"])
def test_every_row_and_the_total_reconcile(month, grouping):
    report = build_report(organs=Organ.objects.all(), period=NOV, grouping=grouping)
    for row in [*report.rows, report.total]:
        for whole, parts in IDENTITIES:
            assert row.counts[whole] == sum(row.counts[p] for p in parts)
    for key in FIGURES:
        assert report.total.counts[key] == sum(r.counts[key] for r in report.rows)


def test_by_level_and_by_unit(month):
    by_level = build_report(organs=Organ.objects.all(), period=NOV, grouping="level")
    assert [r.group for r in by_level.rows] == [
        "level:province",
        "level:department",
        "level:district",
        "level:commune",
    ]
    levels = {r.group.split(":")[1]: r for r in by_level.rows}
    assert levels["province"].label == "Cấp tỉnh"
    assert levels["province"].counts == {k: len(v) for k, v in _union(UBND, OFFICE).items()}
    assert levels["province"].rate("out_share").text == "33,3%"  # OA, OJ of 6
    assert levels["commune"].rate("out_share").text == "0,0%"
    assert levels["commune"].rate("in_share").text == "50,0%"
    assert levels["district"].counts["out_electronic"] == 1
    by_unit = build_report(organs=Organ.objects.all(), period=NOV, grouping="unit")
    province, office, justice, city = (
        month["province"],
        month["office"],
        month["justice"],
        month["city"],
    )
    assert [(r.group, r.label) for r in by_unit.rows] == [
        (f"organ:{province.pk}", "Ủy ban nhân dân tỉnh Kiên Giang"),
        (f"tree:{justice.pk}", "Sở Tư pháp"),
        (f"tree:{office.pk}", "Văn phòng UBND tỉnh"),
        (f"tree:{city.pk}", "Ủy ban nhân dân thành phố Rạch Giá"),
    ]
    assert by_unit.rows[3].counts == {k: len(v) for k, v in _union(CITY, WARD).items()}


def test_filters_narrow_to_a_subtree_and_a_level(month):
    organs, chosen = narrow(Organ.objects.all(), organ=str(month["city"].pk))
    assert chosen == month["city"]
    report = build_report(organs=organs, period=NOV, grouping="organ", organ=chosen)
    assert [r.label for r in report.rows] == [
        "UBND phường Vĩnh Thanh Vân",
        "Ủy ban nhân dân thành phố Rạch Giá",
    ]
    organs, chosen = narrow(Organ.objects.all(), organ="000.00.24.H33", by_identifier=True)
    organs, _none = narrow(organs, level="commune")
    report = build_report(organs=organs, period=NOV, grouping="unit", organ=chosen)
    assert [r.label for r in report.rows] == ["UBND phường Vĩnh Thanh Vân"]
    assert report.rows[0].group == f"organ:{month['ward'].pk}"  # the only organ left: a top
    assert report.total.counts == {k: len(v) for k, v in _union(WARD).items()}
    for kwargs, field in [
        ({"organ": "999999"}, "organ"),
        ({"organ": "x"}, "organ"),
        ({"organ": "000.00.99.H33", "by_identifier": True}, "organ"),
        ({"level": "planet"}, "level"),
    ]:
        with pytest.raises(ValidationError) as error:
            narrow(Organ.objects.all(), **kwargs)
        assert list(error.value.message_dict) == [field]
    with pytest.raises(ValidationError) as error:
        build_report(organs=Organ.objects.all(), period=NOV, grouping="district")
    assert list(error.value.message_dict) == ["group"]


@pytest.mark.parametrize("key", list(FIGURES))
def test_the_list_behind_each_figure_is_what_it_counted(month, key):
    organs = Organ.objects.all()
    for grouping in ("organ", "unit", "level"):
        report = build_report(organs=organs, period=NOV, grouping=grouping)
        for row in report.rows:
            subject, rows = counted(organs=organs, period=NOV, figure=key, group=row.group)
            assert subject == FIGURES[key].subject
            assert len(rows) == row.counts[key], (grouping, row.label)
    organ_report = build_report(organs=organs, period=NOV, grouping="organ")
    for row in organ_report.rows:
        _s, rows = counted(organs=organs, period=NOV, figure=key, group=row.group)
        assert _names(rows) == BY_ORGAN[row.label].get(key, set())
    _s, rows = counted(organs=organs, period=NOV, figure=key)
    assert _names(rows) == set().union(*(e.get(key, set()) for e in BY_ORGAN.values()))


def test_list_refuses_unknown_figure_and_group(month):
    organs = Organ.objects.all()
    with pytest.raises(ValidationError):
        counted(organs=organs, period=NOV, figure="nope")
    for group in ("organ:x", "tree:", "level:planet", "colour:1"):
        with pytest.raises(ValidationError):
            counted(organs=organs, period=NOV, figure="out_issued", group=group)


def test_scope_an_official_sees_only_organs_in_scope(month):
    leader = OfficialFactory(organ=month["justice"], roles=[("leader", month["justice"], False)])
    report = build_report(organs=reporting_organs(leader.user), period=NOV, grouping="level")
    assert [r.group for r in report.rows] == ["level:department"]
    assert report.total.counts == {k: len(v) for k, v in _union(JUSTICE).items()}
    _s, rows = counted(organs=reporting_organs(leader.user), period=NOV, figure="in_arrived")
    assert _names(rows) == {"IQ"}
    city_leader = OfficialFactory(organ=month["city"], roles=[("leader", month["city"], True)])
    report = build_report(organs=reporting_organs(city_leader.user), period=NOV, grouping="unit")
    assert [r.label for r in report.rows] == [
        "Ủy ban nhân dân thành phố Rạch Giá",
        "UBND phường Vĩnh Thanh Vân",
    ]
    with pytest.raises(ValidationError):  # an organ outside the scope is refused, not shown
        narrow(reporting_organs(city_leader.user), organ=str(month["province"].pk))
    with pytest.raises(PermissionDenied):
        reporting_organs(month["clerk"].user)  # no VIEW_REPORTS


def test_report_queries_do_not_grow_with_documents_or_organs(month, django_assert_num_queries):
    organs = Organ.objects.all()
    with django_assert_num_queries(5):
        build_report(organs=organs, period=NOV, grouping="organ")
    construction = month["construction"]
    for n in range(30):
        outgoing(f"more{n}", construction, at(11, 16), lines=[DELIVERED], to=month["city"])
        incoming(f"more{n}", month["city"], IN, at(11, 16), registered=at(11, 16))
    for grouping in ("organ", "unit", "level"):
        with django_assert_num_queries(5):
            report = build_report(organs=organs, period=NOV, grouping=grouping)
        assert report.total.counts["out_electronic"] == 4 + 30
        assert report.total.counts["h_unassigned"] == 3 + 2 + 30


def test_current_period_is_measured_at_its_cap(month):
    """Mid-month, "at the end" means the moment of the report: 10/11 at noon."""
    period = Period(date(2020, 11, 1), date(2020, 11, 30), cap=at(11, 10, 12))
    report = build_report(organs=Organ.objects.all(), period=period, grouping="organ")
    ubnd = next(r for r in report.rows if r.label.startswith("Ủy ban nhân dân tỉnh"))
    assert ubnd.counts["h_in_progress"] == 1
    _s, rows = counted(organs=Organ.objects.all(), period=period, figure="out_issued")
    assert _names(rows) == {"OA", "OB", "OC", "OD", "OE", "OK"}
    _s, rows = counted(organs=Organ.objects.all(), period=period, figure="h_in_progress")
    # IK was completed on 10/11 at 08:00, before the cap; IQ (Sở Tư pháp) on 12/11.
    assert _names(rows) == {"IL", "IQ"}
    _s, rows = counted(organs=Organ.objects.all(), period=period, figure="h_past")
    assert _names(rows) == {"IL"}
