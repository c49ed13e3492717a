"""Back-office pages under /backoffice/ho-so-cong-viec/: the navigation link, the plan and
record pages with their forms, actions as POST forms, the package and attachment downloads, the
list for the appraisal board with its CSV export, and nothing outside one's organ."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.records import services
from tinhso.records.models import FilePlan, RecordItem, WorkRecord
from tinhso.records.tests.conftest import issued_pdf, pdf_bytes, received
from tinhso.records.verify import verify_package

pytestmark = pytest.mark.django_db


def test_navigation_link_only_for_those_who_keep_or_read_records(client, org):
    client.force_login(org["handler"].user)
    assert 'href="/backoffice/ho-so-cong-viec/"' in client.get("/backoffice/").content.decode()
    client.force_login(org["one_stop"].user)
    assert 'href="/backoffice/ho-so-cong-viec/"' not in client.get("/backoffice/").content.decode()
    assert client.get("/backoffice/ho-so-cong-viec/").status_code == 403


def test_plan_pages(client, org, clock):
    client.force_login(org["clerk"].user)
    assert "Kiên Giang" in client.get("/backoffice/ho-so-cong-viec/danh-muc/moi/").content.decode()
    refused = client.post(
        "/backoffice/ho-so-cong-viec/danh-muc/moi/", {"organ": org["province"].pk, "year": "1999"}
    )
    assert "Năm phải từ 2000 đến 2021." in refused.content.decode()
    created = client.post(
        "/backoffice/ho-so-cong-viec/danh-muc/moi/", {"organ": org["province"].pk, "year": "2020"}
    )
    plan = FilePlan.objects.get()
    assert created["Location"] == f"/backoffice/ho-so-cong-viec/danh-muc/{plan.pk}/"
    act = f"/backoffice/ho-so-cong-viec/danh-muc/{plan.pk}/thao-tac/"
    client.post(act, {"action": "add_heading", "title": "Văn phòng", "code": "VP", "level": "1"})
    heading = plan.headings.get()
    client.post(
        act,
        {"action": "add_entry", "heading": heading.pk, "title": "Chuyển đổi số", "retention": "10"},
    )
    page = client.get(f"/backoffice/ho-so-cong-viec/danh-muc/{plan.pk}/").content.decode()
    assert "I. VĂN PHÒNG" in page and "01.VP" in page and "10 năm" in page
    assert 'value="approve"' not in page  # the clerk prepares, the leader approves
    bad = client.post(
        act, {"action": "add_entry", "heading": heading.pk, "title": "X", "retention": "?"}
    )
    assert "Vĩnh viễn" in client.get(bad["Location"]).content.decode()
    client.force_login(org["chairman"].user)
    client.post(act, {"action": "approve"})
    assert FilePlan.objects.get().state == "approved"
    client.force_login(org["handler"].user)
    opened = client.post(act, {"action": "open_record", "entry": plan.entries.get().pk})
    record = WorkRecord.objects.get()
    assert opened["Location"] == f"/backoffice/ho-so-cong-viec/{record.pk}/"
    assert (
        "H33.2020.01.VP"
        in client.get(f"/backoffice/ho-so-cong-viec/danh-muc/{plan.pk}/").content.decode()
    )


def test_record_page_and_its_actions(client, org, record, clock):
    handler = org["handler"].user
    document, incoming = issued_pdf(org, pages=2), received(org, pages=1)
    client.force_login(handler)
    url, act = (
        f"/backoffice/ho-so-cong-viec/{record.pk}/",
        f"/backoffice/ho-so-cong-viec/{record.pk}/thao-tac/",
    )
    page = client.get(url).content.decode()
    assert "01/UBND-VP" in page and "123/BNV-VP" in page  # offered for filing
    assert 'value="close"' in page and 'value="archive"' not in page
    client.post(act, {"action": "file_outgoing", "document": document.pk})
    client.post(act, {"action": "file_incoming", "incoming": incoming.pk})
    client.post(act, {"action": "note", "title": "Biên bản họp", "item_date": "2020-11-04"})
    upload = SimpleUploadedFile("phu-luc.pdf", pdf_bytes(1), content_type="application/pdf")
    client.post(act, {"action": "attach", "file": upload, "title": "Phụ lục"})
    items = list(record.items.order_by("order"))
    assert [i.kind for i in items] == ["outgoing", "incoming", "note", "attachment"]
    client.post(act, {"action": "up", "item": items[2].pk})
    client.post(act, {"action": "remove", "item": items[3].pk})
    assert list(record.items.order_by("order").values_list("kind", flat=True)) == [
        "outgoing",
        "note",
        "incoming",
    ]
    stale = client.post(act, {"action": "note", "title": "X", "version": "1"}, follow=True)
    assert "vừa được người khác cập nhật" in stale.content.decode()
    closed = client.post(act, {"action": "close", "note": "Đủ."}, follow=True)
    page = closed.content.decode()
    assert "Đã thực hiện thao tác." in page and "Đã kết thúc" in page
    assert "Tổng số: 3 văn bản, tài liệu" in page and "goi-luu-tru" in page
    refused = client.post(act, {"action": "note", "title": "Muộn"}, follow=True)
    assert "Các thao tác được phép: archive, export, reopen." in refused.content.decode()
    package = client.get(f"/backoffice/ho-so-cong-viec/{record.pk}/goi-luu-tru/")
    assert package["Content-Type"] == "application/zip"
    data = b"".join(package.streaming_content)
    assert verify_package(io.BytesIO(data)).ok
    assert "metadata.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    client.force_login(org["clerk"].user)
    client.post(act, {"action": "archive"})
    assert WorkRecord.objects.get().state == "archived"


def test_attachments_and_pages_stay_within_the_organ(client, org, record, clock):
    item = services.record_attach(
        record=record, actor=org["handler"].user, name="phu-luc.pdf", data=pdf_bytes(1)
    )
    client.force_login(org["chairman"].user)
    response = client.get(f"/backoffice/ho-so-cong-viec/tep/{item.pk}/")
    assert b"".join(response.streaming_content) == pdf_bytes(1)
    client.force_login(org["justice_leader"].user)
    for url in (
        f"/backoffice/ho-so-cong-viec/tep/{item.pk}/",
        f"/backoffice/ho-so-cong-viec/{record.pk}/",
        f"/backoffice/ho-so-cong-viec/danh-muc/{record.plan_entry.plan_id}/",
    ):
        assert client.get(url).status_code == 404, url
    client.post(
        f"/backoffice/ho-so-cong-viec/{record.pk}/thao-tac/", {"action": "note", "title": "X"}
    )
    assert RecordItem.objects.count() == 1


def test_outside_plan_form(client, org, clock):
    client.force_login(org["handler"].user)
    refused = client.post(
        "/backoffice/ho-so-cong-viec/moi/",
        {"organ": org["province"].pk, "year": "2020", "title": "Đột xuất", "retention": "5"},
    )
    assert "Hãy nhập lý do lập ngoài danh mục." in refused.content.decode()
    created = client.post(
        "/backoffice/ho-so-cong-viec/moi/",
        {
            "organ": org["province"].pk,
            "year": "2020",
            "title": "Đột xuất",
            "retention": "5",
            "reason": "Chỉ đạo của Chủ tịch",
        },
    )
    record = WorkRecord.objects.get()
    assert created["Location"] == f"/backoffice/ho-so-cong-viec/{record.pk}/"
    assert (record.notation, record.in_plan) == ("01.PS", False)


def test_expired_list_and_its_csv(client, org, clock):
    handler = org["handler"].user
    clock.at(2010, 6, 1, 9, 0)
    record = services.record_open_outside_plan(
        organ=org["province"],
        year=2010,
        actor=handler,
        title="Hồ sơ cũ",
        retention=5,
        reason="x",
    )
    services.record_add_note(record=record, actor=handler, title="A", item_date=date(2010, 6, 1))
    services.record_close(record=record, actor=handler)
    client.force_login(org["chairman"].user)
    page = client.get("/backoffice/ho-so-cong-viec/het-han/").content.decode()
    assert "H33.2010.01.PS" in page and "31/12/2015" in page
    assert (
        "Hồ sơ hết thời hạn bảo quản (1)"
        in client.get("/backoffice/ho-so-cong-viec/").content.decode()
    )
    csv = client.get("/backoffice/ho-so-cong-viec/het-han/?format=csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Mã hồ sơ,Tiêu đề hồ sơ,Cơ quan")
    assert lines[1] == (
        "H33.2010.01.PS,Hồ sơ cũ,Ủy ban nhân dân tỉnh Kiên Giang,5 năm,01/06/2010,31/12/2015,"
        "Đã kết thúc"
    )
    client.force_login(org["justice_leader"].user)
    assert "H33.2010" not in client.get("/backoffice/ho-so-cong-viec/het-han/").content.decode()
