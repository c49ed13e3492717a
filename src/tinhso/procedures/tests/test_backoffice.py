"""The back-office catalogue page: export (JSON, Excel), import all-or-nothing, permissions."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tinhso.core.models import AuditEntry
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.procedures import catalogue_io, services
from tinhso.procedures.models import Procedure
from tinhso.procedures.seeding import DATA

pytestmark = pytest.mark.django_db
DEMO = json.loads(Path(DATA).read_text(encoding="utf-8"))
PAGE = "/backoffice/thu-tuc/"


@pytest.fixture
def catalogue(organ_tree):
    from tinhso.directory.models import OrganIdentifier

    OrganIdentifier.objects.create(
        organ=organ_tree["department"], scheme="qcvn102", value="000.00.03.H33"
    )
    OrganIdentifier.objects.create(
        organ=organ_tree["province"], scheme="qcvn102", value="000.00.09.H33"
    )
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    return organ_tree


@pytest.fixture
def admin_official(catalogue):
    province = catalogue["province"]
    return OfficialFactory(organ=province, roles=[("administrator", province, True)]).user


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("leader", 403), ("specialist", 403), ("one_stop_officer", 403)],
)
def test_only_administrators_manage_the_catalogue(client, catalogue, role, status):
    organ = catalogue["province"]
    client.force_login(OfficialFactory(organ=organ, roles=[(role, organ, True)]).user)
    assert client.get(PAGE).status_code == status
    assert client.get(PAGE + "xuat.json").status_code == status
    assert client.get(PAGE + "xuat.xlsx").status_code == status
    upload = SimpleUploadedFile("c.json", catalogue_io.dumps(DEMO).encode())
    assert client.post(PAGE + "nhap/", {"file": upload}).status_code in (status, 302)
    nav_link = f'href="{PAGE}"' in client.get("/backoffice/").content.decode()
    assert nav_link is (status == 200)


def test_anonymous_is_sent_to_sign_in(client, catalogue):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_export_json_and_excel_round_trip(client, catalogue, admin_official):
    client.force_login(admin_official)
    page = client.get(PAGE).content.decode()
    assert "Đang áp dụng 6 thủ tục." in page
    exported = client.get(PAGE + "xuat.json")
    assert exported["Content-Type"] == "application/json"
    assert exported["Content-Disposition"].startswith('attachment; filename="danh-muc-thu-tuc-')
    document = json.loads(exported.content)
    assert sorted(p["code"] for p in document["procedures"]) == sorted(
        p["code"] for p in DEMO["procedures"]
    )
    workbook = client.get(PAGE + "xuat.xlsx")
    assert workbook["Content-Type"] == services.XLSX_MIME
    assert "Thủ tục" in load_workbook(io.BytesIO(workbook.content)).sheetnames
    # Importing what was exported changes nothing but says so.
    upload = SimpleUploadedFile("danh-muc.xlsx", workbook.content)
    response = client.post(PAGE + "nhap/", {"file": upload}, follow=True)
    assert messages_of(response) == ["Đã nhập 6 thủ tục: 0 thêm mới, 6 cập nhật."]


def test_import_adds_and_updates_and_is_audited(client, catalogue, admin_official):
    client.force_login(admin_official)
    changed = copy.deepcopy(DEMO)
    first = changed["procedures"][0]
    first["time_limit"] = 3
    extra = {**copy.deepcopy(first), "code": "1.999999.000.00.00.H33", "name": "Thủ tục thử"}
    changed["procedures"].append(extra)
    upload = SimpleUploadedFile("moi.json", catalogue_io.dumps(changed).encode())
    response = client.post(PAGE + "nhap/", {"file": upload}, follow=True)
    assert messages_of(response) == ["Đã nhập 7 thủ tục: 1 thêm mới, 6 cập nhật."]
    assert Procedure.objects.get(code=first["code"]).time_limit == 3
    assert Procedure.objects.filter(code="1.999999.000.00.00.H33").exists()
    entry = AuditEntry.objects.filter(action="procedures.import").latest("pk")
    assert entry.actor_id == admin_official.pk
    assert entry.data == {"procedures": 7, "created": 1}


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("danh-muc.csv", b"code,name", "file"),
        ("danh-muc.json", b"", "file"),
        ("danh-muc.json", b'{"procedures": [', "json:1:17"),
        ("danh-muc.xlsx", b"PK not a workbook", "xlsx"),
    ],
)
def test_a_bad_file_changes_nothing_and_names_the_place(
    client, catalogue, admin_official, name, content, where
):
    client.force_login(admin_official)
    before = list(Procedure.objects.values_list("code", "time_limit", "name").order_by("code"))
    response = client.post(PAGE + "nhap/", {"file": SimpleUploadedFile(name, content)}, follow=True)
    (message,) = messages_of(response)
    assert message.startswith(f"Không nhập được danh mục, không có gì thay đổi. Lỗi tại {where}: ")
    assert list(Procedure.objects.values_list("code", "time_limit", "name").order_by("code")) == (
        before
    )


def test_a_bad_procedure_in_a_good_file_changes_nothing(client, catalogue, admin_official):
    client.force_login(admin_official)
    changed = copy.deepcopy(DEMO)
    changed["procedures"][0]["time_limit"] = 2
    changed["procedures"][3]["time_limit"] = "mười"
    upload = SimpleUploadedFile("sai.json", catalogue_io.dumps(changed).encode())
    response = client.post(PAGE + "nhap/", {"file": upload}, follow=True)
    (message,) = messages_of(response)
    assert "procedures[3].time_limit" in message
    assert Procedure.objects.get(code=changed["procedures"][0]["code"]).time_limit != 2


def test_too_large_a_file_is_refused_unread(client, catalogue, admin_official, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILE_BYTES", 1000)
    client.force_login(admin_official)
    big = SimpleUploadedFile("lon.json", b" " * 1001)
    response = client.post(PAGE + "nhap/", {"file": big}, follow=True)
    assert messages_of(response) == [
        "Không nhập được danh mục, không có gì thay đổi. Lỗi tại file: tệp lớn hơn 0 MB."
    ]


def test_no_file_chosen(client, catalogue, admin_official):
    client.force_login(admin_official)
    response = client.post(PAGE + "nhap/", {}, follow=True)
    assert messages_of(response) == ["Tệp: hãy chọn tệp danh mục (.json hoặc .xlsx)."]
