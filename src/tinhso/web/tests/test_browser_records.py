"""A department's clerk prepares the year's file plan, its leader approves it; the clerk opens
a record from the plan, files an issued report and a registered letter in it, adds a note,
closes it with its retention, downloads its archive package, which the records app's own
verifier finds intact, and takes the record into the archive. Real Chromium, real HTTP."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tinhso.directory.models import OrganIdentifier
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.directory.tests.samples import load_sample
from tinhso.documents import hooks
from tinhso.documents import services as documents
from tinhso.records.models import FilePlan, WorkRecord
from tinhso.records.tests.conftest import pdf_bytes
from tinhso.records.verify import verify_package
from tinhso.web.tests.test_browser_flow import OFFICIAL_PASSWORD, sign_in

pytestmark = pytest.mark.browser

REPORT = "Báo cáo kết quả thực hiện công tác văn thư, lưu trữ năm 2026"
LETTER = "V/v hướng dẫn lập hồ sơ điện tử và nộp lưu vào Lưu trữ cơ quan"
RECORD = "Hồ sơ về công tác văn thư, lưu trữ của Sở"


def official(organ, username: str, role: str, name: str):  # type: ignore[no-untyped-def]
    return OfficialFactory(
        organ=organ,
        user__username=username,
        user__full_name=name,
        roles=[(role, organ, False)],
    )


@pytest.fixture
def people(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    """The Department of Justice with its clerk, leader and specialist; a report it issued
    (its signature only recorded: records are about filing) and a letter it registered."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_sample(tmp_path)
    department = OrganIdentifier.objects.get(value="000.00.03.H33").organ
    people = {
        "clerk": official(department, "vanthu.stp", "clerk", "Nguyễn Thị Kim Oanh"),
        "leader": official(department, "lanhdao.stp", "leader", "Phạm Quốc Hùng"),
        "drafter": official(department, "chuyenvien.stp", "specialist", "Lê Ngọc Lan"),
    }
    registered = hooks.signing_backend()
    hooks.register_signing_backend(None)
    try:
        report = documents.draft_create(
            organ=department,
            actor=people["drafter"].user,
            doc_type="report",
            summary=REPORT,
            signer=people["leader"],
            signer_title="Giám đốc",
            recipients=[
                documents.RecipientSpec(name="Cục Văn thư và Lưu trữ nhà nước", paper=True)
            ],
            upload=("bao-cao.pdf", pdf_bytes(2)),
        )
        documents.submit_for_review(
            document=report, actor=people["drafter"].user, approver=people["leader"]
        )
        documents.review(document=report, actor=people["leader"].user, agree=True)
        documents.sign(document=report, actor=people["leader"].user)
        documents.issue(document=report, actor=people["clerk"].user)
    finally:
        hooks.register_signing_backend(registered)
    letter = documents.receive_paper(
        organ=department,
        actor=people["clerk"].user,
        sender_name="Sở Nội vụ",
        sender_notation="88/SNV-VTLT",
        type_name="Công văn",
        summary=LETTER,
        files=[("ban-quet.pdf", pdf_bytes(1))],
    )
    return {**people, "department": department, "report": report, "letter": letter}


