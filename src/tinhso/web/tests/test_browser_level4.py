"""A level-4 (fully online) procedure from start to finish in the applicant's browser: the
citizen files with an attachment and pays in the card gateway simulator, officials process it
and the one-stop officer signs the electronic result with his personal key, the citizen
downloads it (poppler's pdfsig checks the signature of the downloaded file) and rates the
service. Twice: returning from the gateway normally, and closing the tab on the simulator
after paying, when only the reconciliation job finds the money. Real Chromium, real HTTP,
real PAdES signatures."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tinhso.dossiers.models import Dossier
from tinhso.payments import services as payments
from tinhso.payments.models import Payment
from tinhso.signatures.models import IdentityKind
from tinhso.signatures.services import DEV_PASSPHRASE, dev_identity_issue
from tinhso.signatures.tests.conftest import make_pdf
from tinhso.web.tests.test_browser_flow import (
    CITIZEN_PASSWORD,
    OFFICIAL_PASSWORD,
    PDF,
    act,
    province,  # noqa: F401 (fixture)
    sign_in,
)

pytestmark = pytest.mark.browser
LLTP = "2.000488.000.00.00.H33"
CITIZEN = "091190888888"


@pytest.fixture
def level4(province, live_server, settings, tmp_path):  # noqa: F811
    """The province of the filing flow, files under the test's folder, the one-stop officer
    with a personal key, and the card gateway's server-to-server API on the live server."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    dev_identity_issue(kind=IdentityKind.PERSONAL, official=province["one_stop_officer"])
    config = {name: dict(value) for name, value in settings.PAYMENT_GATEWAYS.items()}
    config["card"].update(API_URL=f"{live_server.url}/simulators/the/api/transaction")
    with override_settings(PAYMENT_GATEWAYS=config):
        yield province


def file_level4(page) -> Dossier:  # type: ignore[no-untyped-def]
    sign_in(page, CITIZEN, CITIZEN_PASSWORD)
    page.goto(f"/dich-vu-cong/nop/{LLTP}/")
    page.get_by_label("Cơ quan tiếp nhận").select_option(label="Sở Tư pháp")
    page.get_by_label("Họ, chữ đệm, tên người yêu cầu").fill("Võ Văn Tâm")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill(CITIZEN)
    page.get_by_label("Loại phiếu yêu cầu").select_option("Phiếu số 1")
    page.get_by_label("Mục đích sử dụng").fill("Bổ sung hồ sơ xin việc")
    for field in page.locator('input[type="file"]').all():
        field.set_input_files({"name": "giay-to.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã nộp, chờ tiếp nhận")).to_be_visible()
    return Dossier.objects.get()


def open_gateway(page) -> None:  # type: ignore[no-untyped-def]
    """From the dossier page to the simulator's payment page."""
    page.get_by_role("link", name="chờ thanh toán, bấm để thanh toán trực tuyến").click()
    page.locator('input[name="gateway"][value="card"]').check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="CardGatewaySimulator")).to_be_visible()


def process_and_sign(page, dossier: Dossier, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "motcua", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/ho-so/{dossier.pk}/")
    act(page, "Tiếp nhận")
    act(page, "Chuyển bước tiếp")
    sign_in(page, "chuyenvien", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/ho-so/{dossier.pk}/")
    act(page, "Chuyển bước tiếp")
    sign_in(page, "lanhdao", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/ho-so/{dossier.pk}/")
    act(page, "Phê duyệt")
    sign_in(page, "motcua", OFFICIAL_PASSWORD)
    page.goto(f"/backoffice/ho-so/{dossier.pk}/")
    result = tmp_path / "phieu-lltp.pdf"
    result.write_bytes(make_pdf("Phiếu lý lịch tư pháp số 1 — Võ Văn Tâm"))
    page.get_by_label("Tệp PDF kết quả").set_input_files(str(result))
    page.get_by_label("Mật khẩu khóa ký số").fill(DEV_PASSPHRASE)
    page.get_by_role("button", name="Ký số và vào sổ kết quả").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã ký số và vào sổ kết quả điện tử.")).to_be_visible()
    expect(page.get_by_role("link", name="phieu-lltp-da-ky.pdf")).to_be_visible()


def download_verify_and_rate(page, dossier: Dossier, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, CITIZEN, CITIZEN_PASSWORD)
    page.goto(f"/dich-vu-cong/ho-so/{dossier.pk}/")
    expect(page.get_by_text("đã thanh toán", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải kết quả điện tử đã ký số").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    pdfsig = shutil.which("pdfsig") or "/usr/bin/pdfsig"
    out = subprocess.run(  # noqa: S603 (a fixed tool on a file made by the test)
        [pdfsig, str(saved)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 1, out
    page.reload()
    expect(page.get_by_text("Đã trả kết quả")).to_be_visible()  # returned online by the download
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn bạn đã đánh giá.")).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.state == "returned" and dossier.rating.score == 5
    assert dossier.result_electronic and dossier.digitised
    last = dossier.events.filter(action="return_result").get()
    assert last.data["return_channel"] == 2


def test_level4_paid_and_returned_from_the_gateway(page, level4, tmp_path, screenshot):  # type: ignore[no-untyped-def]
    dossier = file_level4(page)
    open_gateway(page)
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã thanh toán")).to_be_visible()  # settled by the notification
    screenshot(page, "level4-paid")
    assert Payment.objects.get().state == "paid"
    process_and_sign(page, dossier, tmp_path)
    download_verify_and_rate(page, dossier, tmp_path)
    screenshot(page, "level4-rated")


def test_level4_tab_closed_on_the_gateway_then_reconciled(page, level4, tmp_path):  # type: ignore[no-untyped-def]
    dossier = file_level4(page)
    open_gateway(page)
    page.get_by_role("button", name="Thanh toán rồi đóng trình duyệt").click()
    page.wait_for_load_state()
    context = page.context
    page.close()  # the applicant never comes back from the gateway
    assert Payment.objects.get().state == "pending"  # no return, no notification
    report = payments.reconcile_pending(min_age_seconds=0)  # the periodic job
    assert report.counts == {"paid": 1}
    page = context.new_page()
    process_and_sign(page, dossier, tmp_path)
    download_verify_and_rate(page, dossier, tmp_path)
