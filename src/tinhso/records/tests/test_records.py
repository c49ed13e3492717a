"""Work records: opening, filing, ordering, closing, reopening, archiving; the history they
leave; illegal transitions; bad input that writes nothing."""

from datetime import date

import pytest
from django.core.files.storage import default_storage

from tinhso.core.models import AuditEntry
from tinhso.documents import services as documents
from tinhso.records import services
from tinhso.records.models import RecordEvent, RecordItem, WorkRecord
from tinhso.records.states import IllegalTransition
from tinhso.records.tests.conftest import docx_bytes, draft, issued_pdf, pdf_bytes, received

pytestmark = pytest.mark.django_db


def actions(record):
    return list(RecordEvent.objects.filter(record=record).values_list("action", flat=True))


def test_open_from_the_plan(org, plan, record, clock):
    assert (record.code, record.notation, record.year, record.organ) == (
        "H33.2020.01.VP",
        "01.VP",
        2020,
        org["province"],
    )
    assert (record.title, record.retention_years, record.retention_permanent) == (
        "Hồ sơ về chuyển đổi số năm 2020",
        10,
        False,
    )
    assert (record.keeper, record.state, record.in_plan, record.opened_at) == (
        org["handler"],
        "open",
        True,
        clock.moment,
    )
    event = RecordEvent.objects.get(record=record)
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "open",
        "",
        "open",
        org["handler"].user,
    )
    assert event.data == {"plan": plan.pk, "plan_version": 1, "entry": record.plan_entry_id}
    with pytest.raises(services.RecordError) as raised:
        services.record_open(entry=record.plan_entry, actor=org["clerk"].user)
    assert raised.value.message_dict == {"entry": ["Hồ sơ «H33.2020.01.VP» đã được mở."]}
    permanent = services.record_open(
        entry=plan.entries.get(notation="02.VP"), actor=org["clerk"].user
    )
    assert (permanent.retention_permanent, permanent.keeper) == (True, org["clerk"])
    with pytest.raises(PermissionError):
        services.record_open(entry=record.plan_entry, actor=org["one_stop"].user)


def test_records_open_only_from_an_approved_plan(org, clock):
    clerk = org["clerk"].user
    plan = services.plan_create(organ=org["province"], year=2020, actor=clerk)
    heading = services.plan_add_heading(plan=plan, actor=clerk, title="Văn phòng", code="VP")
    entry = services.plan_add_entry(plan=plan, actor=clerk, heading=heading, title="A", retention=5)
    with pytest.raises(IllegalTransition) as raised:
        services.record_open(entry=entry, actor=clerk)
    assert raised.value.allowed == ["add", "approve", "change"]
    assert not WorkRecord.objects.exists()


def test_open_outside_the_plan_is_noted(org, clock):
    user = org["handler"].user
    first = services.record_open_outside_plan(
        organ=org["province"],
        year=2020,
        actor=user,
        title="Đoàn kiểm tra đột xuất",
        retention="5 năm",
        reason="Phát sinh theo chỉ đạo của Chủ tịch",
    )
    second = services.record_open_outside_plan(
        organ=org["province"], year=2020, actor=user, title="B", retention=5, reason="Phát sinh"
    )
    assert [(r.notation, r.code, r.in_plan) for r in (first, second)] == [
        ("01.PS", "H33.2020.01.PS", False),
        ("02.PS", "H33.2020.02.PS", False),
    ]
    assert RecordEvent.objects.get(record=first).note == "Phát sinh theo chỉ đạo của Chủ tịch"
    with pytest.raises(services.RecordError) as raised:
        services.record_open_outside_plan(
            organ=org["province"], year=2020, actor=user, title="C", retention=5, reason=" "
        )
    assert list(raised.value.message_dict) == ["reason"]
    with pytest.raises(services.RecordError) as raised:
        services.record_open_outside_plan(
            organ=org["province"],
            year=2020,
            actor=user,
            title="C",
            retention=5,
            reason="x",
            notation="01.PS",
        )
    assert list(raised.value.message_dict) == ["notation"]
    assert WorkRecord.objects.count() == 2


