"""Back-office pages: lists, the draft form, actions as POST forms, registers (print, Excel),
files only for those who may see their document."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tinhso.documents import services
from tinhso.documents.models import Document, IncomingDocument
from tinhso.documents.tests.conftest import PDF, draft, issued, signed

pytestmark = pytest.mark.django_db


def test_navigation_link_only_for_document_people(client, org):
    client.force_login(org["clerk"].user)
    assert 'href="/backoffice/van-ban/"' in client.get("/backoffice/").content.decode()
    client.force_login(org["one_stop"].user)
    assert 'href="/backoffice/van-ban/"' not in client.get("/backoffice/").content.decode()
    assert client.get("/backoffice/van-ban/").status_code == 403


def test_draft_form_creates_a_draft_with_its_recipients(client, org):
    client.force_login(org["drafter"].user)
    page = client.get("/backoffice/van-ban/di/moi/").content.decode()
    assert "Ủy ban nhân dân tỉnh Kiên Giang" in page and "Thư công" in page
    response = client.post(
        "/backoffice/van-ban/di/moi/",
        {
            "organ": org["province"].pk,
            "drafting_unit": org["office"].pk,
            "doc_type": "plan",
            "summary": "Kế hoạch chuyển đổi số năm 2021",
            "urgency": "urgent",
            "signer": org["chairman"].pk,
            "internal": [org["justice"].pk],
            "outside": "000.00.00.G10 | Bộ Nội vụ",
            "paper": "Báo Kiên Giang",
            "file": SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf"),
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/van-ban/di/{document.pk}/"
    assert (document.doc_type, document.urgency, document.signer) == (
        "plan",
        "urgent",
        org["chairman"],
    )
    assert list(document.recipients.values_list("channel", flat=True)) == [
        "internal",
        "exchange",
        "paper",
    ]
    detail = client.get(response["Location"]).content.decode()
    assert "Kế hoạch chuyển đổi số năm 2021" in detail and 'value="submit"' in detail


def test_bad_draft_shows_errors_beside_fields_and_stores_nothing(client, org):
    client.force_login(org["drafter"].user)
    response = client.post(
        "/backoffice/van-ban/di/moi/",
        {
            "organ": org["province"].pk,
            "drafting_unit": org["office"].pk,
            "doc_type": "report",
            "summary": "",
            "outside": "H33 | Không hợp lệ",
            "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Trích yếu nội dung không được để trống.",
        "Tệp «x.exe» không phải DOCX hoặc PDF.",
        "Mã định danh cơ quan nhận không đúng QCVN 102.",
    ):
        assert text in html
    assert not Document.objects.exists()


def test_the_chain_through_the_pages(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    client.post(
        f"/backoffice/van-ban/di/{document.pk}/thao-tac/",
        {"action": "submit", "approver": org["chairman"].pk, "reviewers": [org["office_head"].pk]},
    )
    document.refresh_from_db()
    assert document.state == "in_review"
    client.force_login(org["office_head"].user)
    page = client.get(f"/backoffice/van-ban/di/{document.pk}/").content.decode()
    assert 'value="agree"' in page and 'value="send_back"' in page
    response = client.post(
        f"/backoffice/van-ban/di/{document.pk}/thao-tac/", {"action": "send_back"}, follow=True
    )
    assert "Cần ghi rõ lý do." in response.content.decode()
    client.post(f"/backoffice/van-ban/di/{document.pk}/thao-tac/", {"action": "agree"})
    client.force_login(org["chairman"].user)
    client.post(f"/backoffice/van-ban/di/{document.pk}/thao-tac/", {"action": "agree"})
    client.post(f"/backoffice/van-ban/di/{document.pk}/thao-tac/", {"action": "sign"})
    client.force_login(org["clerk"].user)
    response = client.post(
        f"/backoffice/van-ban/di/{document.pk}/thao-tac/",
        {"action": "issue", "copies": "4"},
        follow=True,
    )
    assert "01/UBND-VP" in response.content.decode()
    client.post(f"/backoffice/van-ban/di/{document.pk}/thao-tac/", {"action": "distribute"})
    document.refresh_from_db()
    assert (document.state, document.copies, document.distributed_at is not None) == (
        "issued",
        4,
        True,
    )
    again = client.post(
        f"/backoffice/van-ban/di/{document.pk}/thao-tac/", {"action": "issue"}, follow=True
    )
    assert (
        "Thao tác không hợp lệ ở trạng thái này. Các thao tác được phép: distribute."
        in again.content.decode()
    )


def test_stale_version_is_refused(client, org):
    document = draft(org)
    client.force_login(org["drafter"].user)
    response = client.post(
        f"/backoffice/van-ban/di/{document.pk}/thao-tac/",
        {"action": "cancel", "note": "x", "version": "0"},
        follow=True,
    )
    assert "Văn bản vừa được người khác xử lý" in response.content.decode()
    document.refresh_from_db()
    assert document.state == "draft"


def test_incoming_queue_orders_by_urgency_then_deadline(client, org):
    for urgency, summary in (
        ("normal", "Thường"),
        ("urgent", "Khẩn"),
        ("express", "Hỏa tốc"),
        ("very_urgent", "Thượng khẩn"),
    ):
        services.receive_paper(
            organ=org["province"],
            actor=org["clerk"].user,
            sender_name="Sở Nội vụ",
            summary=summary,
            urgency=urgency,
            register=False,
        )
    client.force_login(org["clerk"].user)
    html = client.get("/backoffice/van-ban/").content.decode()
    positions = [html.index(f"<td>{s}</td>") for s in ("Hỏa tốc", "Thượng khẩn", "Khẩn", "Thường")]
    assert positions == sorted(positions)


def test_incoming_pages_from_register_to_reply(client, org):
    services.distribute(document=issued(org), actor=org["clerk"].user)
    incoming = IncomingDocument.objects.get()
    url = f"/backoffice/van-ban/den/{incoming.pk}/"
    client.force_login(org["justice_clerk"].user)
    assert 'value="register"' in client.get(url).content.decode()
    client.post(url + "thao-tac/", {"action": "register"})
    client.force_login(org["justice_leader"].user)
    client.post(
        url + "thao-tac/",
        {"action": "assign", "assignee": org["justice_specialist"].pk, "deadline_days": "3"},
    )
    client.force_login(org["justice_specialist"].user)
    page = client.get(url).content.decode()
    assert 'value="start"' in page and 'value="reply"' in page
    response = client.post(url + "thao-tac/", {"action": "reply", "summary": "Trả lời"})
    answer = Document.objects.get(in_reply_to=incoming)
    assert response["Location"] == f"/backoffice/van-ban/di/{answer.pk}/"
    assert answer.files.get().original_name == "du-thao-theo-mau.docx"
    client.post(url + "thao-tac/", {"action": "complete", "note": "Xong"})
    incoming.refresh_from_db()
    assert (incoming.state, incoming.deadline_days, incoming.result_note) == (
        "completed",
        3,
        "Xong",
    )
    client.force_login(org["outsider"].user)
    assert client.get(url).status_code == 404


def test_paper_arrival_form(client, org):
    client.force_login(org["clerk"].user)
    response = client.post(
        "/backoffice/van-ban/den/moi/",
        {
            "organ": org["province"].pk,
            "sender_name": "Công an tỉnh",
            "sender_notation": "15/CAT-PV01",
            "sender_date": "2020-10-30",
            "summary": "Đề nghị phối hợp",
            "urgency": "normal",
            "confidentiality": "secret",
            "file": SimpleUploadedFile("scan.pdf", PDF),
        },
    )
    assert response.status_code == 200
    assert "Văn bản mật chỉ được vào sổ trên hệ thống" in response.content.decode()
    assert not IncomingDocument.objects.exists()
    response = client.post(
        "/backoffice/van-ban/den/moi/",
        {
            "organ": org["province"].pk,
            "sender_name": "Công an tỉnh",
            "summary": "Đề nghị phối hợp",
            "urgency": "khẩn",
            "confidentiality": "none",
        },
    )
    assert "Độ khẩn không hợp lệ." in response.content.decode()


def test_register_print_and_excel(client, org, clock):
    document = issued(org, doc_type="report", summary="Báo cáo tháng 11")
    services.distribute(document=document, actor=org["clerk"].user)
    register = document.register
    client.force_login(org["clerk"].user)
    assert "Sổ văn bản đi" in client.get("/backoffice/van-ban/so/").content.decode()
    page = client.get(f"/backoffice/van-ban/so/{register.pk}/").content.decode()
    assert "SỔ VĂN BẢN ĐI năm 2020" in page and "@page { size: A4 landscape" in page
    assert "<td>01/BC-UBND</td>" in page and "<td>02/11/2020</td>" in page
    response = client.get(f"/backoffice/van-ban/so/{register.pk}/?format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="so-outgoing-2020.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[4]] == [
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert [c.value for c in sheet[5]] == [
        "01/BC-UBND",
        "02/11/2020",
        "Báo cáo: Báo cáo tháng 11",
        "Nguyễn Chủ Tịch",
        "Sở Tư pháp; Bộ Nội vụ; Báo Kiên Giang",
        "Văn phòng UBND tỉnh",
        None,
        "02/11/2020",
        None,
        None,
    ]
    client.force_login(org["drafter"].user)
    assert client.get(f"/backoffice/van-ban/so/{register.pk}/").status_code == 404


def test_incoming_register_columns(client, org, clock):
    services.receive_paper(
        organ=org["province"],
        actor=org["clerk"].user,
        sender_name="Công an tỉnh",
        sender_notation="15/CAT-PV01",
        summary="Đề nghị phối hợp",
        type_name="Công văn",
        urgency="urgent",
    )
    client.force_login(org["clerk"].user)
    from tinhso.documents.models import Register

    register = Register.objects.get(kind="incoming")
    sheet = load_workbook(
        BytesIO(client.get(f"/backoffice/van-ban/so/{register.pk}/?format=xlsx").content)
    ).active
    assert [c.value for c in sheet[4]] == [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày tháng",
        "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận",
        "Ký nhận",
        "Ghi chú",
    ]
    assert [c.value for c in sheet[5]] == [
        "02/11/2020",
        "1",
        "Công an tỉnh",
        "15/CAT-PV01",
        None,
        "Công văn: Đề nghị phối hợp",
        None,
        None,
        "Khẩn",
    ]


def test_files_only_for_those_who_see_the_document(client, org):
    document = signed(org)
    stored = document.files.get()
    client.force_login(org["drafter"].user)
    response = client.get(f"/backoffice/van-ban/tep/{stored.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(org["outsider"].user)
    assert client.get(f"/backoffice/van-ban/tep/{stored.pk}/").status_code == 404
    client.force_login(org["justice_clerk"].user)
    assert client.get(f"/backoffice/van-ban/di/{document.pk}/").status_code == 404


def test_receivers_get_the_delivered_file_not_earlier_drafts(client, org):
    document = draft(org)
    first = document.files.get()
    services.attach_file(
        document=document, actor=org["drafter"].user, name="v2.pdf", data=PDF + b"%v2\n"
    )
    services.submit_for_review(
        document=document, actor=org["drafter"].user, approver=org["chairman"]
    )
    services.review(document=document, actor=org["chairman"].user, agree=True)
    services.sign(document=document, actor=org["chairman"].user)
    services.issue(document=document, actor=org["clerk"].user)
    services.distribute(document=document, actor=org["clerk"].user)
    second = document.files.get(original_name="v2.pdf")
    incoming = IncomingDocument.objects.get()
    client.force_login(org["justice_clerk"].user)
    page = client.get(f"/backoffice/van-ban/den/{incoming.pk}/").content.decode()
    assert f"/backoffice/van-ban/tep/{second.pk}/" in page
    assert f"/backoffice/van-ban/tep/{first.pk}/" not in page
    response = client.get(f"/backoffice/van-ban/tep/{second.pk}/")
    assert b"".join(response.streaming_content) == PDF + b"%v2\n"
    assert client.get(f"/backoffice/van-ban/tep/{first.pk}/").status_code == 404


def test_classified_register_entry_form(client, org, clock):
    client.force_login(org["clerk"].user)
    assert "không lộ nội dung mật" in client.get("/backoffice/van-ban/mat/moi/").content.decode()
    bad = client.post(
        "/backoffice/van-ban/mat/moi/",
        {
            "organ": org["province"].pk,
            "doc_type": "report",
            "summary": "",
            "confidentiality": "none",
        },
    )
    assert "Chọn độ mật: Mật, Tối mật hoặc Tuyệt mật." in bad.content.decode()
    response = client.post(
        "/backoffice/van-ban/mat/moi/",
        {
            "organ": org["province"].pk,
            "doc_type": "report",
            "summary": "Báo cáo (mật) số liệu quốc phòng",
            "confidentiality": "confidential",
            "signer": org["chairman"].pk,
            "paper": "Bộ Chỉ huy quân sự tỉnh",
            "copies": "2",
        },
    )
    document = Document.objects.get()
    assert response["Location"] == f"/backoffice/van-ban/di/{document.pk}/"
    assert (document.notation, document.register.classified, document.copies) == (
        "01/BC-UBND",
        True,
        2,
    )
    # a specialist of the province sees its open documents, not its classified entries
    open_one = issued(org, doc_type="report", summary="Báo cáo thường")
    client.force_login(org["handler"].user)
    assert client.get(f"/backoffice/van-ban/di/{open_one.pk}/").status_code == 200
    assert client.get(f"/backoffice/van-ban/di/{document.pk}/").status_code == 404
    client.force_login(org["chairman"].user)
    assert client.get(f"/backoffice/van-ban/di/{document.pk}/").status_code == 200
    client.force_login(org["drafter"].user)
    assert client.get("/backoffice/van-ban/mat/moi/").status_code == 200  # the form, no organs
    refused = client.post(
        "/backoffice/van-ban/mat/moi/",
        {
            "organ": org["province"].pk,
            "doc_type": "report",
            "summary": "x",
            "confidentiality": "secret",
        },
    )
    assert refused.status_code == 404
    assert Document.objects.filter(confidentiality="secret").count() == 0
