"""The applicant's journey: sign up, verify, file online with files, follow, supplement,
withdraw, rate."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.directory.models import Applicant, User
from tinhso.dossiers.models import Attachment, Dossier
from tinhso.dossiers.services import dossier_act, dossier_receive
from tinhso.dossiers.tests.conftest import FORM, LLTP

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF"
PASSWORD = "mot-mat-khau-dai-9"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def sign_up(client, **changes):
    data = {
        "kind": "citizen",
        "identifier": "091190000555",
        "name": "Đỗ Thị Mai",
        "email": "mai@example.vn",
        "password": PASSWORD,
        **changes,
    }
    return client.post("/dang-ky/", data)


def test_sign_up_verify_and_sign_in(client, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 200 and "mai@example.vn" in response.content.decode()
    user = User.objects.get(username="091190000555")
    assert not user.is_active
    assert not client.login(username="091190000555", password=PASSWORD)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mai@example.vn"]
    link = re.search(r"http://testserver(/dang-ky/xac-thuc/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 302
    assert client.login(username="091190000555", password=PASSWORD)
    assert Applicant.objects.get(identifier="091190000555").user == user


def test_sign_up_errors_name_the_fields(client, office):
    html = sign_up(
        client, identifier="123", name=" ", email="khong-co", password="123"
    ).content.decode()
    for message in (
        "Số CCCD phải có đúng 12 chữ số.",
        "Họ tên / tên tổ chức không được để trống.",
        "Địa chỉ thư điện tử không hợp lệ.",
    ):
        assert message in html
    assert html.count('aria-invalid="true"') == 4
    assert not User.objects.filter(username="123").exists() and mail.outbox == []


def test_a_known_applicant_signs_up_once(client, office):
    # the applicant of the `office` fixture was registered at the counter: sign-up links to it
    assert sign_up(client, identifier="091185000123", name="Lê Thị Hoa").status_code == 200
    assert Applicant.objects.get(identifier="091185000123").user.username == "091185000123"
    again = sign_up(client, identifier="091185000123", name="Lê Thị Hoa", email="khac@example.vn")
    assert "Mã định danh này đã có tài khoản" in again.content.decode()


def test_a_forged_link_activates_nothing(client, office):
    sign_up(client)
    response = client.get("/dang-ky/xac-thuc/gia-mao/")
    assert response.status_code == 400 and "Liên kết không hợp lệ." in response.content.decode()
    assert not User.objects.get(username="091190000555").is_active


@pytest.fixture
def citizen(client, office):
    user = User.objects.create_user(
        username="091185000123", password=PASSWORD, full_name="Lê Thị Hoa"
    )
    office["applicant"].user = user
    office["applicant"].save()
    client.force_login(user)
    return user


def file_post(office, **files):
    documents = list(office["procedure"].required_documents.all())
    data = {"organ": office["organ"].pk, **{f"f_{k}": v for k, v in FORM.items()}}
    for d in documents:
        data[f"document_{d.pk}"] = files.get(
            str(d.order), SimpleUploadedFile(f"to-khai-{d.order}.pdf", PDF)
        )
    return data


def test_file_online_with_files(client, office, citizen):
    page = client.get(f"/dich-vu-cong/nop/{LLTP}/").content.decode()
    assert 'type="file"' in page and "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in page
    response = client.post(f"/dich-vu-cong/nop/{LLTP}/", file_post(office))
    dossier = Dossier.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/dich-vu-cong/ho-so/{dossier.pk}/"
    )
    assert dossier.state == "submitted"
    assert sorted(a.original_name for a in dossier.attachments.all()) == [
        "to-khai-1.pdf",
        "to-khai-2.pdf",
    ]
    attachment = dossier.attachments.first()
    assert attachment.content_type == "application/pdf" and attachment.file.read() == PDF
    listing = client.get("/dich-vu-cong/ho-so/").content.decode()
    assert "Đã nộp, chờ tiếp nhận" in listing


def test_a_bad_file_refuses_the_whole_filing(client, office, citizen):
    exe = SimpleUploadedFile("anh.pdf", b"MZ\x90\x00" + b"\x00" * 50)
    response = client.post(f"/dich-vu-cong/nop/{LLTP}/", file_post(office, **{"1": exe}))
    assert response.status_code == 200
    assert "Tệp «anh.pdf» là chương trình chạy được" in response.content.decode()
    assert Dossier.objects.count() == 0 and Attachment.objects.count() == 0


def test_required_document_missing(client, office, citizen):
    data = file_post(office)
    first = office["procedure"].required_documents.get(order=1)
    del data[f"document_{first.pk}"]
    response = client.post(f"/dich-vu-cong/nop/{LLTP}/", data)
    assert "Cần đính kèm «Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp»." in response.content.decode()
    assert Dossier.objects.count() == 0


def test_supplement_withdraw_and_rate(client, office, citizen):
    client.post(f"/dich-vu-cong/nop/{LLTP}/", file_post(office))
    dossier = Dossier.objects.get()
    officer = office["one_stop_officer"].user
    dossier = dossier_receive(dossier=dossier, officer=officer)
    dossier_act(
        dossier=dossier, officer=officer, action="request_supplement", note="Thiếu bản chụp CCCD"
    )
    page = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert "Thiếu bản chụp CCCD" in page
    client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/bo-sung/",
        {"files": SimpleUploadedFile("cccd.pdf", PDF), "note": "Đã bổ sung"},
    )
    dossier.refresh_from_db()
    assert dossier.state == "processing"
    assert dossier.attachments.filter(kind="supplement").count() == 1
    for action in ("forward", "forward", "approve", "register_result", "return_result"):
        role = {"forward": None, "approve": "leader"}.get(action)
        who = office[role].user if role else None
        dossier = Dossier.objects.get()
        step_role = dossier.procedure.steps.get(key=dossier.step_key).role
        dossier_act(dossier=dossier, officer=who or office[step_role].user, action=action)
    client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"score": "5", "comment": "Nhanh"})
    assert Dossier.objects.get().rating.score == 5
    again = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"score": "1"}, follow=True)
    assert "Hồ sơ này đã được đánh giá." in again.content.decode()
    assert Dossier.objects.get().rating.score == 5


def test_withdraw_and_privacy(client, office, citizen):
    client.post(f"/dich-vu-cong/nop/{LLTP}/", file_post(office))
    dossier = Dossier.objects.get()
    client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/rut/", {"note": "Không cần nữa"})
    assert Dossier.objects.get().state == "withdrawn"
    other = User.objects.create_user(username="091190000999", password=PASSWORD)
    Applicant.objects.create(
        kind="citizen", identifier="091190000999", name="Người khác", user=other
    )
    client.force_login(other)
    assert client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").status_code == 404
