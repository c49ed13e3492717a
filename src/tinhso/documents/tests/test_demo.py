"""`tinhso seed --scale small` plays the demo documents through the real services: documents at
the four levels in the expected states, real signatures where the signers have keys, work in
the demo accounts' lists, figures that follow, and nothing more on a second run."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tinhso.core.reporting import Period
from tinhso.directory.models import Organ, User
from tinhso.documents import demo, hooks, selectors
from tinhso.documents.models import Document, DocumentFile, IncomingDocument
from tinhso.documents.services.common import read_file
from tinhso.documents.signing import PadesBackend
from tinhso.documents.statistics.definitions import LEVEL_OF_KIND
from tinhso.documents.statistics.report import build_report
from tinhso.signatures.models import CheckStatus
from tinhso.signatures.services import verify_pdf

pytestmark = pytest.mark.django_db

OUTGOING = {
    ("province", "issued"): 3,  # the plan, the directive, the report to the ministry
    ("province", "in_review"): 1,  # a notice waiting for the chairman
    ("department", "issued"): 1,  # the Department of Justice's report to the province
    ("department", "signed"): 1,  # its guidance, waiting for the clerk
    ("district", "issued"): 1,  # Rạch Giá forwards the directive to its wards
    ("district", "approved"): 1,  # an invitation waiting for the city chairman's signature
    ("commune", "issued"): 1,  # the ward's report to the city
    ("commune", "draft"): 1,
}
INCOMING = {
    ("province", "completed"): 1,  # the ministry's letter, answered late
    ("province", "in_handling"): 1,  # the department's report: overdue
    ("province", "registered"): 1,  # a paper letter waiting for assignment
    ("province", "arrived"): 1,  # yesterday's exchange package
    ("department", "completed"): 1,
    ("department", "registered"): 1,
    ("department", "arrived"): 2,  # at departments without a demo clerk
    ("district", "completed"): 2,
    ("district", "assigned"): 1,  # the ward's report: due within the working day
    ("district", "refused"): 1,
    ("district", "arrived"): 2,  # at Hà Tiên
    ("commune", "completed"): 1,
    ("commune", "arrived"): 2,  # at wards without a demo clerk
}


def _levels(model):
    rows = model.objects.values_list("organ__kind", "state")
    return Counter((LEVEL_OF_KIND[kind], state) for kind, state in rows)


def _user(username):
    return User.objects.get(username=username)


def check_the_story_at_four_levels():
    assert _levels(Document) == OUTGOING
    assert _levels(IncomingDocument) == INCOMING
    issued = Document.objects.filter(state="issued")
    assert Counter(issued.values_list("signature_kind", flat=True)) == {"pades": 5, "recorded": 1}
    assert issued.get(signature_kind="recorded").organ.kind == "commune_committee"
    assert sorted(issued.values_list("notation", flat=True)) == [
        "01/BC-STP",
        "01/BC-UBND",
        "01/KH-UBND",
        "01/UBND-VP",
        "02/CT-UBND",
        "03/BC-UBND",
    ]
    # every step lies in the past, in the order of the story
    now = timezone.now()
    assert all(d.issued_at < now for d in issued)
    assert not IncomingDocument.objects.filter(arrived_at__gt=now).exists()
    assert not IncomingDocument.objects.filter(assigned_at__gt=now).exists()


def check_signatures_are_real_where_the_signer_has_a_key():
    plan = Document.objects.get(summary=demo.MARKER)
    report = verify_pdf(pdf=read_file(plan.files.get(kind=DocumentFile.Kind.ISSUED)))
    assert [s.status for s in report.signatures] == [CheckStatus.VALID, CheckStatus.VALID]
    ward_report = Document.objects.get(organ__kind="commune_committee", state="issued")
    assert not ward_report.files.filter(kind=DocumentFile.Kind.SIGNED).exists()
    assert ward_report.files.get().original_name == "du-thao.docx"  # drafted in Word


def check_deadlines_one_overdue_one_due_soon():
    now = timezone.now()
    running = IncomingDocument.objects.filter(state__in=["assigned", "in_handling"])
    markers = {(i.organ.kind, selectors.marker(i, now)) for i in running}
    assert markers == {("province_committee", "overdue"), ("district_committee", "due_soon")}
    late = IncomingDocument.objects.get(source="exchange", state="completed")
    assert late.completed_at > late.handling_deadline
    on_time = IncomingDocument.objects.filter(state="completed", source="internal")
    assert on_time.count() == 4
    assert all(i.completed_at <= i.handling_deadline for i in on_time)


def check_demo_accounts_find_their_work():
    def queue(username):
        return {(i.organ.kind, i.state) for i in selectors.incoming_queue(user=_user(username))}

    def lists(username):
        found = selectors.outgoing_lists(user=_user(username))
        return {
            name: [d.summary for d in items] for name, items in found.items() if name != "issued"
        }

    assert queue("vanthu.tinh") == {("province_committee", "arrived")}
    # the chairman assigns over the whole province (a grant on its subtree)
    assert queue("lanhdao.tinh") == {
        ("province_committee", "registered"),
        ("department", "registered"),
    }
    assert queue("chuyenvien.tinh") == {("province_committee", "in_handling")}
    assert queue("lanhdao.stp") == {("department", "registered")}
    assert queue("chuyenvien.rachgia") == {("district_committee", "assigned")}
    assert len(lists("lanhdao.tinh")["review"]) == 1
    assert len(lists("lanhdao.rachgia")["sign"]) == 1
    assert len(lists("vanthu.stp")["issue"]) == 1
    assert len(lists("congchuc.vinhthanhvan")["drafts"]) == 1
    issued = selectors.outgoing_lists(user=_user("vanthu.vinhthanhvan"))["issued"]
    assert [d.notation for d in issued] == ["01/BC-UBND"]


def check_the_statistics_count_the_story():
    now = timezone.now()
    first = (now - timedelta(days=60)).date()
    period = Period(first, timezone.localdate(), cap=now)
    report = build_report(organs=Organ.objects.all(), period=period, grouping="level")
    levels = {r.group: r for r in report.rows}
    assert {k: r.rate("out_share").text for k, r in levels.items()} == {
        "level:province": "100,0%",
        "level:department": "100,0%",
        "level:district": "100,0%",
        "level:commune": "0,0%",  # the ward's report: signature recorded, not digital
    }
    assert levels["level:province"].rate("in_share").text == "66,7%"  # the paper letter
    total = report.total.counts
    assert (total["h_on_time"], total["h_late"], total["h_within"], total["h_past"]) == (4, 1, 1, 1)
    assert (total["in_refused"], total["h_unassigned"]) == (1, 2)


def test_seed_small_scale_plays_the_demo_documents_once(capsys):
    """One seeding (the slow part), then every check, then a second seeding."""
    hooks.register_signing_backend(PadesBackend())  # the conftest removes it afterwards
    call_command("seed", "--scale", "small", "--no-progress")
    assert "documents: 10 outgoing, 17 incoming created" in capsys.readouterr().out
    check_the_story_at_four_levels()
    check_signatures_are_real_where_the_signer_has_a_key()
    check_deadlines_one_overdue_one_due_soon()
    check_demo_accounts_find_their_work()
    check_the_statistics_count_the_story()

    call_command("seed", "--scale", "small", "--no-progress")
    assert "documents: 0 created" in capsys.readouterr().out
    assert _levels(Document) == OUTGOING and _levels(IncomingDocument) == INCOMING
    assert demo.generate() is False
