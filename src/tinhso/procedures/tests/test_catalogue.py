"""Catalogue import and export (JSON and Excel), search, API and the demo seed."""

import copy
import json
from pathlib import Path

import pytest

from tinhso.procedures import catalogue_io, catalogue_xlsx
from tinhso.procedures.models import Fee, Procedure, ProcessStep, RequiredDocument, ServiceLevel
from tinhso.procedures.seeding import DATA, FULL, generated_document
from tinhso.procedures.selectors import procedure_search

pytestmark = pytest.mark.django_db
DEMO = json.loads(Path(DATA).read_text(encoding="utf-8"))


@pytest.fixture
def organs(organ_tree):
    """Give the demo's named organs (Sở Tư pháp, Sở Xây dựng) to the test tree."""
    from tinhso.directory.models import OrganIdentifier

    OrganIdentifier.objects.create(
        organ=organ_tree["department"], scheme="qcvn102", value="000.00.03.H33"
    )
    OrganIdentifier.objects.create(
        organ=organ_tree["province"], scheme="qcvn102", value="000.00.09.H33"
    )
    return organ_tree


def counts():
    return tuple(
        m.objects.count() for m in (Procedure, ServiceLevel, RequiredDocument, Fee, ProcessStep)
    )


def test_import_the_demo_and_again(organs):
    result = catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    assert result == {"procedures": 6, "created": 6, "updated": 0}
    first = counts()
    assert first == (6, 12, 14, 7, 24)  # LLTP has two fee lines
    assert catalogue_io.import_catalogue(copy.deepcopy(DEMO)) == {
        "procedures": 6,
        "created": 0,
        "updated": 6,
    }
    assert counts() == first
    permit = Procedure.objects.get(code="1.009994.000.00.00.H33")
    assert permit.steps.get(key="lay-y-kien").organ == organs["province"]
    assert permit.cutoff is None
    assert Procedure.objects.get(code="1.001193.000.00.00.H33").cutoff.strftime("%H:%M") == "15:00"


def test_json_round_trip(organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    exported = catalogue_io.export_catalogue()
    assert exported["format"] == catalogue_io.FORMAT
    by_code = {p["code"]: p for p in exported["procedures"]}
    for original in DEMO["procedures"]:
        again = by_code[original["code"]]
        for key in (
            "name",
            "field",
            "time_limit",
            "form_schema",
            "service_levels",
            "required_documents",
            "fees",
        ):
            assert again[key] == original[key], key
        assert [s["key"] for s in again["steps"]] == [s["key"] for s in original["steps"]]
    assert catalogue_io.loads(catalogue_io.dumps(exported)) == exported


def test_excel_round_trip(organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    document = catalogue_io.export_catalogue()
    back = catalogue_xlsx.from_xlsx(catalogue_xlsx.to_xlsx(document))
    assert back == document
    Procedure.objects.all().delete()
    assert catalogue_io.import_catalogue(back)["created"] == 6


def _broken(path, value):
    document = copy.deepcopy(DEMO)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("procedures", 2, "field"), "KHONGCO", "procedures[2].field"),
        (("procedures", 0, "competent_level"), "village", "procedures[0].competent_level"),
        (("procedures", 0, "time_limit"), -1, "procedures[0].time_limit"),
        (("procedures", 0, "cutoff"), "25:99", "procedures[0].cutoff"),
        (("procedures", 5, "organs"), ["000.00.77.H33"], "procedures[5].organs[0]"),
        (("procedures", 1, "form_schema"), {"type": "array"}, "procedures[1].form_schema"),
        (
            ("procedures", 3, "service_levels"),
            [{"kind": "9"}],
            "procedures[3].service_levels[0].kind",
        ),
        (
            ("procedures", 3, "fees"),
            [{"kind": "tip", "name": "x", "amount": 1}],
            "procedures[3].fees[0].kind",
        ),
        (("procedures", 4, "steps", 1, "role"), "boss", "procedures[4].steps[1].role"),
        (
            ("procedures", 4, "steps", 0, "transitions"),
            {"forward": "nowhere"},
            "procedures[4].steps[0].transitions",
        ),
        (("procedures", 1, "code"), "1.001193.000.00.00.H33", "procedures[1].code"),
        (
            ("procedures", 2, "electronic_result_required"),
            "có",
            "procedures[2].electronic_result_required",
        ),
        (("format",), "other/9", "format"),
    ],
)
def test_a_bad_document_writes_nothing_and_names_the_place(organs, path, value, where):
    with pytest.raises(catalogue_io.CatalogueError) as error:
        catalogue_io.import_catalogue(_broken(path, value))
    assert error.value.where == where
    assert counts() == (0, 0, 0, 0, 0)


def test_a_bad_workbook_names_the_cell(organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(catalogue_xlsx.to_xlsx(catalogue_io.export_catalogue())))
    book["Quy trình"]["H3"] = "[not json"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(catalogue_io.CatalogueError) as error:
        catalogue_xlsx.from_xlsx(out.getvalue())
    assert error.value.where == "Quy trình!H3"
    with pytest.raises(catalogue_io.CatalogueError) as error:
        catalogue_xlsx.from_xlsx(b"PK\x03\x04 not really a workbook")
    assert error.value.where == "xlsx"


