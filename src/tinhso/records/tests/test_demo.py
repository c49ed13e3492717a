"""The demo work records: plans approved in January for the demo organs, records filled with
the demo documents and notes, one closed for the archive, one exported and archived, all
through the services; nothing more on a second run, nothing without the demo documents."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.core.seeding import seeders
from tinhso.directory import imports
from tinhso.directory.seeding import (
    DATA_DIR,
    ORGAN_FILE,
    ORGANS_ON,
    SUCCESSION_FILE,
    UNIT_FILES,
    seed_demo_accounts,
)
from tinhso.documents import demo as documents_demo
from tinhso.documents.demo_context import ORGANS
from tinhso.records import demo
from tinhso.records.models import FilePlan, RecordEvent, RecordItem, WorkRecord
from tinhso.records.seeding import seed_records

pytestmark = pytest.mark.django_db


def _no_progress(iterable, **_kwargs):
    return iterable


@pytest.fixture
def directory():
    """The shipped units and organs with the demo accounts (no generated people)."""
    for name in UNIT_FILES:
        imports.import_units(DATA_DIR / name)
    imports.import_successions(DATA_DIR / SUCCESSION_FILE)
    imports.import_organs(DATA_DIR / ORGAN_FILE, units_on=ORGANS_ON)
    seed_demo_accounts()


def _key(organ) -> str:
    """The organ's key in the documents demo (province, justice, city …)."""
    return {value: key for key, value in ORGANS.items()}[organ.identifier()]


def _records():
    return {
        (_key(r.organ), r.notation): r
        for r in WorkRecord.objects.select_related("organ").order_by("pk")
    }


def test_the_loader_runs_after_the_demo_documents():
    order = [s.name for s in seeders()]
    assert order.index("documents") < order.index("records")


def test_nothing_without_the_demo_documents(directory):
    assert seed_records(scale="small", progress=_no_progress) == [
        "records: 0 created (the demo records are there, or no demo documents)"
    ]
    assert not FilePlan.objects.exists()


def test_the_demo_records_once(directory):
    assert documents_demo.generate()
    lines = seed_records(scale="full", progress=_no_progress)
    assert lines == [
        "records: 5 file plans, 5 records (2 closed, 1 archived, 1 exported), 16 items created"
    ]
    first = documents_demo.Document.objects.get(summary=documents_demo.MARKER)
    year = timezone.localtime(first.issued_at).year

    # One approved plan a demo organ, prepared by its clerk, approved by its leader in January.
    plans = FilePlan.objects.select_related("organ", "created_by", "approved_by")
    assert {(_key(p.organ), p.state, p.year) for p in plans} == {
        (key, "approved", year) for key in ("province", "office", "justice", "city", "ward")
    }
    by_organ = {_key(p.organ): p for p in plans}
    province = by_organ["province"]
    assert (province.created_by.username, province.approved_by.username) == (
        "vanthu.tinh",
        "lanhdao.tinh",
    )
    assert by_organ["office"].approved_by.username == "lanhdao.tinh"
    assert all(timezone.localtime(p.approved_at).month == 1 for p in plans)
    assert [(e.notation, str(e.retention)) for e in province.entries.order_by("order")] == [
        ("01.VP", "Vĩnh viễn"),
        ("02.VP", "10 năm"),
        ("03.VP", "50 năm"),
    ]

    # The records, their states and what is in them.
    records = _records()
    assert {key: r.state for key, r in records.items()} == {
        ("province", "01.VP"): "open",
        ("province", "02.VP"): "archived",
        ("justice", "01.VP"): "closed",
        ("city", "01.VP"): "open",
        ("ward", "01.VP"): "open",
    }
    kinds = {key: [i.kind for i in r.items.order_by("order")] for key, r in records.items()}
    assert kinds == {
        ("province", "01.VP"): ["outgoing", "outgoing", "note", "incoming"],
        ("province", "02.VP"): ["incoming", "outgoing", "note"],
        ("justice", "01.VP"): ["incoming", "outgoing", "note"],
        ("city", "01.VP"): ["incoming", "incoming", "outgoing", "incoming"],
        ("ward", "01.VP"): ["incoming", "outgoing"],
    }
    assert Counter(RecordItem.objects.values_list("kind", flat=True)) == {
        "outgoing": 6,
        "incoming": 7,
        "note": 3,
    }

    # The report to the ministry: closed with its retention, exported, then archived.
    report = records[("province", "02.VP")]
    assert report.code.endswith(f".{year}.02.VP")
    assert (report.retention_years, report.doc_count) == (10, 3)
    assert report.retention_ends_on == date(report.end_date.year + 10, 12, 31)
    assert [row["kind"] for row in report.contents] == ["incoming", "outgoing", "note"]
    actions = list(report.events.values_list("action", "actor__username"))
    assert actions == [
        ("open", "chuyenvien.tinh"),
        ("file", "chuyenvien.tinh"),
        ("file", "chuyenvien.tinh"),
        ("note", "chuyenvien.tinh"),
        ("close", "chuyenvien.tinh"),
        ("export", "vanthu.tinh"),
        ("archive", "vanthu.tinh"),
    ]
    justice = records[("justice", "01.VP")]
    assert (justice.retention_years, justice.doc_count, justice.archived_at) == (10, 3, None)
    assert justice.retention_ends_on == date(justice.end_date.year + 10, 12, 31)

    # Every step in the past, in order; papers filed after they were issued or registered.
    now = timezone.now()
    events = RecordEvent.objects.order_by("pk")
    assert all(e.at < now for e in events)
    for record in records.values():
        moments = list(record.events.order_by("pk").values_list("at", flat=True))
        assert moments == sorted(moments)
        assert record.opened_at > record.plan_entry.plan.approved_at
    for item in RecordItem.objects.exclude(document=None).select_related("document"):
        assert item.added_at > item.document.issued_at

    # A second run changes nothing.
    counts = (
        FilePlan.objects.count(),
        WorkRecord.objects.count(),
        RecordItem.objects.count(),
        RecordEvent.objects.count(),
        AuditEntry.objects.count(),
    )
    assert seed_records(scale="small", progress=_no_progress) == [
        "records: 0 created (the demo records are there, or no demo documents)"
    ]
    assert demo.generate() is None
    assert counts == (
        FilePlan.objects.count(),
        WorkRecord.objects.count(),
        RecordItem.objects.count(),
        RecordEvent.objects.count(),
        AuditEntry.objects.count(),
    )
