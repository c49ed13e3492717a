"""Batch ingest (`services.ingest_incoming`): the rows `receive_paper` writes for each document,
consecutive numbers, the text of the files indexed, all or nothing."""

import pytest

from tinhso.core.models import AuditEntry
from tinhso.documents import services
from tinhso.documents.models import (
    DocumentEvent,
    DocumentFile,
    ExtractedText,
    IncomingDocument,
    SearchEntry,
)
from tinhso.documents.search.query import search_documents
from tinhso.documents.services import IncomingItem
from tinhso.documents.tests.samples import docx_with, pdf_with

pytestmark = pytest.mark.django_db


def items(n, **fields):
    return [
        IncomingItem(
            sender_name="Sở Tài chính",
            sender_notation=f"{100 + i}/STC-NS",
            type_name="Công văn",
            summary=f"V/v dự toán ngân sách đợt {i + 1}",
            files=[(f"cv-{i}.pdf", pdf_with(f"Phân bổ kinh phí đợt {i + 1} cho xã đảo Hòn Tre"))],
            **fields,
        )
        for i in range(n)
    ]


def test_a_batch_is_registered_in_order_with_everything_receive_paper_writes(org, clock):
    services.receive_paper(  # the register already holds number 1
        organ=org["province"], actor=org["clerk"].user, sender_name="Bộ Nội vụ", summary="Trước"
    )
    batch = services.ingest_incoming(organ=org["province"], actor=org["clerk"].user, items=items(3))
    assert [(d.number, d.state, d.status_code, d.version) for d in batch] == [
        (2, "registered", "03", 2),
        (3, "registered", "03", 2),
        (4, "registered", "03", 2),
    ]
    assert batch[0].register.last == 4
    for document in batch:
        events = DocumentEvent.objects.filter(incoming=document).order_by("pk")
        assert [(e.action, e.from_state, e.to_state) for e in events] == [
            ("arrive", "", "arrived"),
            ("register", "arrived", "registered"),
        ]
        audits = AuditEntry.objects.filter(object_id=str(document.pk))
        assert sorted(a.action for a in audits) == [
            "incoming_document.arrive",
            "incoming_document.register",
        ]
        stored = DocumentFile.objects.get(incoming=document)
        assert stored.file.name == f"documents/den/{document.pk}/{stored.sha256}"
        assert SearchEntry.objects.get(incoming=document).number == document.number
    assert ExtractedText.objects.count() == 3
    hits = search_documents(user=org["clerk"].user, query="hon tre dot 2").hits
    assert [h.entry.incoming_id for h in hits] == [batch[1].pk]


def test_a_bad_item_names_its_field_and_nothing_is_written(org, clock):
    bad = [
        *items(1),
        IncomingItem(sender_name=" ", summary="", urgency="soon"),
        IncomingItem(sender_name="Sở Y tế", summary="Báo cáo", files=[("x.exe", b"MZ\x90\x00")]),
    ]
    with pytest.raises(services.DocumentError) as error:
        services.ingest_incoming(organ=org["province"], actor=org["clerk"].user, items=bad)
    assert sorted(error.value.message_dict) == [
        "items.1.sender_name",
        "items.1.summary",
        "items.1.urgency",
        "items.2.files.0",
    ]
    assert not IncomingDocument.objects.exists()
    assert not ExtractedText.objects.exists() and not SearchEntry.objects.exists()


def test_only_the_organs_clerk_ingests_and_batches_are_bounded(org, clock, monkeypatch):
    with pytest.raises(PermissionError):
        services.ingest_incoming(organ=org["province"], actor=org["handler"].user, items=items(1))
    with pytest.raises(services.DocumentError) as error:
        services.ingest_incoming(organ=org["province"], actor=org["clerk"].user, items=[])
    assert list(error.value.message_dict) == ["items"]
    monkeypatch.setattr("tinhso.documents.services.ingest.MAX_BATCH", 2)
    with pytest.raises(services.DocumentError):
        services.ingest_incoming(organ=org["province"], actor=org["clerk"].user, items=items(3))
    assert not IncomingDocument.objects.exists()


def test_the_same_file_twice_is_extracted_once(org, clock):
    same = docx_with("Quy chế làm việc của Ủy ban nhân dân tỉnh")
    batch = [
        IncomingItem(sender_name="Sở Nội vụ", summary=f"Gửi lần {n}", files=[("qc.docx", same)])
        for n in (1, 2)
    ]
    services.ingest_incoming(organ=org["province"], actor=org["clerk"].user, items=batch)
    assert ExtractedText.objects.count() == 1
    assert len(search_documents(user=org["clerk"].user, query="quy che lam viec").hits) == 2
