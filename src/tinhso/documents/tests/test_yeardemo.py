"""The full-scale demo's year of documents (`yeardemo`): in the books and counted as the
statistics count them, electronic exactly in the seed report's proportion, numbered gapless,
found by the search, loaded once."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Count, Max

from tinhso.core.reporting import Period
from tinhso.directory.models import Organ
from tinhso.documents.models import Document, IncomingDocument, Recipient, Register, SearchEntry
from tinhso.documents.search.query import search_documents
from tinhso.documents.statistics.report import counts_by_organ
from tinhso.documents.yeardemo import generate as year

END = date(2020, 11, 30)
COUNT = 3_000


@pytest.fixture
def loaded(org):
    return year.generate(COUNT, end=END)


def test_the_proportion_of_the_seed_report():
    assert year.electronic_share(year.REPORT_DOCUMENTS) == 2_946_000
    assert year.electronic_share(COUNT) == 2_851  # 3,000 × 95.02 %


def test_the_books_hold_count_documents_and_the_statistics_count_them(org, loaded):
    assert loaded["outgoing"] + loaded["incoming"] == COUNT
    assert loaded["in_flight"] > 0 and loaded["classified"] > 0
    period = Period(first=END - timedelta(days=364), last=END)
    counts = counts_by_organ(organs=Organ.objects.all(), period=period).values()
    total = {k: sum(c[k] for c in counts) for k in next(iter(counts))}
    assert total["out_issued"] + total["in_registered"] == COUNT
    assert total["out_electronic"] + total["in_electronic"] == year.electronic_share(COUNT)
    classified = total["out_classified"] + total["in_classified"]
    assert classified == loaded["classified"] - _classified_in_flight()
    assert total["out_counted"] + total["in_counted"] == COUNT - classified
    assert total["out_not_electronic"] + total["in_scan"] == COUNT - classified - (
        year.electronic_share(COUNT)
    )
    assert SearchEntry.objects.count() == COUNT + loaded["in_flight"]


def _classified_in_flight():
    drafts = Document.objects.exclude(state="issued").exclude(confidentiality="none").count()
    arrivals = IncomingDocument.objects.filter(state__in=("arrived", "refused"))
    return drafts + arrivals.exclude(confidentiality="none").count()


def test_registers_are_gapless_and_in_date_order(org, loaded):
    for register in Register.objects.all():
        model = IncomingDocument if register.kind == "incoming" else Document
        numbered = model.objects.filter(register=register)
        figures = numbered.aggregate(n=Count("pk"), top=Max("number"))
        assert figures["n"] == figures["top"] == register.last
        days = [d for d in numbered.order_by("number").values_list(_day(model), flat=True)]
        assert days == sorted(days)


def _day(model):
    return "issued_at" if model is Document else "arrived_at"


def test_electronic_documents_went_through_the_exchange(org, loaded):
    issued = Document.objects.filter(state="issued")
    for document in issued.filter(signature_kind="pades")[:50]:
        lines = list(document.recipients.all())
        assert lines and {line.channel for line in lines} == {Recipient.Channel.EXCHANGE}
        assert {line.status for line in lines} == {Recipient.Status.SENT}
    assert not issued.filter(signature_kind="pades").exclude(confidentiality="none").exists()
    scans = SearchEntry.objects.filter(incoming__source="scan", confidentiality="none")
    assert scans.exists() and all(e.notices and not e.content for e in scans[:20])
    classified = SearchEntry.objects.exclude(confidentiality="none")
    assert classified.exists() and not classified.exclude(content="").exists()


def test_the_year_is_found_by_the_search_and_loaded_once(org, loaded):
    entry = SearchEntry.objects.filter(direction="in", confidentiality="none").exclude(content="")
    sample = entry.select_related("incoming").first()
    found = search_documents(user=org["chairman"].user, query=sample.incoming.sender_notation)
    assert sample.pk in {hit.entry.pk for hit in found.hits}
    assert year.loaded()
    before = SearchEntry.objects.count()
    from tinhso.documents.seeding import _load_year

    assert _load_year(lambda items, **kw: items) == ["year of documents: 0 created (it is there)"]
    assert SearchEntry.objects.count() == before


def test_an_interrupted_load_leaves_nothing_behind(org, monkeypatch):
    indexes = _indexes()
    write = year.OrganYear.write
    calls = []

    def fail_on_the_third(self):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("killed")
        return write(self)

    monkeypatch.setattr(year.OrganYear, "write", fail_on_the_third)
    with pytest.raises(RuntimeError):
        year.generate(COUNT, end=END)
    assert not SearchEntry.objects.exists() and not Register.objects.exists()
    assert not year.loaded()
    assert _indexes() == indexes  # the indexes dropped for the load are back


def _indexes():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = ANY(%s)", [list(year.TABLES)]
        )
        return cursor.fetchone()[0]