def test_the_whole_lifecycle(org, record, clock, django_capture_on_commit_callbacks):
    handler, clerk, chairman = org["handler"].user, org["clerk"].user, org["chairman"].user
    outgoing = issued_pdf(org, pages=3)  # issued 02/11/2020
    clock.at(2020, 11, 5, 9, 0)
    incoming = received(org, pages=2)  # arrived 05/11/2020
    one = services.record_file_document(record=record, actor=handler, document=outgoing)
    two = services.record_file_document(record=record, actor=handler, incoming=incoming)
    note = services.record_add_note(
        record=record,
        actor=handler,
        title="Biên bản họp tổ công tác",
        text_="Thống nhất kế hoạch.",
        item_date=date(2020, 11, 10),
        pages=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        extra = services.record_attach(
            record=record, actor=handler, name="to-trinh.docx", data=docx_bytes(4)
        )
    assert [(i.order, i.kind, i.pages) for i in (one, two, note, extra)] == [
        (1, "outgoing", 3),
        (2, "incoming", 2),
        (3, "note", 1),
        (4, "attachment", 4),
    ]
    assert default_storage.exists(extra.file.name)
    services.record_reorder(record=record, actor=handler, order=[note.pk, one.pk, two.pk, extra.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.record_remove_item(record=record, actor=handler, item=extra)
    assert not default_storage.exists(extra.file.name)
    assert list(record.items.values_list("pk", "order")) == [(note.pk, 1), (one.pk, 2), (two.pk, 3)]

    clock.at(2020, 12, 15, 16, 0)
    closed = services.record_close(record=record, actor=handler, closing_note="Hồ sơ đầy đủ.")
    assert (closed.state, closed.doc_count, closed.page_count) == ("closed", 3, 6)
    assert (closed.start_date, closed.end_date) == (date(2020, 11, 2), date(2020, 11, 10))
    assert (closed.retention_ends_on, closed.archive_due_on) == (
        date(2030, 12, 31),
        date(2021, 12, 15),
    )
    assert [
        (r["order"], r["notation"], r["date"], r["author"], r["pages"]) for r in closed.contents
    ] == [
        (1, "", "2020-11-10", "Đặng Chuyên Viên", 1),
        (2, "01/UBND-VP", "2020-11-02", "Ủy ban nhân dân tỉnh Kiên Giang", 3),
        (3, "123/BNV-VP", "2020-11-05", "Bộ Nội vụ", 2),
    ]
    assert closed.contents[2]["note"] == "Văn bản đến số 1"
    with pytest.raises(IllegalTransition) as raised:
        services.record_file_document(record=closed, actor=handler, document=outgoing)
    assert raised.value.allowed == ["archive", "export", "reopen"]
    with pytest.raises(IllegalTransition):
        services.record_remove_item(record=closed, actor=handler, item=one)

    with pytest.raises(PermissionError):
        services.record_reopen(record=closed, actor=handler, reason="Thiếu văn bản")
    with pytest.raises(services.RecordError) as raised:
        services.record_reopen(record=closed, actor=chairman, reason="  ")
    assert list(raised.value.message_dict) == ["reason"]
    reopened = services.record_reopen(record=closed, actor=chairman, reason="Bổ sung báo cáo")
    assert (reopened.state, reopened.closed_at, reopened.contents, reopened.doc_count) == (
        "open",
        None,
        [],
        0,
    )
    services.record_close(record=reopened, actor=handler)
    with pytest.raises(PermissionError):
        services.record_archive(record=reopened, actor=handler)
    clock.at(2021, 3, 1, 8, 0)
    archived = services.record_archive(record=reopened, actor=clerk)
    assert (archived.state, archived.archived_by) == ("archived", clerk)
    with pytest.raises(IllegalTransition) as raised:
        services.record_reopen(record=archived, actor=chairman, reason="x")
    assert raised.value.allowed == ["export"]

    assert actions(record) == [
        "open",
        "file",
        "file",
        "note",
        "attach",
        "reorder",
        "remove",
        "close",
        "reopen",
        "close",
        "archive",
    ]
    reopen = RecordEvent.objects.get(record=record, action="reopen")
    assert (reopen.note, reopen.actor, reopen.from_state, reopen.to_state) == (
        "Bổ sung báo cáo",
        chairman,
        "closed",
        "open",
    )
    assert RecordEvent.objects.get(record=record, action="archive").data == {
        "due": "2021-12-15",
        "late": False,
    }
    assert AuditEntry.objects.filter(object_type="records.workrecord").count() == 11
    assert archived.version == 11  # each of the 11 steps, the opening included


def test_closing_an_empty_record_is_refused(org, record, clock):
    with pytest.raises(services.RecordError) as raised:
        services.record_close(record=record, actor=org["handler"].user)
    assert raised.value.message_dict == {
        "items": ["Hồ sơ chưa có văn bản, tài liệu nào nên chưa kết thúc được."]
    }
    record.refresh_from_db()
    assert (record.state, record.closed_at, actions(record)) == ("open", None, ["open"])


def _refused(record, actor, field, **what):
    with pytest.raises(services.RecordError) as raised:
        services.record_file_document(record=record, actor=actor, **what)
    assert list(raised.value.message_dict) == [field]
    return raised.value.message_dict[field][0]


def test_filing_what_may_not_be_filed(org, record, clock):
    handler = org["handler"].user
    not_issued = draft(org)
    assert "đã ban hành" in _refused(record, handler, "document", document=not_issued)
    unregistered = received(org, register=False)
    assert "đã vào sổ" in _refused(record, handler, "incoming", incoming=unregistered)
    secret = documents.register_classified(
        organ=org["province"],
        actor=org["clerk"].user,
        doc_type="report",
        summary="Báo cáo",
        confidentiality="confidential",
    )
    assert "mật" in _refused(record, org["clerk"].user, "document", document=secret)
    assert "phạm vi" in _refused(record, handler, "document", document=secret)
    assert "một văn bản" in _refused(record, handler, "document")
    issued = issued_pdf(org)
    with pytest.raises(services.RecordError) as raised:
        services.record_file_document(record=record, actor=handler, document=issued, pages=-1)
    assert list(raised.value.message_dict) == ["pages"]
    services.record_file_document(record=record, actor=handler, document=issued)
    assert "đã có" in _refused(record, handler, "document", document=issued)
    assert record.items.count() == 1
    assert actions(record) == ["open", "file"]


def test_another_organs_documents_are_refused(org, record, clock):
    from tinhso.directory.tests.factories import OfficialFactory

    province, justice = org["province"], org["justice"]
    both = OfficialFactory(
        organ=province, roles=[("specialist", province, False), ("specialist", justice, False)]
    ).user
    theirs = received(org, organ=justice, actor=org["justice_clerk"].user)
    assert "cơ quan khác" in _refused(record, both, "incoming", incoming=theirs)
    assert "phạm vi" in _refused(record, org["handler"].user, "incoming", incoming=theirs)
    their_draft = draft(
        org,
        organ=justice,
        drafting_unit=None,
        actor=org["justice_specialist"].user,
        signer=org["justice_leader"],
        recipients=[],
    )
    assert "cơ quan khác" in _refused(record, both, "document", document=their_draft)
    assert not record.items.exists()


def test_the_drafting_unit_files_what_it_drafted(org, clock):
    drafter = org["drafter"].user  # a specialist of the office, which drafted the document
    record = services.record_open_outside_plan(
        organ=org["office"],
        year=2020,
        actor=drafter,
        title="Văn bản do VP soạn",
        retention=10,
        reason="Lưu bản của đơn vị soạn thảo",
    )
    document = issued_pdf(org)
    assert document.organ == org["province"] and document.drafting_unit == org["office"]
    item = services.record_file_document(record=record, actor=drafter, document=document)
    assert (item.kind, item.document) == ("outgoing", document)


def test_attachments_are_checked_by_content(org, record, clock):
    handler = org["handler"].user
    cases = [
        (b"", "rỗng"),
        (b"MZ\x90\x00 an executable", "không phải DOCX hoặc PDF"),
        (b"%PDF-1.4\n/JavaScript (app.alert(1))", "mã lệnh"),
    ]
    for data, words in cases:
        with pytest.raises(services.RecordError) as raised:
            services.record_attach(record=record, actor=handler, name="x.pdf", data=data)
        assert words in raised.value.message_dict["file"][0]
    assert not RecordItem.objects.exists()
    item = services.record_attach(
        record=record, actor=handler, name="Phụ lục.pdf", data=pdf_bytes(2), title="Phụ lục"
    )
    assert (item.title, item.pages, item.content_type, item.size) == (
        "Phụ lục",
        2,
        "application/pdf",
        len(pdf_bytes(2)),
    )


def test_reorder_must_name_each_item_once(org, record, clock):
    handler = org["handler"].user
    a = services.record_add_note(record=record, actor=handler, title="A")
    b = services.record_add_note(record=record, actor=handler, title="B")
    for order in ([a.pk], [a.pk, a.pk], [a.pk, b.pk, 999]):
        with pytest.raises(services.RecordError) as raised:
            services.record_reorder(record=record, actor=handler, order=order)
        assert list(raised.value.message_dict) == ["order"]
    assert list(record.items.values_list("title", flat=True)) == ["A", "B"]
    other = services.record_open_outside_plan(
        organ=org["province"], year=2020, actor=handler, title="X", retention=5, reason="x"
    )
    with pytest.raises(services.RecordError):
        services.record_remove_item(record=other, actor=handler, item=a)


def test_a_stale_version_is_a_conflict(org, record, clock):
    handler = org["handler"].user
    assert record.version == 1
    services.record_add_note(record=record, actor=handler, title="A", version=1)
    with pytest.raises(services.Conflict):
        services.record_add_note(record=record, actor=handler, title="B", version=1)
    assert record.items.count() == 1


def test_update_the_description(org, record, clock):
    handler = org["handler"].user
    with pytest.raises(services.RecordError) as raised:
        services.record_update(record=record, actor=handler, access="restricted")
    assert list(raised.value.message_dict) == ["access_note"]
    with pytest.raises(services.RecordError) as raised:
        services.record_update(record=record, actor=handler, language="xx")
    assert list(raised.value.message_dict) == ["language"]
    updated = services.record_update(
        record=record,
        actor=handler,
        keywords="chuyển đổi số; kế hoạch",
        access="restricted",
        access_note="Chỉ cán bộ trong cơ quan",
        retention="20",
    )
    assert updated.keyword_list() == ["chuyển đổi số", "kế hoạch"]
    assert updated.retention_years == 20
    event = RecordEvent.objects.filter(record=record).last()
    assert event.data["changed"]["access"] == ["public", "restricted"]
    assert event.data["changed"]["retention_years"] == [10, 20]
    assert "title" not in event.data["changed"]
