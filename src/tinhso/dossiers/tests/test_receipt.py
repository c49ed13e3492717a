import io

import pytest
from pypdf import PdfReader

from tinhso.directory.models import User
from tinhso.dossiers.services import dossier_receive_at_counter
from tinhso.dossiers.tests.conftest import FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(office):
    return dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
    )


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_receipt_names_the_code_applicant_documents_and_due_date(client, office, dossier):
    client.force_login(office["one_stop_officer"].user)
    response = client.get(f"/backoffice/ho-so/{dossier.pk}/giay-tiep-nhan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(text_of(response.content).split())
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Lê Thị Hoa (091185000123)" in text
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in text
    from django.utils import timezone

    assert timezone.localtime(dossier.due_at).strftime("%d/%m/%Y") in text
    assert f"tra-cuu-ho-so/?ma={dossier.code}".replace("-", "") in text.replace("-", "").replace(
        " ", ""
    )


def test_the_applicant_gets_their_receipt_and_nobody_else(client, office, dossier):
    owner = User.objects.create_user(username="091185000123", password="x-mat-khau-1")
    office["applicant"].user = owner
    office["applicant"].save()
    client.force_login(owner)
    assert client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/giay-tiep-nhan.pdf").status_code == 200
    client.force_login(office["outsider"].user)
    assert client.get(f"/backoffice/ho-so/{dossier.pk}/giay-tiep-nhan.pdf").status_code == 404
