"""Outgoing documents: drafting, the approval chain, signing, issuing, corrections."""

import pytest
from django.db import connection

from tinhso.core.models import AuditEntry
from tinhso.documents import services
from tinhso.documents.models import (
    ApprovalStep,
    Document,
    DocumentEvent,
    DocumentFile,
    ImmutableDocument,
    Recipient,
    Register,
)
from tinhso.documents.states import IllegalTransition
from tinhso.documents.tests.conftest import PDF, approved, docx_bytes, draft, issued, signed

pytestmark = pytest.mark.django_db


def events(document):
    return list(document.events.values_list("action", "from_state", "to_state"))


def test_the_whole_path(org, clock):
    document = draft(org)
    assert (document.state, document.number, document.notation, document.version) == (
        "draft",
        None,
        "",
        1,
    )
    assert document.place == "Kiên Giang"
    assert list(document.recipients.values_list("channel", "name", "identifier")) == [
        ("internal", "Sở Tư pháp", ""),
        ("exchange", "Bộ Nội vụ", "000.00.00.G10"),
        ("paper", "Báo Kiên Giang", ""),
    ]
    draft_file = document.files.get()
    assert (draft_file.kind, draft_file.content_type, draft_file.size) == (
        "draft",
        "application/pdf",
        len(PDF),
    )
    services.submit_for_review(
        document=document,
        actor=org["drafter"].user,
        reviewers=[org["office_head"]],
        approver=org["chairman"],
    )
    assert services.current_step(document).official == org["office_head"]
    services.review(document=document, actor=org["office_head"].user, agree=True, note="Được")
    assert services.current_step(document).official == org["chairman"]
    services.review(document=document, actor=org["chairman"].user, agree=True)
    services.sign(document=document, actor=org["chairman"].user)
    clock.at(2020, 11, 3, 9, 15)
    document = services.issue(document=document, actor=org["clerk"].user, copies=5)
    document.refresh_from_db()
    assert (document.state, document.number, document.notation) == ("issued", 1, "01/UBND-VP")
    assert document.issued_on.isoformat() == "2020-11-03"
    assert document.issued_by == org["clerk"].user
    assert (document.signed_by, document.signature_kind) == (org["chairman"].user, "recorded")
    register = document.register
    assert (register.organ, register.year, register.kind, register.classified, register.last) == (
        org["province"],
        2020,
        "outgoing",
        False,
        1,
    )
    assert events(document) == [
        ("create", "", "draft"),
        ("submit", "draft", "in_review"),
        ("endorse", "in_review", "in_review"),
        ("approve", "in_review", "approved"),
        ("sign", "approved", "signed"),
        ("issue", "signed", "issued"),
    ]
    assert list(
        AuditEntry.objects.filter(object_type="documents.document").values_list("action", flat=True)
    ) == [
        "document.issue",
        "document.sign",
        "document.approve",
        "document.endorse",
        "document.submit",
        "document.create",
    ]
    # no digital signature was made, so no signed or issued copy is pretended
    assert list(document.files.values_list("kind", flat=True)) == ["draft"]


def test_numbers_follow_each_other_and_restart_each_year(org, clock):
    first = issued(org)
    second = issued(org, doc_type="report", summary="Báo cáo tình hình")
    legal = issued(org, doc_type="decision", legal_normative=True, summary="Ban hành quy chế")
    clock.at(2021, 1, 4, 8, 0)
    next_year = issued(org, doc_type="report", summary="Báo cáo năm mới")
    assert [d.notation for d in (first, second, legal, next_year)] == [
        "01/UBND-VP",
        "02/BC-UBND",
        "01/2020/QĐ-UBND",
        "01/BC-UBND",
    ]
    assert sorted(Register.objects.values_list("year", "kind", "last")) == [
        (2020, "legal", 1),
        (2020, "outgoing", 2),
        (2021, "outgoing", 1),
    ]