def act(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã thực hiện thao tác.")).to_be_visible()


def test_a_record_from_the_file_plan_to_the_archive_package(page, people, tmp_path, screenshot):  # type: ignore[no-untyped-def]
    year = timezone.localdate().year

    # The clerk prepares the year's file plan: a heading and a planned record kept 10 years.
    sign_in(page, "vanthu.stp", OFFICIAL_PASSWORD)
    page.goto("/backoffice/ho-so-cong-viec/")
    expect(page.get_by_role("heading", name="Hồ sơ công việc", exact=True)).to_be_visible()
    page.get_by_role("link", name="Lập danh mục hồ sơ").click()
    page.get_by_label("Cơ quan").select_option(label="Sở Tư pháp")
    page.get_by_label("Năm", exact=True).select_option(str(year))
    page.get_by_role("button", name="Lập danh mục").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã lập danh mục hồ sơ.")).to_be_visible()
    plan = FilePlan.objects.get(organ=people["department"], year=year)
    page.get_by_label("Tên đề mục").fill("Văn phòng Sở")
    page.get_by_label("Ký hiệu (dùng trong số hồ sơ, ví dụ VP)").fill("VP")
    act(page, "Thêm đề mục")
    page.get_by_label("Tiêu đề hồ sơ").fill(RECORD)
    page.get_by_label("Thời hạn bảo quản («Vĩnh viễn» hoặc số năm)").fill("10")
    act(page, "Thêm hồ sơ dự kiến")
    planned = page.locator("table").first.locator("tr", has_text=RECORD)
    expect(planned).to_contain_text("01.VP")
    expect(planned).to_contain_text("10 năm")

    # Its leader approves it.
    sign_in(page, "lanhdao.stp", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/ho-so-cong-viec/danh-muc/{plan.pk}/")
    act(page, "Ban hành danh mục")
    expect(page.get_by_text("Đã ban hành")).to_be_visible()

    # The clerk opens the record from the plan and files both documents and a note.
    sign_in(page, "vanthu.stp", OFFICIAL_PASSWORD)
    page.goto("/backoffice/ho-so-cong-viec/")
    page.get_by_role("link", name=str(year)).click()
    page.locator("tr", has_text=RECORD).get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_load_state()
    record = WorkRecord.objects.get(organ=people["department"], notation="01.VP")
    code = f"H33.03.{year}.01.VP"
    assert record.code == code and record.state == "open"
    expect(page.get_by_role("heading", name=RECORD)).to_be_visible()
    page.get_by_label("Văn bản đi đã ban hành").select_option(str(people["report"].pk))
    act(page, "Đưa văn bản đi vào hồ sơ")
    page.get_by_label("Văn bản đến đã vào sổ").select_option(str(people["letter"].pk))
    act(page, "Đưa văn bản đến vào hồ sơ")
    page.get_by_label("Tiêu đề", exact=True).fill("Ghi chép làm việc với Sở Nội vụ")
    page.get_by_label("Nội dung ghi chú").fill("Thống nhất nộp lưu hồ sơ điện tử kèm gói dữ liệu.")
    act(page, "Thêm ghi chú")
    contents = page.locator("section", has=page.get_by_role("heading", name="Mục lục văn bản"))
    expect(contents.locator("tbody tr")).to_have_count(3)
    expect(contents).to_contain_text("01/BC-STP")
    expect(contents).to_contain_text("88/SNV-VTLT")
    expect(contents).to_contain_text("Ghi chép làm việc với Sở Nội vụ")

    # The clerk closes it: its retention runs to the end of the tenth year.
    page.get_by_label("Chứng từ kết thúc: đặc điểm của hồ sơ").fill("Hồ sơ đủ văn bản, tài liệu.")
    act(page, "Kết thúc hồ sơ")
    record.refresh_from_db()
    assert (record.state, record.doc_count, record.page_count) == ("closed", 3, 3)
    ends = date(record.end_date.year + 10, 12, 31)
    assert record.retention_ends_on == ends
    expect(page.get_by_text(f"10 năm · đến hết ngày {ends:%d/%m/%Y}")).to_be_visible()
    expect(page.get_by_text("Tổng số: 3 văn bản, tài liệu")).to_be_visible()
    screenshot(page, "record-closed")

    # The archive package, downloaded from the page, is intact for the records verifier.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải gói hồ sơ nộp lưu").click()
    assert download.value.suggested_filename == f"{code}.zip"
    package = tmp_path / "package.zip"
    download.value.save_as(package)
    check = verify_package(package)
    assert check.ok, check.findings
    # the two documents' PDFs, metadata.xml, metadata.json, the schema
    assert (check.file_code, check.files_checked) == (code, 5)
    assert record.events.filter(action="export", actor=people["clerk"].user).count() == 1

    # And takes it into the organ's archive.
    act(page, "Nộp lưu")
    record.refresh_from_db()
    assert record.state == "archived" and record.archived_at is not None
    expect(page.get_by_text("Đã nộp lưu", exact=True)).to_be_visible()
