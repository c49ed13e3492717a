"""A department drafts a report, its leader signs it, its clerk issues it with the organ's
signature to two commune committees; in one commune the clerk registers it, the leader assigns
it and the specialist completes it. Real Chromium, real HTTP, real PAdES signatures, checked
by poppler's pdfsig on the file downloaded from the page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tinhso.directory.models import AdministrativeUnit, OrganIdentifier
from tinhso.directory.tests.factories import OfficialFactory, OrganFactory
from tinhso.directory.tests.samples import load_sample
from tinhso.documents.models import Document, IncomingDocument
from tinhso.signatures.models import IdentityKind
from tinhso.signatures.services import DEV_PASSPHRASE, dev_identity_issue
from tinhso.web.tests.test_browser_flow import OFFICIAL_PASSWORD, sign_in

pytestmark = pytest.mark.browser

SUMMARY = "Báo cáo kết quả triển khai Nghị định 30/2020/NĐ-CP năm 2026"
BODY = "Sở Tư pháp báo cáo kết quả triển khai công tác văn thư điện tử trên địa bàn tỉnh."


def official(organ, username: str, role: str, name: str):  # type: ignore[no-untyped-def]
    return OfficialFactory(
        organ=organ,
        user__username=username,
        user__full_name=name,
        roles=[(role, organ, False)],
    )


@pytest.fixture
def people(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_sample(tmp_path)
    department = OrganIdentifier.objects.get(value="000.00.03.H33").organ
    district = OrganIdentifier.objects.get(value="000.00.24.H33").organ
    first = OrganIdentifier.objects.get(value="000.01.24.H33").organ
    second = OrganFactory(
        name="UBND phường Vĩnh Thanh",
        short_name="UBND",
        kind="commune_committee",
        level=3,
        parent=district,
        unit=AdministrativeUnit.objects.filter(code="30733").first(),
    )
    people = {
        "drafter": official(department, "chuyenvien.stp", "specialist", "Lê Ngọc Lan"),
        "leader": official(department, "lanhdao.stp", "leader", "Phạm Quốc Hùng"),
        "clerk": official(department, "vanthu.stp", "clerk", "Trần Thị Thu"),
        "commune_clerk": official(first, "vanthu.vtv", "clerk", "Ngô Thị Mai"),
        "commune_leader": official(first, "lanhdao.vtv", "leader", "Đặng Văn Bình"),
        "commune_specialist": official(first, "chuyenvien.vtv", "specialist", "Huỳnh Kim Ngân"),
    }
    dev_identity_issue(kind=IdentityKind.PERSONAL, official=people["leader"])
    dev_identity_issue(kind=IdentityKind.ORGAN, organ=department)
    return {**people, "communes": [first, second]}


def act(page, label: str, **fields: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in fields.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã thực hiện thao tác.")).to_be_visible()


def test_a_report_from_draft_to_completion_in_a_commune(page, people, tmp_path, screenshot):  # type: ignore[no-untyped-def]
    first, second = people["communes"]

    # The department's specialist drafts the report from the Decree 30 template.
    sign_in(page, "chuyenvien.stp", OFFICIAL_PASSWORD)
    page.goto("/backoffice/van-ban/di/moi/")
    page.get_by_label("Cơ quan ban hành").select_option(label="Sở Tư pháp")
    page.get_by_label("Loại văn bản").select_option(label="Báo cáo")
    page.get_by_label("Trích yếu nội dung").fill(SUMMARY)
    page.locator("#signer").select_option(label="Phạm Quốc Hùng")
    page.locator("#signer_title").fill("GIÁM ĐỐC")
    page.locator("#internal").select_option([str(first.pk), str(second.pk)])
    page.get_by_label("Hoặc soạn theo mẫu Nghị định 30/2020 từ nội dung dưới đây").check()
    page.locator("#body").fill(BODY)
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_load_state()
    document = Document.objects.get(summary=SUMMARY)
    page.goto(f"/backoffice/van-ban/di/{document.pk}/")
    page.locator("#approver").select_option(label="Phạm Quốc Hùng")
    act(page, "Trình duyệt")

    # The leader approves and signs with his personal key.
    sign_in(page, "lanhdao.stp", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/van-ban/di/{document.pk}/")
    act(page, "Đồng ý")
    page.get_by_label("Mật khẩu khóa ký số của bạn").fill("sai mật khẩu")
    page.get_by_role("button", name="Ký", exact=True).click()
    expect(page.get_by_text("không đúng")).to_be_visible()  # a wrong passphrase: nothing signed
    act(page, "Ký", passphrase=DEV_PASSPHRASE)
    document.refresh_from_db()
    assert document.state == "signed" and document.signature_kind == "pades"

    # The clerk issues it under the organ's signature and sends it.
    sign_in(page, "vanthu.stp", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/van-ban/di/{document.pk}/")
    act(page, "Cấp số, phát hành", passphrase=DEV_PASSPHRASE)
    act(page, "Gửi văn bản")
    document.refresh_from_db()
    assert document.notation == "01/BC-STP"
    expect(page.get_by_role("heading", name="Báo cáo 01/BC-STP")).to_be_visible()
    screenshot(page, "document-issued")

    # The issued PDF, downloaded from the page, carries two valid signatures for pdfsig.
    with page.expect_download() as download:
        page.get_by_role("link", name="01-BC-STP.pdf").click()
    issued = tmp_path / "issued.pdf"
    download.value.save_as(issued)
    pdfsig = shutil.which("pdfsig") or "/usr/bin/pdfsig"
    out = subprocess.run(  # noqa: S603 (a fixed tool on a file made by the test)
        [pdfsig, str(issued)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out

    # Both communes received it at once.
    arrived = IncomingDocument.objects.filter(origin=document)
    assert sorted(arrived.values_list("organ_id", flat=True)) == sorted([first.pk, second.pk])
    incoming = arrived.get(organ=first)

    # In the first commune: the clerk registers, the leader assigns, the specialist completes.
    sign_in(page, "vanthu.vtv", OFFICIAL_PASSWORD)
    page.goto("/backoffice/van-ban/")
    page.locator("tr", has_text=SUMMARY).get_by_role("link", name="(chưa vào sổ)").click()
    act(page, "Vào sổ văn bản đến")
    sign_in(page, "lanhdao.vtv", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/van-ban/den/{incoming.pk}/")
    page.get_by_label("Giao cho").select_option(label="Huỳnh Kim Ngân")
    act(page, "Phân công xử lý", deadline_days="5")
    sign_in(page, "chuyenvien.vtv", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/van-ban/den/{incoming.pk}/")
    act(page, "Bắt đầu xử lý")
    act(page, "Hoàn thành xử lý", note="Đã phổ biến đến các bộ phận.")
    incoming.refresh_from_db()
    assert incoming.state == "completed" and incoming.status_code == "06"
    assert incoming.number == 1 and incoming.handling_deadline is not None
    screenshot(page, "incoming-completed")

    # The sender sees the commune's status come back on its recipient line.
    statuses = dict(document.recipients.values_list("organ_id", "status_code"))
    assert statuses[first.pk] == "06"
