"""Editing a draft: the service (fields, "Nơi nhận", the file replaced or composed again, one
history row, the version check, nothing past the draft), who may edit, the form on the draft
page and PATCH /api/v1/documents/{pk}."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as read_docx

from tinhso.core.models import AuditEntry
from tinhso.documents import services
from tinhso.documents.models import Document, DocumentEvent, DocumentFile
from tinhso.documents.tests.conftest import PDF, approved, docx_bytes, draft, issued

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
PDF2 = PDF + b"%v2\n"


def edits(document):
    return list(document.events.filter(action="edit").values_list("data", flat=True))


def docx_text(stored):
    with stored.file.open("rb") as handle:
        document = read_docx(BytesIO(handle.read()))
    return "\n".join(
        p.text for table in document.tables for cell in table._cells for p in cell.paragraphs
    ) + "\n".join(p.text for p in document.paragraphs)


# --- the service ----------------------------------------------------------------------------


def test_edit_changes_fields_and_recipients_with_one_history_row(org):
    document = draft(org)
    services.draft_update(
        document=document,
        actor=org["drafter"].user,
        changes={
            "summary": "  Báo cáo kết quả chuyển đổi số  ",
            "doc_type": "report",
            "urgency": "urgent",
            "confidentiality": "none",
            "signer": org["deputy"],
            "signing_marker": "KT.",
            "on_behalf_of": "Chủ tịch",
            "signer_title": "Phó Chủ tịch",
        },
        recipients=[services.RecipientSpec(name="Bộ Thông tin và Truyền thông", paper=True)],
        version=1,
    )
    document.refresh_from_db()
    assert (
        document.summary,
        document.doc_type,
        document.urgency,
        document.signer,
        document.signing_marker,
        document.state,
        document.version,
    ) == ("Báo cáo kết quả chuyển đổi số", "report", "urgent", org["deputy"], "KT.", "draft", 2)
    assert list(document.recipients.values_list("channel", "name")) == [
        ("paper", "Bộ Thông tin và Truyền thông")
    ]
    assert edits(document) == [
        {
            "fields": [
                "doc_type",
                "on_behalf_of",
                "signer",
                "signer_title",
                "signing_marker",
                "summary",
                "urgency",
            ],
            "recipients": {"before": 3, "after": 1},
        }
    ]
    event = document.events.get(action="edit")
    assert (event.actor, event.from_state, event.to_state) == (
        org["drafter"].user,
        "draft",
        "draft",
    )
    assert AuditEntry.objects.filter(
        object_type="documents.document", object_id=str(document.pk), action="document.edit"
    ).exists()
    assert document.files.count() == 1  # an uploaded file is not touched by a field edit


def test_an_edit_that_changes_nothing_writes_nothing(org):
    document = draft(org)
    same = [
        services.RecipientSpec(organ=org["justice"]),
        services.RecipientSpec(name="Bộ Nội vụ", identifier="000.00.00.G10"),
        services.RecipientSpec(name="Báo Kiên Giang", paper=True),
    ]
    services.draft_update(
        document=document,
        actor=org["drafter"].user,
        changes={"summary": document.summary, "signer": org["chairman"]},
        recipients=same,
        version=1,
    )
    document.refresh_from_db()
    assert document.version == 1
    assert edits(document) == []
    assert document.recipients.count() == 3


def test_the_file_is_replaced_after_the_same_checks_as_an_upload(org):
    document = draft(org)
    first = document.files.get()
    with pytest.raises(services.DocumentError) as error:
        services.draft_update(
            document=document,
            actor=org["drafter"].user,
            changes={"summary": "Trích yếu mới"},
            upload=("macro.pdf", b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF"),
        )
    assert error.value.message_dict == {
        "file": ["Tệp «macro.pdf» chứa mã lệnh (macro, JavaScript), không được nhận."]
    }
    document.refresh_from_db()
    assert (document.summary[:7], document.version, document.files.count()) == ("V/v tri", 1, 1)
    services.draft_update(
        document=document, actor=org["drafter"].user, changes={}, upload=("v2.docx", docx_bytes())
    )
    latest = document.files.order_by("-pk").first()
    assert (latest.kind, latest.original_name, latest.content_type) == (
        "draft",
        "v2.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert DocumentFile.objects.filter(pk=first.pk).exists()  # files are never overwritten
    assert edits(document) == [
        {"fields": [], "file": {"id": latest.pk, "sha256": latest.sha256, "name": "v2.docx"}}
    ]


def test_a_composed_draft_is_composed_again_from_the_new_fields(org):
    document = draft(org, upload=None, compose_now=True, body="Đoạn một.")
    composed = document.files.get()
    assert "Đoạn một." in docx_text(composed)
    services.draft_update(
        document=document,
        actor=org["drafter"].user,
        changes={"summary": "V/v tăng cường cải cách hành chính", "body": "Đoạn mới."},
    )
    again = document.files.order_by("-pk").first()
    assert again.pk != composed.pk and again.original_name == "du-thao-theo-mau.docx"
    text = docx_text(again)
    assert "V/v tăng cường cải cách hành chính" in text and "Đoạn mới." in text
    assert edits(document)[0]["file"]["id"] == again.pk


def test_past_the_draft_nothing_is_edited_and_sent_back_it_is_again(org):
    document = draft(org)
    services.submit_for_review(
        document=document, actor=org["drafter"].user, approver=org["chairman"]
    )
    with pytest.raises(
        services.NotEditable,
        match=re.escape("Chỉ sửa được dự thảo; văn bản đang ở trạng thái «Đang trình duyệt»."),
    ):
        services.draft_update(
            document=document, actor=org["drafter"].user, changes={"summary": "Sửa"}
        )
    services.review(document=document, actor=org["chairman"].user, agree=False, note="Sửa lại")
    services.draft_update(document=document, actor=org["drafter"].user, changes={"summary": "Sửa"})
    document.refresh_from_db()
    assert (document.state, document.summary) == ("draft", "Sửa")
    for done in (approved(org), issued(org)):
        with pytest.raises(services.NotEditable):
            services.draft_update(
                document=done, actor=org["drafter"].user, changes={"summary": "Sửa lén"}
            )
        done.refresh_from_db()
        assert done.summary.startswith("V/v triển khai")
        assert not done.events.filter(action="edit").exists()
    with pytest.raises(services.NotEditable, match="Văn bản đã ban hành không được sửa"):
        services.draft_update(
            document=issued(org), actor=org["drafter"].user, changes={"summary": "x"}
        )


def test_a_stale_version_is_refused(org):
    document = draft(org)
    services.draft_update(document=document, actor=org["drafter"].user, changes={"summary": "A"})
    with pytest.raises(services.Conflict, match="phiên bản 2, bạn đang xem 1"):
        services.draft_update(
            document=document, actor=org["drafter"].user, changes={"summary": "B"}, version=1
        )
    document.refresh_from_db()
    assert document.summary == "A"


def test_each_bad_field_is_named_and_nothing_is_written(org):
    document = draft(org)
    with pytest.raises(services.DocumentError) as error:
        services.draft_update(
            document=document,
            actor=org["drafter"].user,
            changes={
                "summary": " ",
                "urgency": "soon",
                "doc_type": "poem",
                "signer": org["handler"],
                "confidentiality": "secret",
            },
            recipients=[services.RecipientSpec(identifier="H33")],
            upload=("virus.exe", b"MZ\x90\x00"),
        )
    assert error.value.message_dict == {
        "summary": ["Trích yếu nội dung không được để trống."],
        "urgency": ["Độ khẩn không hợp lệ."],
        "doc_type": ["Loại văn bản không hợp lệ."],
        "signer": ["Người ký phải có thẩm quyền ký văn bản của cơ quan ban hành."],
        "confidentiality": [
            "Văn bản mật chỉ được vào sổ trên hệ thống; không được lưu nội dung hay tệp của "
            "văn bản mật."
        ],
        "recipients.0": ["Mã định danh cơ quan nhận không đúng QCVN 102."],
        "file": ["Tệp «virus.exe» không phải DOCX hoặc PDF."],
    }
    with pytest.raises(services.DocumentError) as error:
        services.draft_update(
            document=document,
            actor=org["drafter"].user,
            changes={"confidentiality": "pink", "notation": "01/UBND", "state": "issued"},
        )
    assert error.value.message_dict == {
        "notation": ["Trường này không sửa được."],
        "state": ["Trường này không sửa được."],
    }
    with pytest.raises(services.DocumentError) as error:
        services.draft_update(
            document=document, actor=org["drafter"].user, changes={"confidentiality": "pink"}
        )
    assert error.value.message_dict == {"confidentiality": ["Độ mật không hợp lệ."]}
    # the office's drafter cannot move the draft to the committee itself
    with pytest.raises(services.DocumentError) as error:
        services.draft_update(
            document=document, actor=org["drafter"].user, changes={"drafting_unit": None}
        )
    assert error.value.message_dict == {
        "drafting_unit": ["Bạn không soạn thảo văn bản cho đơn vị này."]
    }
    document.refresh_from_db()
    assert (document.version, document.confidentiality, document.files.count()) == (1, "none", 1)
    assert document.recipients.count() == 3
    assert not DocumentEvent.objects.filter(action="edit").exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("drafter", True),  # drafts for the office, the drafting unit
        ("handler", True),  # drafts for the province
        ("chairman", False),
        ("office_head", False),
        ("clerk", False),
        ("justice_specialist", False),
        ("admin", False),
    ],
)
def test_who_may_edit_a_draft(org, who, allowed):
    document = draft(org)
    if allowed:
        services.draft_update(document=document, actor=org[who].user, changes={"summary": "B"})
        document.refresh_from_db()
        assert document.summary == "B"
        return
    with pytest.raises(PermissionError):
        services.draft_update(document=document, actor=org[who].user, changes={"summary": "B"})
    document.refresh_from_db()
    assert (document.summary[:3], document.version) == ("V/v", 1)


# --- the form on the draft page -------------------------------------------------------------


def page_url(document):
    return f"/backoffice/van-ban/di/{document.pk}/"


def form(document, **changes):
    data = {
        "version": str(document.version),
        "doc_type": document.doc_type,
        "summary": document.summary,
        "urgency": document.urgency,
        "confidentiality": "none",
        "drafting_unit": str(document.drafting_unit_id),
        "signer": str(document.signer_id),
        "signing_marker": document.signing_marker,
        "on_behalf_of": document.on_behalf_of,
        "signer_title": document.signer_title,
        "internal": [str(document.recipients.get(channel="internal").organ_id)],
        "outside": "000.00.00.G10 | Bộ Nội vụ",
        "paper": "Báo Kiên Giang",
    }
    data.update(changes)
    return data


def test_the_edit_form_is_on_the_draft_page_for_its_drafters_only(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    page = client.get(page_url(document)).content.decode()
    assert "Sửa dự thảo" in page and f'action="{page_url(document)}sua/"' in page
    assert f'value="{document.summary}"' in page
    assert "000.00.00.G10 | Bộ Nội vụ" in page and "<details>" in page
    client.force_login(org["chairman"].user)
    assert 'id="edit-summary"' not in client.get(page_url(document)).content.decode()
    services.submit_for_review(
        document=document, actor=org["drafter"].user, approver=org["chairman"]
    )
    client.force_login(org["drafter"].user)
    assert 'id="edit-summary"' not in client.get(page_url(document)).content.decode()


def test_the_edit_form_saves(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    response = client.post(
        page_url(document) + "sua/",
        form(
            document,
            summary="V/v trích yếu đã sửa",
            urgency="express",
            paper="Báo Kiên Giang\nĐài Phát thanh và Truyền hình tỉnh",
            file=SimpleUploadedFile("v2.pdf", PDF2, content_type="application/pdf"),
        ),
        follow=True,
    )
    assert "Đã lưu dự thảo." in response.content.decode()
    document.refresh_from_db()
    assert (document.summary, document.urgency, document.version) == (
        "V/v trích yếu đã sửa",
        "express",
        2,
    )
    assert list(document.recipients.values_list("name", flat=True)) == [
        "Sở Tư pháp",
        "Bộ Nội vụ",
        "Báo Kiên Giang",
        "Đài Phát thanh và Truyền hình tỉnh",
    ]
    assert document.files.order_by("-pk").first().original_name == "v2.pdf"
    assert "Sửa dự thảo" in response.content.decode()  # the history row's label


def test_bad_edits_come_back_beside_their_fields(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    response = client.post(
        page_url(document) + "sua/",
        form(
            document,
            summary="",
            confidentiality="secret",
            outside="H33 | Sai mã",
            file=SimpleUploadedFile("x.exe", b"MZ\x90\x00"),
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<details open>" in html
    assert 'aria-invalid="true" aria-describedby="edit-summary-error"' in html
    form_html = html[html.index('id="edit-title"') : html.index('id="act-title"')]
    for text in (
        "Trích yếu nội dung không được để trống.",
        "Văn bản mật chỉ được vào sổ trên hệ thống",
        "Mã định danh cơ quan nhận không đúng QCVN 102.",
        "Tệp «x.exe» không phải DOCX hoặc PDF.",
    ):
        assert text in form_html
    assert "H33 | Sai mã" in form_html  # what was typed stays in the form
    document.refresh_from_db()
    assert (document.version, document.files.count()) == (1, 1)


def test_a_stale_or_late_edit_is_refused_on_the_page(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    stale = client.post(page_url(document) + "sua/", form(document, summary="A", version="0"))
    assert "Văn bản vừa được người khác xử lý" in stale.content.decode()
    services.submit_for_review(
        document=document, actor=org["drafter"].user, approver=org["chairman"]
    )
    document.refresh_from_db()
    late = client.post(page_url(document) + "sua/", form(document, summary="B"), follow=True)
    assert "Chỉ sửa được dự thảo; văn bản đang ở trạng thái «Đang trình duyệt»." in (
        late.content.decode()
    )
    client.force_login(org["chairman"].user)
    refused = client.post(page_url(document) + "sua/", form(document, summary="C"), follow=True)
    assert "Chỉ sửa được dự thảo" in refused.content.decode()
    document.refresh_from_db()
    assert document.summary.startswith("V/v triển khai")
    client.force_login(org["chairman"].user)
    assert client.get(page_url(document) + "sua/")["Location"] == page_url(document)


# --- PATCH /api/v1/documents/{pk} -----------------------------------------------------------


def patch(client, document, payload):
    return client.patch(
        f"/api/v1/documents/{document.pk}", payload, content_type="application/json"
    )


def test_patch_changes_what_is_given(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    response = patch(
        client,
        document,
        {
            "version": 1,
            "summary": "Trích yếu qua API",
            "urgency": "very_urgent",
            "signer": None,
            "recipients": [{"identifier": "000.00.03.H33"}],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["summary"], body["urgency"], body["signer"], body["version"]) == (
        "Trích yếu qua API",
        "very_urgent",
        None,
        2,
    )
    assert [(r["channel"], r["name"]) for r in body["recipients"]] == [("internal", "Sở Tư pháp")]
    document.refresh_from_db()
    assert (document.doc_type, document.signing_marker) == ("official_letter", "TM.")
    assert edits(document)[0]["fields"] == ["signer", "summary", "urgency"]


def test_patch_problems(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    bad = patch(
        client,
        document,
        {"summary": "", "recipients": [{"identifier": "H33"}], "signer": 999999},
    )
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    assert bad.json()["errors"] == [{"field": "signer", "message": "Không có cán bộ này."}]
    bad = patch(client, document, {"summary": "", "recipients": [{"identifier": "H33"}]})
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["recipients.0", "summary"]
    unknown_unit = patch(client, document, {"drafting_unit": "000.00.99.H99"})
    assert [e["field"] for e in unknown_unit.json()["errors"]] == ["drafting_unit"]
    secret = patch(client, document, {"confidentiality": "secret"})
    assert [e["field"] for e in secret.json()["errors"]] == ["confidentiality"]
    bad_enum = patch(client, document, {"urgency": "soon"})
    assert bad_enum.status_code == 422 and bad_enum.json()["errors"][0]["field"] == "urgency"
    stale = patch(client, document, {"summary": "x", "version": 0})
    assert stale.status_code == 409 and stale.json()["type"] == "urn:tinhso:problem:conflict"
    client.force_login(org["chairman"].user)
    assert patch(client, document, {"summary": "x"}).status_code == 403
    client.force_login(org["outsider"].user)
    assert patch(client, document, {"summary": "x"}).status_code == 404
    client.force_login(org["drafter"].user)
    stale_file = client.post(
        f"/api/v1/documents/{document.pk}/files",
        {"file": SimpleUploadedFile("v2.pdf", PDF2), "version": "0"},
    )
    assert stale_file.status_code == 409
    document.refresh_from_db()
    assert (document.version, document.files.count()) == (1, 1)
    done = issued(org)
    immutable = patch(client, done, {"summary": "Sửa lén"})
    assert immutable.status_code == 409
    assert immutable.json()["type"] == "urn:tinhso:problem:immutable"
    assert "Văn bản đã ban hành không được sửa" in immutable.json()["detail"]
    assert Document.objects.get(pk=done.pk).summary.startswith("V/v triển khai")