def test_send_back_closes_the_round_and_resubmission_starts_a_new_one(org, clock):
    document = draft(org)
    services.submit_for_review(
        document=document,
        actor=org["drafter"].user,
        reviewers=[org["office_head"]],
        approver=org["chairman"],
    )
    with pytest.raises(services.DocumentError) as error:
        services.review(document=document, actor=org["office_head"].user, agree=False)
    assert error.value.message_dict == {"note": ["Cần ghi rõ lý do."]}
    services.review(
        document=document, actor=org["office_head"].user, agree=False, note="Sửa trích yếu"
    )
    document.refresh_from_db()
    assert document.state == "draft"
    assert list(document.approval_steps.values_list("round", "order", "decision")) == [
        (1, 1, "sent_back"),
        (1, 2, "closed"),
    ]
    services.draft_update(
        document=document, actor=org["drafter"].user, changes={"summary": "V/v mới"}
    )
    services.submit_for_review(
        document=document, actor=org["drafter"].user, approver=org["chairman"]
    )
    assert services.current_step(document).round == 2
    services.review(document=document, actor=org["chairman"].user, agree=True)
    document.refresh_from_db()
    assert (document.state, document.summary) == ("approved", "V/v mới")


def test_only_the_step_official_reviews_and_only_the_signer_signs(org):
    document = draft(org)
    services.submit_for_review(
        document=document,
        actor=org["drafter"].user,
        reviewers=[org["office_head"]],
        approver=org["chairman"],
    )
    for who in ("chairman", "deputy", "drafter", "clerk"):
        with pytest.raises(PermissionError):
            services.review(document=document, actor=org[who].user, agree=True)
    services.review(document=document, actor=org["office_head"].user, agree=True)
    services.review(document=document, actor=org["chairman"].user, agree=True)
    for who in ("deputy", "clerk", "office_head"):
        with pytest.raises(PermissionError):
            services.sign(document=document, actor=org[who].user)
    document.refresh_from_db()
    assert (document.state, document.signed_by) == ("approved", None)


def test_chain_members_must_be_able_to_approve(org):
    document = draft(org)
    with pytest.raises(services.DocumentError) as error:
        services.submit_for_review(
            document=document,
            actor=org["drafter"].user,
            reviewers=[org["handler"]],
            approver=org["justice_leader"],
        )
    assert set(error.value.message_dict) == {"reviewers.0", "approver"}
    document.refresh_from_db()
    assert document.state == "draft" and not ApprovalStep.objects.exists()


def test_actions_out_of_order_are_refused_and_change_nothing(org):
    document = draft(org)
    with pytest.raises(IllegalTransition) as error:
        services.issue(document=document, actor=org["clerk"].user)
    assert error.value.allowed == ["cancel", "submit"]
    with pytest.raises(IllegalTransition):
        services.sign(document=document, actor=org["chairman"].user)
    document = approved(org)
    with pytest.raises(IllegalTransition) as error:
        services.issue(document=document, actor=org["clerk"].user)
    assert error.value.allowed == ["cancel", "send_back", "sign"]
    assert not Register.objects.exists()
    assert Document.objects.filter(number__isnull=False).count() == 0


def test_a_second_issue_is_refused_and_the_number_is_not_taken_again(org):
    document = issued(org)
    events_before = DocumentEvent.objects.count()
    with pytest.raises(IllegalTransition) as error:
        services.issue(document=document, actor=org["clerk"].user)
    assert error.value.allowed == ["distribute"]
    assert Register.objects.get().last == 1
    assert DocumentEvent.objects.count() == events_before


def test_the_same_number_twice_is_refused_by_the_database(org):
    from django.db import IntegrityError, transaction

    first = issued(org)
    other = signed(org, summary="V/v khác")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=other.pk).update(
            register=first.register, number=1, notation="01/UBND-VP", state="signed"
        )


def test_issuing_is_the_clerks_act(org):
    document = signed(org)
    for who in ("chairman", "drafter", "justice_clerk"):
        with pytest.raises(PermissionError):
            services.issue(document=document, actor=org[who].user)
    assert not Register.objects.exists()


def test_an_issued_document_cannot_be_edited(org):
    document = issued(org)
    with pytest.raises(services.NotEditable, match="Văn bản đã ban hành không được sửa"):
        services.draft_update(
            document=document, actor=org["drafter"].user, changes={"summary": "Sửa lén"}
        )
    with pytest.raises(services.NotEditable):
        services.attach_file(document=document, actor=org["drafter"].user, name="x.pdf", data=PDF)
    with pytest.raises(services.NotEditable):
        services.compose_from_template(document=document, actor=org["drafter"].user)
    document.refresh_from_db()
    assert document.summary.startswith("V/v triển khai")
    assert document.files.count() == 1