def test_search_ignores_diacritics(organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    names = lambda q: [p.name for p in procedure_search(query=q)]  # noqa: E731
    assert names("dang ky khai sinh") == ["Đăng ký khai sinh"]
    assert names("ĐĂNG KÝ KHAI SINH") == ["Đăng ký khai sinh"]
    assert names("khai   sinh dang") == ["Đăng ký khai sinh"]
    assert names("giay phep xay dung") == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert names("2.000488") == ["Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"]
    assert names("khong co thu tuc nay") == []
    assert len(names("")) == 6


def test_online_filter_uses_the_level_in_force(organs):
    from datetime import date

    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    online_2020 = {p.code[:8] for p in procedure_search(online_on=date(2020, 11, 3))}
    assert online_2020 == {"1.001193", "2.000720", "1.009994", "2.000488"}
    online_2024 = {p.code[:8] for p in procedure_search(online_on=date(2024, 1, 1))}
    assert online_2024 == {"1.001193", "1.000894", "2.000815", "2.000720", "1.009994", "2.000488"}


def test_api_search_and_detail(client, organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    body = client.get("/api/v1/services?q=dang+ky+khai+sinh").json()
    assert body["count"] == 1
    assert body["items"][0] | {"level_today": None} == {
        "code": "1.001193.000.00.00.H33",
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "competent_level": "commune",
        "time_limit": 1,
        "time_unit": "working_days",
        "level_today": None,
        "online_filing": True,
    }
    detail = client.get("/api/v1/services/2.000720.000.00.00.H33").json()
    assert detail["fees"] == [
        {
            "kind": "charge",
            "name": "Lệ phí đăng ký hộ kinh doanh",
            "amount": 100000,
            "note": "Miễn khi nộp trực tuyến theo quy định của tỉnh",
        }
    ]
    assert [s["key"] for s in detail["steps"]] == ["tiep-nhan", "xu-ly", "ky", "tra"]
    missing = client.get("/api/v1/services/9.999")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    bad = client.get("/api/v1/services?level=village")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["level"]


def test_public_pages(client, organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    html = client.get("/thu-tuc/?q=dang+ky").content.decode()
    assert "Đăng ký khai sinh" in html and "Đăng ký kết hôn" in html
    assert "Cấp giấy phép xây dựng" not in html
    page = client.get("/thu-tuc/1.009994.000.00.00.H33/").content.decode()
    assert "Hai bộ bản vẽ thiết kế xây dựng" in page
    assert "50.000 đồng" in page
    form = client.get("/thu-tuc/1.001193.000.00.00.H33/to-khai/").content.decode()
    assert "Họ, chữ đệm, tên người được khai sinh (*)" in form
    assert client.get("/thu-tuc/9.999/").status_code == 404


def test_generated_catalogue_reaches_the_seed_report_figures():
    document = generated_document(demo=DEMO)
    levels = [p["service_levels"][0]["kind"] for p in DEMO["procedures"] + document["procedures"]]
    assert len(levels) == FULL["procedures"] == 2_132
    assert levels.count("3") == FULL["level_3"] == 373
    assert levels.count("4") == FULL["level_4"] == 274
    assert len({p["code"] for p in document["procedures"]}) == len(document["procedures"])


# --- the procedure flag of indicator 3.3 ---------------------------------------------------


def test_electronic_result_required_is_imported_exported_and_round_trips(organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    flagged = set(
        Procedure.objects.filter(electronic_result_required=True).values_list("code", flat=True)
    )
    assert flagged == {"2.000488.000.00.00.H33", "2.000720.000.00.00.H33"}
    exported = catalogue_io.export_catalogue()
    by_code = {p["code"]: p["electronic_result_required"] for p in exported["procedures"]}
    assert by_code == {p["code"]: p["code"] in flagged for p in DEMO["procedures"]}
    back = catalogue_xlsx.from_xlsx(catalogue_xlsx.to_xlsx(exported))
    assert [p["electronic_result_required"] for p in back["procedures"]] == list(by_code.values())
    # A document without the key clears the flag, as for every other field it lists.
    document = copy.deepcopy(DEMO)
    for p in document["procedures"]:
        p.pop("electronic_result_required", None)
    catalogue_io.import_catalogue(document)
    assert not Procedure.objects.filter(electronic_result_required=True).exists()
    catalogue_io.import_catalogue(back)
    assert Procedure.objects.filter(electronic_result_required=True).count() == 2


def test_a_workbook_from_before_the_flag_still_loads(organs):
    import io

    from openpyxl import load_workbook

    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    book = load_workbook(io.BytesIO(catalogue_xlsx.to_xlsx(catalogue_io.export_catalogue())))
    sheet = book["Thủ tục"]
    assert sheet.cell(1, sheet.max_column).value == "electronic_result_required"
    sheet.delete_cols(sheet.max_column)
    out = io.BytesIO()
    book.save(out)
    document = catalogue_xlsx.from_xlsx(out.getvalue())
    assert all("electronic_result_required" not in p for p in document["procedures"])
    catalogue_io.import_catalogue(document)
    assert not Procedure.objects.filter(electronic_result_required=True).exists()
    # A bad value in the column names its cell's procedure and writes nothing.
    book = load_workbook(io.BytesIO(catalogue_xlsx.to_xlsx(catalogue_io.export_catalogue())))
    sheet = book["Thủ tục"]
    sheet.cell(2, sheet.max_column).value = "có"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(catalogue_io.CatalogueError) as error:
        catalogue_io.import_catalogue(catalogue_xlsx.from_xlsx(out.getvalue()))
    assert error.value.where == "procedures[0].electronic_result_required"
    assert not Procedure.objects.filter(electronic_result_required=True).exists()


def test_the_admin_shows_and_edits_the_flag(admin_client, organs):
    catalogue_io.import_catalogue(copy.deepcopy(DEMO))
    page = admin_client.get("/admin/procedures/procedure/?electronic_result_required__exact=1")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2.000488.000.00.00.H33" in text and "1.001193.000.00.00.H33" not in text
    procedure = Procedure.objects.get(code="2.000488.000.00.00.H33")
    change = admin_client.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    assert 'name="electronic_result_required"' in change.content.decode()
