"""The search page (/backoffice/van-ban/tim-kiem/) and GET /api/v1/documents/search: what they
show, problem details naming the field, and who sees what."""

import pytest

from tinhso.documents import services, textextract
from tinhso.documents.tests.conftest import issued
from tinhso.documents.tests.samples import pdf_scan, pdf_with

pytestmark = pytest.mark.django_db
URL = "/api/v1/documents/search"
PAGE = "/backoffice/van-ban/tim-kiem/"


@pytest.fixture
def documents(org, clock, monkeypatch):
    monkeypatch.setattr(textextract, "ocr_available", lambda *a: False)
    issued(org, summary="V/v triển khai Nghị định về đăng ký đất đai")
    clock.at(2020, 11, 5, 9, 0)
    services.receive_paper(
        organ=org["province"],
        actor=org["clerk"].user,
        sender_name="Bộ Tài nguyên và Môi trường",
        sender_notation="1234/BTNMT-ĐĐ",
        type_name="Công văn",
        summary="Hướng dẫn đăng ký đất đai lần đầu",
        signer_name="Lê Minh Ngân",
        urgency="urgent",
        files=[
            ("quet.pdf", pdf_scan()),
            ("phu-luc.pdf", pdf_with("Phụ lục: mẫu đơn đăng ký biến động đất đai")),
        ],
    )


def test_api_search_with_its_shape(client, org, documents):
    client.force_login(org["chairman"].user)
    response = client.get(URL, {"q": "dang ky dat dai"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["more"], body["page"], body["pages"]) == (2, False, 1, 1)
    incoming = next(r for r in body["results"] if r["direction"] == "in")
    assert incoming["href"] == f"/api/v1/incoming-documents/{incoming['id']}"
    assert (incoming["notation"], incoming["number"], incoming["organ"]) == (
        "1234/BTNMT-ĐĐ",
        1,
        "000.00.00.H33",
    )
    assert (incoming["dated"], incoming["state"], incoming["state_label"]) == (
        "2020-11-05",
        "registered",
        "Đã vào sổ",
    )
    assert [p for p in incoming["summary_parts"] if p["match"]] == [
        {"text": "đăng", "match": True},
        {"text": "ký", "match": True},
        {"text": "đất", "match": True},
        {"text": "đai", "match": True},
    ]
    assert incoming["notices"] == [
        {
            "file": "quet.pdf",
            "code": "ocr_unavailable",
            "message": "Chưa nhận dạng chữ (OCR) bản quét: máy chủ chưa cài Tesseract với "
            "tiếng Việt.",
        }
    ]
    outgoing = next(r for r in body["results"] if r["direction"] == "out")
    assert (outgoing["notation"], outgoing["doc_type"], outgoing["type_name"]) == (
        "01/UBND-VP",
        "official_letter",
        "Công văn",
    )
    filtered = client.get(
        URL,
        {
            "q": "mau don",  # in the appendix only
            "direction": "in",
            "organ": "000.00.00.H33",
            "urgency": "urgent",
            "signer": "le minh ngan",
            "date_from": "2020-11-01",
            "date_to": "2020-11-30",
            "state": "registered",
            "page_size": 5,
        },
    ).json()
    assert [r["summary"] for r in filtered["results"]] == ["Hướng dẫn đăng ký đất đai lần đầu"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2020-13-45"}, "date_from"),
        ({"date_to": "hôm qua"}, "date_to"),
        ({"date_from": "2021-01-01", "date_to": "2020-01-01"}, "date_to"),
        ({"organ": "999.99.99.Z99"}, "organ"),
        ({"doc_type": "poem"}, "doc_type"),
        ({"state": "lost"}, "state"),
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
    ],
)
def test_api_bad_input_is_a_problem_naming_the_field(client, org, params, field):
    client.force_login(org["clerk"].user)
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_api_shows_only_what_the_caller_may_see(client, org, documents):
    client.force_login(org["outsider"].user)
    assert client.get(URL, {"q": "dang ky dat dai"}).json()["results"] == []
    client.force_login(org["justice_specialist"].user)
    assert client.get(URL, {"q": "dang ky dat dai"}).json()["count"] == 0
    client.logout()
    assert client.get(URL, {"q": "dang ky"}).status_code == 401


def test_the_page_form_results_and_notices(client, org, documents):
    client.force_login(org["chairman"].user)
    index = client.get("/backoffice/van-ban/").content.decode()
    assert f'href="{PAGE}"' in index
    empty = client.get(PAGE).content.decode()
    assert 'role="search"' in empty and "Kết quả" not in empty
    for field in ("q", "direction", "organ", "doc_type", "date_from", "date_to", "signer"):
        assert f'<label for="{field}">' in empty, field
    page = client.get(PAGE, {"q": "nghi dinh dang ky"}).content.decode()
    assert "1 văn bản phù hợp." in page
    assert "<mark>Nghị</mark> <mark>định</mark> về <mark>đăng</mark> <mark>ký</mark>" in page
    assert 'href="/backoffice/van-ban/di/' in page
    scanned = client.get(PAGE, {"q": "huong dan", "direction": "in"}).content.decode()
    assert "quet.pdf: Chưa nhận dạng chữ (OCR) bản quét" in scanned
    assert "/backoffice/van-ban/den/" in scanned


def test_the_page_names_a_bad_field(client, org, documents):
    client.force_login(org["clerk"].user)
    response = client.get(PAGE, {"q": "dat dai", "date_from": "2020-02-31"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="date_from-error"' in page and 'aria-invalid="true"' in page
    assert "Kết quả" not in page
    later = client.get(PAGE, {"date_from": "2021-01-01", "date_to": "2020-01-01"})
    assert 'id="date_to-error"' in later.content.decode()


def test_the_page_pages(client, org, clock):
    for n in range(23):
        services.receive_paper(
            organ=org["province"],
            actor=org["clerk"].user,
            sender_name="Sở Nội vụ",
            summary=f"Báo cáo biên chế số {n}",
        )
    client.force_login(org["clerk"].user)
    first = client.get(PAGE, {"q": "bien che"}).content.decode()
    assert "23 văn bản phù hợp." in first
    assert "Trang 1/2" in first and "q=bien+che&amp;page=2" in first
    second = client.get(PAGE, {"q": "bien che", "page": 2}).content.decode()
    assert second.count("<mark>biên</mark> <mark>chế</mark> số") == 3
    beyond = client.get(PAGE, {"q": "bien che", "page": 9}).content.decode()
    assert "Trang 2/2" in beyond  # past the end: the last page


def test_the_page_needs_the_right_to_view_documents(client, org):
    client.force_login(org["one_stop"].user)
    assert client.get(PAGE, {"q": "x"}).status_code == 403


def test_the_detail_page_tells_what_search_could_not_read(client, org, documents):
    from tinhso.documents.models import Document, IncomingDocument

    client.force_login(org["clerk"].user)
    incoming = IncomingDocument.objects.get()
    page = client.get(f"/backoffice/van-ban/den/{incoming.pk}/").content.decode()
    assert "Tìm kiếm toàn văn:" in page
    assert "quet.pdf: Chưa nhận dạng chữ (OCR) bản quét" in page
    assert "phu-luc.pdf" not in page.split("Tìm kiếm toàn văn:")[1]  # read in full
    document = Document.objects.get()
    detail = client.get(f"/backoffice/van-ban/di/{document.pk}/").content.decode()
    assert "du-thao.pdf: Không đọc được nội dung tệp" in detail  # the fixture's dummy PDF