def test_model_guard_and_database_triggers_keep_it_immutable(org):
    from django.db import DatabaseError, transaction

    document = issued(org)
    document.summary = "Sửa lén"
    with pytest.raises(ImmutableDocument) as error:
        document.save()
    assert error.value.fields == ["summary"]
    with pytest.raises(ImmutableDocument):
        document.delete()
    with pytest.raises(ImmutableDocument):
        DocumentFile(document=document, kind="appendix", original_name="x", size=1).save()
    with pytest.raises(ImmutableDocument):
        Recipient(document=document, channel="paper", name="Thêm").save()
    for statement in (
        lambda: Document.objects.filter(pk=document.pk).update(summary="Sửa lén"),
        lambda: Document.objects.filter(pk=document.pk).update(number=9),
        lambda: Recipient.objects.filter(document=document).update(name="Khác"),
        lambda: DocumentFile.objects.filter(document=document).update(original_name="x"),
        lambda: Recipient.objects.bulk_create(
            [Recipient(document=document, channel="paper", name="Thêm")]
        ),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    # distribution fields may still move
    assert Recipient.objects.filter(document=document).update(status="paper") == 3
    document.refresh_from_db()
    assert (document.summary, document.number) == (
        "V/v triển khai Nghị định 30/2020/NĐ-CP về công tác văn thư",
        1,
    )
    assert connection.vendor in ("sqlite", "postgresql")


def test_corrections_are_new_documents_linked_both_ways(org):
    original = issued(org, doc_type="decision", summary="Về việc thành lập tổ công tác")
    correction = services.correct(
        document=original,
        actor=org["drafter"].user,
        kind="revoke",
        summary="Thu hồi Quyết định 01/QĐ-UBND",
        upload=("thu-hoi.pdf", PDF),
    )
    assert (correction.corrects, correction.correction_kind, correction.state) == (
        original,
        "revoke",
        "draft",
    )
    assert list(original.corrections.all()) == [correction]
    assert [r.name for r in correction.recipients.all()] == [
        "Sở Tư pháp",
        "Bộ Nội vụ",
        "Báo Kiên Giang",
    ]
    with pytest.raises(services.DocumentError):
        services.correct(document=correction, actor=org["drafter"].user, kind="update", summary="x")
    with pytest.raises(services.DocumentError) as error:
        services.correct(document=original, actor=org["drafter"].user, kind="erase", summary="x")
    assert list(error.value.message_dict) == ["kind"]


def test_bad_drafts_name_their_fields_and_store_nothing(org):
    with pytest.raises(services.DocumentError) as error:
        draft(
            org,
            summary=" ",
            doc_type="report",
            legal_normative=True,
            urgency="soon",
            signer=org["handler"],
            upload=("virus.exe", b"MZ\x90\x00"),
        )
    assert error.value.message_dict == {
        "summary": ["Trích yếu nội dung không được để trống."],
        "legal_normative": [
            "Chỉ nghị quyết và quyết định là văn bản quy phạm pháp luật của địa phương."
        ],
        "urgency": ["Độ khẩn không hợp lệ."],
        "signer": ["Người ký phải có thẩm quyền ký văn bản của cơ quan ban hành."],
        "file": ["Tệp «virus.exe» không phải DOCX hoặc PDF."],
    }
    with pytest.raises(services.DocumentError) as error:
        draft(org, upload=("virus.exe", b"MZ\x90\x00"))
    assert error.value.message_dict == {"file": ["Tệp «virus.exe» không phải DOCX hoặc PDF."]}
    with pytest.raises(services.DocumentError) as error:
        draft(
            org,
            recipients=[
                services.RecipientSpec(identifier="H33"),
                services.RecipientSpec(organ=org["province"]),
            ],
        )
    assert error.value.message_dict == {
        "recipients.0": ["Mã định danh cơ quan nhận không đúng QCVN 102."],
        "recipients.1": ["Nơi nhận không được là chính cơ quan ban hành."],
    }
    assert not Document.objects.exists()
    assert not DocumentFile.objects.exists()
    assert not AuditEntry.objects.filter(object_type="documents.document").exists()


def test_a_known_identifier_makes_the_recipient_internal(org):
    document = draft(
        org, recipients=[services.RecipientSpec(name="STP", identifier="000.00.03.H33")]
    )
    line = document.recipients.get()
    assert (line.channel, line.organ, line.identifier) == ("internal", org["justice"], "")


def test_classified_content_is_refused(org):
    with pytest.raises(services.DocumentError) as error:
        draft(org, confidentiality="secret")
    assert list(error.value.message_dict) == ["confidentiality"]
    assert not Document.objects.exists()
    entry = services.register_classified(
        organ=org["province"],
        actor=org["clerk"].user,
        doc_type="report",
        summary="Báo cáo (mật)",
        confidentiality="secret",
        signer=org["chairman"],
        recipients=["Bộ Công an"],
        copies=2,
    )
    regular = issued(org, doc_type="report", summary="Báo cáo thường")
    assert (entry.state, entry.number, entry.notation, entry.register.classified) == (
        "issued",
        1,
        "01/BC-UBND",
        True,
    )
    assert (regular.number, regular.register.classified) == (1, False)
    assert list(entry.recipients.values_list("channel", flat=True)) == ["paper"]
    with pytest.raises(services.ClassifiedContent):
        DocumentFile(document=entry, kind="draft", original_name="x", size=1).save()
    with pytest.raises(services.ClassifiedContent):
        Document(
            organ=org["province"],
            doc_type="report",
            summary="x",
            confidentiality="secret",
            body="Nội dung mật",
        ).save()
    assert not entry.files.exists()
    with pytest.raises(PermissionError):
        services.register_classified(
            organ=org["province"],
            actor=org["drafter"].user,
            doc_type="report",
            summary="x",
            confidentiality="secret",
        )


def test_compose_from_template_and_issue_fills_number_and_date(org, clock):
    from io import BytesIO

    from docx import Document as read_docx

    document = draft(
        org,
        upload=None,
        compose_now=True,
        doc_type="report",
        summary="Tình hình thực hiện chính quyền số năm 2020",
        body="Đoạn một.\nĐoạn hai.",
        signing_marker="KT.",
        on_behalf_of="Chủ tịch",
        signer_title="Phó Chủ tịch",
        signer=org["deputy"],
    )
    composed = document.files.get()
    assert (composed.kind, composed.original_name) == ("draft", "du-thao-theo-mau.docx")
    services.submit_for_review(document=document, actor=org["drafter"].user, approver=org["deputy"])
    services.review(document=document, actor=org["deputy"].user, agree=True)
    services.sign(document=document, actor=org["deputy"].user)
    clock.at(2020, 11, 3, 10, 0)
    services.issue(document=document, actor=org["clerk"].user)
    issued_file = document.files.get(kind="issued")
    assert issued_file.original_name == "01-BC-UBND.docx"
    text = "\n".join(
        p.text
        for table in read_docx(BytesIO(issued_file.file.read())).tables
        for cell in table._cells
        for p in cell.paragraphs
    )
    assert "Số: 01/BC-UBND" in text
    assert "Kiên Giang, ngày 03 tháng 11 năm 2020" in text
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in text
    assert "- Lưu: VT, VP." in text


def test_cancel_needs_a_reason_and_ends_it(org):
    document = draft(org)
    with pytest.raises(services.DocumentError):
        services.cancel(document=document, actor=org["drafter"].user, note="")
    services.cancel(document=document, actor=org["drafter"].user, note="Không cần nữa")
    document.refresh_from_db()
    assert document.state == "cancelled"
    with pytest.raises(IllegalTransition) as error:
        services.submit_for_review(
            document=document, actor=org["drafter"].user, approver=org["chairman"]
        )
    assert error.value.allowed == []


def test_return_to_draft_by_the_signer(org):
    document = signed(org)
    with pytest.raises(PermissionError):
        services.return_to_draft(document=document, actor=org["drafter"].user, note="x")
    services.return_to_draft(document=document, actor=org["chairman"].user, note="Sửa lại")
    document.refresh_from_db()
    assert (document.state, document.signed_by, document.signature_kind) == ("draft", None, "")


def test_docx_upload_is_accepted(org):
    document = draft(org, upload=("du-thao.docx", docx_bytes()))
    assert document.files.get().content_type.endswith("wordprocessingml.document")
