from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from tinhso.directory.tests.factories import OfficialFactory, UserFactory
from tinhso.directory.tests.samples import load_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(tmp_path):
    load_sample(tmp_path)


def test_home_is_vietnamese_with_the_province_name(client, province):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "<h1>Cổng dịch vụ công Tỉnh Kiên Giang</h1>" in html
    assert "Bỏ qua, đến nội dung chính" in html


def test_english_is_selectable(client, province):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Public Service Portal" in html


@pytest.mark.parametrize(
    ("template", "value", "expected"),
    [
        ("{{ v }}", date(2020, 11, 3), "03/11/2020"),
        ("{% load vi_format %}{{ v|number_vi }}", 20917436, "20.917.436"),
        ("{{ v }}", 1926, "1926"),  # machine values (ids in forms) are never grouped
        ("{{ v|floatformat:1 }}", 98.6, "98,6"),
        ("{% load vi_format %}{{ v|percent_of:1000 }}", 986, "98,6%"),
        ("{% load vi_format %}{{ v|number_vi }}", 222279, "222.279"),
    ],
)
def test_vietnamese_formats(template, value, expected):
    with translation.override("vi"):
        assert Template(template).render(Context({"v": value})) == expected


def test_backoffice_needs_sign_in(client):
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/backoffice/"


def test_backoffice_refuses_an_account_that_is_not_an_official(client):
    client.force_login(UserFactory())
    response = client.get("/backoffice/")
    assert response.status_code == 403


def test_official_reaches_the_back_office(client, organ_tree):
    official = OfficialFactory(
        organ=organ_tree["district"], roles=[("leader", organ_tree["district"], True)]
    )
    client.force_login(official.user)
    html = client.get("/backoffice/").content.decode()
    assert f"Xin chào, {official.user.full_name}" in html
    assert "Lãnh đạo" in html
    assert "Số cơ quan, đơn vị trong phạm vi: 3" in html


def test_organ_list_shows_only_the_scope_and_exports_it(client, organ_tree):
    official = OfficialFactory(
        organ=organ_tree["district"], roles=[("leader", organ_tree["district"], True)]
    )
    client.force_login(official.user)
    html = client.get("/backoffice/organs/").content.decode()

    def row(key: str) -> str:  # an organ's own row: its name cell, then its short name
        return f"<td>{organ_tree[key].name}</td><td>{organ_tree[key].short_name}</td>"

    for key in ("district", "commune", "office"):
        assert row(key) in html
    for key in ("province", "department"):
        assert row(key) not in html
    export = client.get("/backoffice/organs/?format=csv")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeffMã định danh,Tên,Tên viết tắt,Cơ quan cấp trên")
    rows = text.strip().splitlines()[1:]
    assert sorted(r.split(",")[1] for r in rows) == sorted(
        organ_tree[k].name for k in ("district", "commune", "office")
    )


def test_admin_is_in_vietnamese(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get("/admin/").content.decode()
    assert '<html lang="vi"' in html
    assert "Danh mục hành chính" in html
    assert "Cơ quan, đơn vị" in html


def test_healthz_reports_a_dead_database(client, monkeypatch):
    from django.db import connection

    def broken():
        raise RuntimeError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_vietnamese_first_whatever_the_browser_prefers(client, province):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.cookies["django_language"] = "fr"
    assert '<html lang="vi">' in client.get("/").content.decode()
