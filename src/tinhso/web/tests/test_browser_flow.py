"""A citizen files a level-3/4 dossier online; officials receive, process and return it; the
citizen sees the result, and it is counted on the dashboard. Real Chromium, real HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tinhso.directory.models import OrganIdentifier, User
from tinhso.directory.services import applicant_register
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.directory.tests.samples import load_sample
from tinhso.dossiers.models import Dossier
from tinhso.procedures import catalogue_io
from tinhso.procedures.seeding import DATA

pytestmark = pytest.mark.browser

OFFICIAL_PASSWORD = "mat-khau-thu-1"  # what UserFactory sets
CITIZEN_PASSWORD = "mat-khau-cong-dan-2"
LLTP = "2.000488.000.00.00.H33"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def province(tmp_path: Path):  # type: ignore[no-untyped-def]
    load_sample(tmp_path)
    catalogue_io.import_catalogue(catalogue_io.loads(DATA.read_text(encoding="utf-8")))
    organ = OrganIdentifier.objects.get(value="000.00.03.H33").organ
    people = {}
    for role, username in (
        ("one_stop_officer", "motcua"),
        ("specialist", "chuyenvien"),
        ("leader", "lanhdao"),
    ):
        people[role] = OfficialFactory(
            organ=organ, user__username=username, roles=[(role, organ, False)]
        )
    people["leader"].roles.create(role="leader", organ=organ.parent, include_subtree=True)
    applicant = applicant_register(kind="citizen", identifier="091190888888", name="Võ Văn Tâm")
    user = User.objects.create_user(
        username="091190888888", password=CITIZEN_PASSWORD, full_name="Võ Văn Tâm"
    )
    applicant.user = user
    applicant.save()
    return people


def sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def act(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã thực hiện thao tác.")).to_be_visible()


def test_a_dossier_from_filing_to_result(page, province, screenshot):  # type: ignore[no-untyped-def]
    # The citizen finds the procedure without diacritics and files it online with the files.
    sign_in(page, "091190888888", CITIZEN_PASSWORD)
    page.goto("/thu-tuc/?q=ly+lich+tu+phap")
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam").click()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Cơ quan tiếp nhận").select_option(label="Sở Tư pháp")
    page.get_by_label("Họ, chữ đệm, tên người yêu cầu").fill("Võ Văn Tâm")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("091190888888")
    page.get_by_label("Loại phiếu yêu cầu").select_option("Phiếu số 1")
    page.get_by_label("Mục đích sử dụng").fill("Bổ sung hồ sơ xin việc")
    for field in page.locator('input[type="file"]').all():
        field.set_input_files({"name": "giay-to.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã nộp, chờ tiếp nhận")).to_be_visible()
    screenshot(page, "citizen-filed")
    dossier = Dossier.objects.get()

    # The one-stop officer receives it from the queue: it gets its code.
    sign_in(page, "motcua", OFFICIAL_PASSWORD)
    page.goto("/backoffice/ho-so/")
    page.get_by_role("link", name="(chưa tiếp nhận)").click()
    act(page, "Tiếp nhận")
    dossier.refresh_from_db()
    assert dossier.code and dossier.state == "received"
    expect(page.get_by_role("heading", name=f"Hồ sơ {dossier.code}")).to_be_visible()
    act(page, "Chuyển bước tiếp")

    # The specialist reviews, the leader approves.
    sign_in(page, "chuyenvien", OFFICIAL_PASSWORD)
    page.goto("/backoffice/ho-so/")
    page.get_by_role("link", name=dossier.code).click()
    act(page, "Chuyển bước tiếp")
    sign_in(page, "lanhdao", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/ho-so/{dossier.pk}/")
    act(page, "Phê duyệt")

    # The one-stop officer registers and returns the result.
    sign_in(page, "motcua", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/ho-so/{dossier.pk}/")
    act(page, "Vào sổ kết quả")
    act(page, "Trả kết quả")
    screenshot(page, "official-returned")

    # The citizen sees the result and rates the service.
    sign_in(page, "091190888888", CITIZEN_PASSWORD)
    page.goto("/dich-vu-cong/ho-so/")
    page.get_by_role("link", name=dossier.code).click()
    expect(page.get_by_text("Đã trả kết quả")).to_be_visible()
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn bạn đã đánh giá.")).to_be_visible()

    # The leader sees it counted on the dashboard, and the figure lists this dossier.
    sign_in(page, "lanhdao", OFFICIAL_PASSWORD)
    page.goto("/backoffice/thong-ke/")
    expect(page).to_have_url(re.compile(r"/backoffice/thong-ke/"))
    screenshot(page, "dashboard")
    dossier.refresh_from_db()
    assert dossier.state == "returned" and dossier.rating.score == 5
    page.locator('a[href*="indicator=resolved"]').first.click()
    page.wait_for_load_state()
    expect(page.get_by_text(dossier.code)).to_be_visible()
