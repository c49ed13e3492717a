"""Decision 766 indicators 1.4 (synchronised to the national portal), 3.3 with its
electronic-result rule, and 3.5 / 3.6 (online payment), on a small hand-made dataset whose
expected figures are counted by hand below.

The catalogue is the demo one: LLTP (fee 200.000 đ, requires an electronic result), CHUNGTHUC
(fee 2.000 đ per page, no electronic result required) and KHAISINH (a charge of 0 đồng: no
financial obligation). Sở Tư pháp (DoJ) offers all three; Sở Xây dựng offers CHUNGTHUC.

| dossier | organ | procedure | channel | received | e-result | dossier push | fee paid |
|---|---|---|---|---|---|---|---|
| A | DoJ | LLTP | online | 02/11 | yes | sent | online, 02/11 |
| B | DoJ | LLTP | online | 03/11 | no | dead | failed, then pending |
| C | DoJ | LLTP | counter | 04/11 | no | pending (progress sent) | at the counter |
| D | DoJ | CHUNGTHUC | online | 05/11 | no | sent | online, 01/12 |
| E | DoJ | KHAISINH | online | 06/11 | no | none | no fee |
| F | DoJ | LLTP | online | 25/10 | yes | sent | online, 01/11 |
| G | other | CHUNGTHUC | online | 10/11 | no | failed | online, 10/11 |
| H | DoJ | LLTP | online | 12/11 | no | sent | online, refunded |
| I | DoJ | LLTP | online, full | 14/11 | no | none | exempt: no request raised |

A to H were filed at no recorded service level, so their obligation is the catalogue's fee;
I was filed where online payment was offered and no request was raised: nothing was due.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tinhso.directory.models import Organ
from tinhso.dossiers import national_glue
from tinhso.dossiers.fees import SOURCE
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.statistics.definitions import INDICATORS, Period
from tinhso.dossiers.statistics.report import build_report, counted
from tinhso.exchange.national.models import NationalPush
from tinhso.payments.models import Payment, PaymentRequest
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = Period(date(2020, 11, 1), date(2020, 11, 30))
DEC = Period(date(2020, 12, 1), date(2020, 12, 31))
NOV_DEC = Period(date(2020, 11, 1), date(2020, 12, 31))
CHUNGTHUC, KHAISINH = "2.000815.000.00.00.H33", "1.001193.000.00.00.H33"
NEW_KEYS = (
    "received",
    "received_online",
    "i14_synchronised",
    "i33_online",
    "i35_fee_procedures",
    "i35_paid_online",
    "i36_fee_dossiers",
    "i36_paid_online",
)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2020, month, day, hour, tzinfo=VN)


def push(code: str, state: str, kind: str = "dossier") -> None:
    NationalPush.objects.create(
        message_id=uuid.uuid4(), kind=kind, dossier_code=code, body={}, state=state
    )


def pay(dossier: Dossier, *states_settled: tuple[str, datetime | None]) -> None:
    """A payment request of `dossier` and one payment per (state, settled_at)."""
    request = PaymentRequest.objects.create(
        reference=f"YC{dossier.code}",
        source=SOURCE,
        source_id=dossier.pk,
        source_ref=dossier.code,
        applicant=dossier.applicant,
        organ=dossier.organ,
        procedure=dossier.procedure,
        description=dossier.procedure.name[:255],
        amount=200_000,
        expires_at=dossier.received_at + timedelta(days=30),
        paid_at=next((when for state, when in states_settled if state == "paid"), None),
    )
    for index, (state, settled_at) in enumerate(states_settled):
        Payment.objects.create(
            request=request,
            gateway="card",
            txn_ref=f"TS{dossier.code}{index}",
            amount=request.amount,
            state=state,
            created_at=dossier.received_at,
            expires_at=dossier.received_at + timedelta(minutes=15),
            settled_at=settled_at,
        )


@pytest.fixture
def data(office):
    doj, other = office["organ"], office["other_organ"]
    procedures = {p.code: p for p in Procedure.objects.all()}
    lltp = office["procedure"]
    assert lltp.electronic_result_required  # set in the demo catalogue
    assert not procedures[CHUNGTHUC].electronic_result_required
    procedures[CHUNGTHUC].organs.add(doj, other)
    procedures[KHAISINH].organs.add(doj)

    def make(code, procedure, received, *, organ=doj, channel=2, electronic=False, level=""):
        return Dossier.objects.create(
            code=code,
            procedure=procedure,
            organ=organ,
            applicant=office["applicant"],
            channel=channel,
            state="processing",
            received_at=received,
            due_at=received + timedelta(days=20),
            result_electronic=electronic,
            service_level=level,
        )

    a = make("A", lltp, at(11, 2), electronic=True)
    push("A", "sent")
    pay(a, ("paid", at(11, 2, 10)))
    b = make("B", lltp, at(11, 3))
    push("B", "dead")
    pay(b, ("failed", at(11, 3, 10)), ("pending", None))
    make("C", lltp, at(11, 4), channel=1)
    push("C", "pending")
    push("C", "sent", kind="progress")
    d = make("D", procedures[CHUNGTHUC], at(11, 5))
    push("D", "sent")
    pay(d, ("paid", at(12, 1, 8)))
    make("E", procedures[KHAISINH], at(11, 6))
    f = make("F", lltp, at(10, 25), electronic=True)
    push("F", "sent")
    pay(f, ("paid", at(11, 1, 8)))
    g = make("G", procedures[CHUNGTHUC], at(11, 10), organ=other)
    push("G", "failed")
    pay(g, ("paid", at(11, 10, 10)))
    h = make("H", lltp, at(11, 12))
    push("H", "sent")
    pay(h, ("refunded", at(11, 13)))
    make("I", lltp, at(11, 14), level="full")
    return office


# Hand-counted November, by organ (dossiers by code, offerings by procedure code).
NOV_DOJ = {
    "received": {"A", "B", "C", "D", "E", "H", "I"},
    "received_online": {"A", "B", "D", "E", "H", "I"},
    # B, H and I are LLTP without an electronic result; D and E need none.
    "i33_online": {"A", "D", "E"},
    # B's push is dead, C's dossier push pending (a progress push does not count), E none.
    "i14_synchronised": {"A", "D", "H"},
    # E: KHAISINH's charge is 0 đồng; I: assessed online, nothing due.
    "i36_fee_dossiers": {"A", "B", "C", "D", "H"},
    # B failed/pending, C at the counter, D paid after the end, H refunded.
    "i36_paid_online": {"A"},
    "i35_fee_procedures": {"LLTP", CHUNGTHUC},
    # LLTP: A (and F, received in October) paid in November; CHUNGTHUC: D paid in December.
    "i35_paid_online": {"LLTP"},
}
NOV_OTHER = {
    "received": {"G"},
    "received_online": {"G"},
    "i33_online": {"G"},
    "i14_synchronised": set(),
    "i36_fee_dossiers": {"G"},
    "i36_paid_online": {"G"},
    "i35_fee_procedures": {CHUNGTHUC},
    "i35_paid_online": {CHUNGTHUC},
}


def codes(subject: str, rows) -> set[str]:
    if subject == "dossier":
        return {d.code for d in rows}
    return {"LLTP" if p.code.startswith("2.000488") else p.code for p in rows}


def test_november_by_organ_is_hand_counted(data):
    report = build_report(organs=Organ.objects.all(), period=NOV, grouping="organ")
    rows = {r.label: r for r in report.rows}
    doj, other = rows["Sở Tư pháp"], rows["Sở Xây dựng"]
    for key in NEW_KEYS:
        assert doj.counts[key] == len(NOV_DOJ[key]), key
        assert other.counts[key] == len(NOV_OTHER[key]), key
    rates = {k: (doj.rate(k).numerator, doj.rate(k).denominator) for k in ("i14", "i33")}
    assert rates == {"i14": (3, 7), "i33": (3, 7)}
    assert (doj.rate("i35").text, doj.rate("i36").text) == ("50,0%", "20,0%")
    assert (other.rate("i35").text, other.rate("i36").text) == ("100,0%", "100,0%")
    total = report.total
    # Procedures count once however many organs offer them: LLTP and CHUNGTHUC.
    assert (total.counts["i35_fee_procedures"], total.counts["i35_paid_online"]) == (2, 2)
    assert (total.counts["i36_fee_dossiers"], total.counts["i36_paid_online"]) == (6, 2)
    assert (total.counts["i14_synchronised"], total.counts["i33_online"]) == (3, 4)
    for row in [*report.rows, total]:
        assert row.discrepancies() == [], row.label


@pytest.mark.parametrize("key", NEW_KEYS)
def test_the_list_behind_each_new_figure_is_what_it_counted(data, key):
    organs = Organ.objects.all()
    report = build_report(organs=organs, period=NOV, grouping="organ")
    for row in report.rows:
        subject, rows = counted(organs=organs, period=NOV, indicator=key, group=row.group)
        assert subject == INDICATORS[key].subject
        expected = NOV_DOJ if row.label == "Sở Tư pháp" else NOV_OTHER
        assert codes(subject, rows) == expected[key]
        assert len(rows) == row.counts[key]
    _subject, rows = counted(organs=organs, period=NOV, indicator=key, group="")
    assert len(rows) == report.total.counts[key]


def test_an_online_filing_with_nothing_due_has_no_obligation(data):
    doj = Organ.objects.filter(name="Sở Tư pháp")
    _s, rows = counted(organs=doj, period=NOV, indicator="i36_fee_dossiers", group="")
    assert "I" not in codes("dossier", rows)
    # Had a request been raised for I, it would owe the fee (and still be unpaid).
    pay(Dossier.objects.get(code="I"), ("expired", at(11, 14, 12)))
    counts = build_report(organs=doj, period=NOV, grouping="organ").total.counts
    assert (counts["i36_fee_dossiers"], counts["i36_paid_online"]) == (6, 1)
    # Filed at the counter, the catalogue's fee decides: C owes it though it has no request.
    assert PaymentRequest.objects.filter(source_ref="C").count() == 0


def test_payment_is_measured_at_the_end_of_the_period(data):
    doj = Organ.objects.filter(name="Sở Tư pháp")
    december = build_report(organs=doj, period=DEC, grouping="organ").total.counts
    # Nothing received in December; CHUNGTHUC's payment for D was settled on 01/12.
    assert (december["received"], december["i36_fee_dossiers"]) == (0, 0)
    assert december["i36_paid_online"] == 0
    assert (december["i35_fee_procedures"], december["i35_paid_online"]) == (2, 1)
    _s, rows = counted(organs=doj, period=DEC, indicator="i35_paid_online", group="")
    assert codes("offering", rows) == {CHUNGTHUC}
    # Over November and December, D's fee was paid before the end: A and D.
    both = build_report(organs=doj, period=NOV_DEC, grouping="organ").total.counts
    assert (both["i36_fee_dossiers"], both["i36_paid_online"]) == (5, 2)
    assert both["i35_paid_online"] == 2


def test_grouped_by_field_and_level_the_rows_still_reconcile(data):
    for grouping in ("field", "level"):
        report = build_report(organs=Organ.objects.all(), period=NOV, grouping=grouping)
        for row in [*report.rows, report.total]:
            assert row.discrepancies() == [], (grouping, row.label)
        for key in ("i14_synchronised", "i33_online", "i36_fee_dossiers", "i36_paid_online"):
            assert report.total.counts[key] == sum(r.counts[key] for r in report.rows)


def test_an_electronic_result_makes_the_online_dossier_count(data):
    Dossier.objects.filter(code="B").update(result_electronic=True)
    counts = build_report(
        organs=Organ.objects.filter(name="Sở Tư pháp"), period=NOV, grouping="organ"
    ).total.counts
    assert (counts["received_online"], counts["i33_online"]) == (6, 4)
    # The procedure no longer requiring one: every online dossier counts.
    Procedure.objects.filter(code__startswith="2.000488").update(electronic_result_required=False)
    counts = build_report(
        organs=Organ.objects.filter(name="Sở Tư pháp"), period=NOV, grouping="organ"
    ).total.counts
    assert counts["i33_online"] == 6


def test_synchronised_share_uses_the_same_definition(data):
    november = Dossier.objects.filter(received_at__gte=NOV.start, received_at__lt=NOV.end)
    doj = november.filter(organ=data["organ"])
    share = national_glue.synchronised_share(dossiers=doj)
    report = build_report(
        organs=Organ.objects.filter(pk=data["organ"].pk), period=NOV, grouping="organ"
    )
    assert (share.numerator, share.denominator) == (3, 7)
    assert (share.numerator, share.denominator) == (
        report.total.rate("i14").numerator,
        report.total.rate("i14").denominator,
    )
    everything = national_glue.synchronised_share(dossiers=Dossier.objects.all())
    assert (everything.numerator, everything.denominator) == (4, 9)  # A, D, F, H of 9
    # The portal accepts B's push after a replay: B is synchronised from then on.
    NationalPush.objects.filter(dossier_code="B").update(state="sent")
    assert national_glue.synchronised_share(dossiers=doj).numerator == 4
