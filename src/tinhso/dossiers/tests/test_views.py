"""Back-office pages of the one-stop-shop and the public status page."""

import pytest
from django.core.cache import cache

from tinhso.directory.models import Applicant
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import FORM, LLTP

pytestmark = pytest.mark.django_db


def intake_post(office, **changes):
    data = {
        "thu_tuc": LLTP,
        "kind": "citizen",
        "identifier": "091190000777",
        "applicant_name": "Phạm Văn Tư",
        "organ": office["organ"].pk,
        "channel": "1",
        **{f"f_{k}": v for k, v in FORM.items()},
        "documents": [d.pk for d in office["procedure"].required_documents.all()],
    }
    data.update(changes)
    return data


def test_counter_intake_of_a_new_applicant(client, office):
    client.force_login(office["one_stop_officer"].user)
    page = client.get(f"/backoffice/tiep-nhan/?thu_tuc={LLTP}").content.decode()
    assert 'for="f-ho_ten"' in page and "Loại phiếu yêu cầu" in page
    response = client.post("/backoffice/tiep-nhan/", intake_post(office))
    dossier = Dossier.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/backoffice/ho-so/{dossier.pk}/"
    )
    assert dossier.applicant.name == "Phạm Văn Tư" and dossier.code.startswith("000.00.03.H33-")
    detail = client.get(response["Location"]).content.decode()
    assert dossier.code in detail and "Chuyển bước tiếp" in detail


def test_bad_intake_shows_every_error_and_writes_nothing(client, office):
    client.force_login(office["one_stop_officer"].user)
    response = client.post(
        "/backoffice/tiep-nhan/",
        intake_post(
            office,
            identifier="12345",
            applicant_name="",
            f_so_dinh_danh="1",
            f_muc_dich="",
            organ="",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Số CCCD phải có đúng 12 chữ số.",
        "Họ tên / tên tổ chức không được để trống.",
        "«Số định danh cá nhân (CCCD)» không đúng định dạng.",
        "«Mục đích sử dụng» là bắt buộc.",
        "Chọn cơ quan tiếp nhận.",
    ):
        assert message in html, message
    assert 'aria-invalid="true"' in html
    assert Dossier.objects.count() == 0
    assert not Applicant.objects.filter(identifier="12345").exists()


def test_actions_from_the_dossier_page(client, office):
    client.force_login(office["one_stop_officer"].user)
    client.post("/backoffice/tiep-nhan/", intake_post(office))
    dossier = Dossier.objects.get()
    response = client.post(
        f"/backoffice/ho-so/{dossier.pk}/thao-tac/",
        {"action": "forward", "version": dossier.version},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.step_key == "tham-dinh"
    stale = client.post(
        f"/backoffice/ho-so/{dossier.pk}/thao-tac/",
        {"action": "refuse", "note": "x", "version": 1},
        follow=True,
    )
    assert "vừa được người khác xử lý" in stale.content.decode()
    client.force_login(office["specialist"].user)
    queue = client.get("/backoffice/ho-so/").content.decode()
    assert dossier.code in queue
    export = client.get("/backoffice/ho-so/?format=csv").content.decode("utf-8")
    assert export.startswith("\ufeffMã hồ sơ,") and dossier.code in export


def test_outsiders_do_not_see_the_dossier(client, office):
    client.force_login(office["one_stop_officer"].user)
    client.post("/backoffice/tiep-nhan/", intake_post(office))
    dossier = Dossier.objects.get()
    client.force_login(office["outsider"].user)
    assert client.get(f"/backoffice/ho-so/{dossier.pk}/").status_code == 404
    assert dossier.code not in client.get("/backoffice/ho-so/").content.decode()


def test_public_status_page(client, office):
    cache.clear()
    client.force_login(office["one_stop_officer"].user)
    client.post("/backoffice/tiep-nhan/", intake_post(office))
    client.logout()
    dossier = Dossier.objects.get()
    html = client.get(f"/tra-cuu-ho-so/?ma={dossier.code}&so=091190000777").content.decode()
    assert "Đã tiếp nhận" in html and "Phạm Văn Tư" not in html
    wrong = client.get(f"/tra-cuu-ho-so/?ma={dossier.code}&so=091190000778").content.decode()
    assert "Không tìm thấy hồ sơ" in wrong
    cache.clear()


def test_the_completeness_check_names_the_missing_document(client, office):
    client.force_login(office["one_stop_officer"].user)
    first = office["procedure"].required_documents.get(order=1)
    response = client.post(
        "/backoffice/tiep-nhan/",
        intake_post(
            office,
            documents=[d.pk for d in office["procedure"].required_documents.exclude(pk=first.pk)],
        ),
    )
    assert f"Thiếu «{first.name}»." in response.content.decode()
    assert Dossier.objects.count() == 0


def test_the_return_channel_is_recorded(client, office):
    from tinhso.dossiers.services import dossier_act

    client.force_login(office["one_stop_officer"].user)
    client.post("/backoffice/tiep-nhan/", intake_post(office))
    dossier = Dossier.objects.get()
    assert dossier.events.get().data == {
        "documents": sorted(office["procedure"].required_documents.values_list("pk", flat=True))
    }
    for action, role in (
        ("forward", "one_stop_officer"),
        ("forward", "specialist"),
        ("approve", "leader"),
        ("register_result", "one_stop_officer"),
    ):
        dossier_act(dossier=Dossier.objects.get(), officer=office[role].user, action=action)
    client.post(
        f"/backoffice/ho-so/{dossier.pk}/thao-tac/",
        {"action": "return_result", "return_channel": "1"},
    )
    last = Dossier.objects.get().events.order_by("-pk").first()
    assert (last.action, last.data) == ("return_result", {"return_channel": 1})
    # By post (channel 3): dossiers/tests/test_postal.py.
