"""The downloadable declaration form (DOCX) built from the procedure's JSON Schema."""

import copy
import io
import json
from pathlib import Path

import pytest
from docx import Document

from tinhso.procedures import catalogue_io
from tinhso.procedures.declaration import DOCX_MIME
from tinhso.procedures.seeding import DATA

pytestmark = pytest.mark.django_db
DEMO = json.loads(Path(DATA).read_text(encoding="utf-8"))
BIRTH = "1.001193.000.00.00.H33"  # birth registration, at the commune
LLTP = "2.000488.000.00.00.H33"  # judicial record extract, at the Department of Justice


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


def download(client, code):
    response = client.get(f"/thu-tuc/{code}/to-khai.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_MIME
    assert response["Content-Disposition"] == f'attachment; filename="to-khai-{code}.docx"'
    return Document(io.BytesIO(response.content))


def texts(document):
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            found.extend(p.text for p in cell.paragraphs)
    return found


def test_every_field_of_the_online_form_is_on_the_paper_form(client, catalogue):
    procedure = next(p for p in DEMO["procedures"] if p["code"] == LLTP)
    lines = texts(download(client, LLTP))
    assert lines[:3] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "―――――――――――",
    ]
    assert "TỜ KHAI" in lines
    assert procedure["name"].upper() in lines
    assert f"Kính gửi: {catalogue['department'].name}" in lines
    schema = procedure["form_schema"]
    for name, spec in schema["properties"].items():
        mark = " (*)" if name in schema["required"] else ""
        starts = f"{spec['title']}{mark}: "
        matching = [t for t in lines if t.startswith(starts)]
        assert len(matching) == 1, starts
        for choice in spec.get("enum", []):
            assert f"☐ {choice}" in matching[0]
    assert "NGƯỜI KHAI" in lines


def test_the_page_is_a4_with_the_decree_30_margins_in_times_new_roman(client, catalogue):
    document = download(client, BIRTH)
    section = document.sections[0]
    mm = [
        round(v.mm, 1)
        for v in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210.0, 297.0, 20.0, 20.0, 30.0, 15.0]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert {r.font.name for p in document.paragraphs for r in p.runs} == {"Times New Roman"}


def test_many_receiving_organs_leave_the_addressee_to_the_applicant(client, catalogue):
    from tinhso.directory.tests.factories import OrganFactory
    from tinhso.procedures.models import Procedure

    birth = Procedure.objects.get(code=BIRTH)
    birth.organs.add(*[OrganFactory(kind="commune_committee", level=3) for _ in range(4)])
    lines = texts(download(client, BIRTH))
    assert "Kính gửi: " + "…" * 30 in lines


def test_unknown_procedure_is_404(client, catalogue):
    assert client.get("/thu-tuc/9.999999.000.00.00.H33/to-khai.docx").status_code == 404


def test_the_procedure_page_links_the_docx(client, catalogue):
    page = client.get(f"/thu-tuc/{BIRTH}/").content.decode()
    assert f'href="/thu-tuc/{BIRTH}/to-khai.docx"' in page
