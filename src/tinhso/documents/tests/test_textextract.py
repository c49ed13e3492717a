"""Text extraction (pure module): PDF and DOCX text, limits, bad files, OCR only with
Tesseract's Vietnamese model (faked here: it is not installed on build machines)."""

import io
import shutil
import stat
import time
import zipfile

import pytest

from tinhso.documents import textextract
from tinhso.documents.tests.samples import docx_with, pdf_scan, pdf_with
from tinhso.documents.textextract import Limits, Reason, extract_text

LETTER = "Căn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư, Ủy ban nhân dân tỉnh đề nghị."


def test_pdf_text_page_by_page():
    result = extract_text(pdf_with(LETTER, "Trang hai: đường ven biển"))
    assert (result.reason, result.pages, result.ocr) == ("", 2, False)
    assert "Nghị định số 30/2020/NĐ-CP" in result.text
    assert result.text.index("Ủy ban") < result.text.index("Trang hai")


def test_docx_body_table_and_header_in_order():
    data = docx_with("Đoạn đầu: phòng chống bão", table="Ô bảng: sơ tán dân", header="Mật")
    result = extract_text(data)
    assert result.reason == ""
    lines = result.text.splitlines()
    assert lines == ["Đoạn đầu: phòng chống bão", "Ô bảng: sơ tán dân", "Mật"]


def test_kind_is_found_from_the_content():
    assert textextract.kind_of(pdf_with(LETTER)) == "pdf"
    assert textextract.kind_of(docx_with("x")) == "docx"
    assert textextract.kind_of(b"PK\x03\x04 not a zip") is None
    assert extract_text(b"GIF89a....") == textextract.Extracted("", Reason.UNSUPPORTED)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (pdf_with(LETTER)[:500], Reason.UNREADABLE),  # cut short
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", Reason.UNREADABLE),
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, Reason.UNREADABLE),  # noise
        (docx_with(LETTER)[:300], Reason.UNREADABLE),  # a zip cut short
    ],
)
def test_a_bad_file_never_raises(data, reason):
    result = extract_text(data)
    assert (result.reason, result.text) == (reason, "")


def test_a_docx_with_broken_xml_is_unreadable():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body>")
    assert extract_text(out.getvalue()).reason == Reason.UNREADABLE


def test_limits_of_size_characters_and_inflation():
    data = pdf_with(LETTER)
    assert extract_text(data, limits=Limits(max_bytes=len(data) - 1)).reason == Reason.TOO_LARGE
    cut = extract_text(pdf_with(LETTER, LETTER), limits=Limits(max_chars=40))
    assert (cut.reason, len(cut.text) <= 40) == (Reason.TRUNCATED, True)
    assert cut.text == LETTER[:40].strip()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:t>" + "a" * 3_000_000 + "</w:t>")
    small = Limits(max_inflated=1_000_000)
    assert extract_text(bomb.getvalue(), limits=small).reason == Reason.TOO_LARGE
    pages = extract_text(pdf_with("một", "hai", "ba"), limits=Limits(max_pages=2))
    assert (pages.reason, pages.pages) == (Reason.TRUNCATED, 2)


def test_the_time_limit_stops_a_slow_parser(monkeypatch):
    from pypdf import PageObject

    def slow(self, *args, **kwargs):
        time.sleep(2)
        return "never"

    monkeypatch.setattr(PageObject, "extract_text", slow)
    started = time.monotonic()
    result = extract_text(pdf_with(LETTER), limits=Limits(seconds=0.2))
    assert result.reason == Reason.TIMEOUT
    assert time.monotonic() - started < 1.5  # stopped by the timer, not after the page


def test_a_scan_has_no_text_layer():
    result = extract_text(pdf_scan())
    assert (result.reason, result.pages, result.needs_ocr) == (Reason.NO_TEXT, 1, True)


def test_ocr_needs_tesseract_with_vietnamese(tmp_path, monkeypatch):
    textextract.ocr_available.cache_clear()
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract, no pdftoppm here
    assert not textextract.ocr_available()
    result = textextract.ocr_pdf(pdf_scan())
    assert (result.reason, result.text) == (Reason.OCR_UNAVAILABLE, "")
    assert textextract.NOTICES[Reason.OCR_UNAVAILABLE] == (
        "OCR skipped: Tesseract with Vietnamese not installed"
    )
    textextract.ocr_available.cache_clear()


def _fake_tesseract(folder, languages):
    script = folder / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then\n'
        '  echo "List of available languages in \\"/usr/share/tessdata/\\" (2):"\n'
        f"  printf '{languages}'\n"
        "  exit 0\n"
        "fi\n"
        'echo "Trang quét ${1##*/}: kè chống sạt lở"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_ocr_with_a_tesseract_that_reads_vietnamese(tmp_path, monkeypatch):
    renderer = shutil.which("pdftoppm")
    (tmp_path / "pdftoppm").symlink_to(renderer)
    _fake_tesseract(tmp_path, "eng\\nosd\\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    textextract.ocr_available.cache_clear()
    assert not textextract.ocr_available()  # English only: not enough
    _fake_tesseract(tmp_path, "eng\\nvie\\n")
    textextract.ocr_available.cache_clear()
    assert textextract.ocr_available()
    result = textextract.ocr_pdf(pdf_scan())
    assert (result.reason, result.pages, result.ocr) == ("", 1, True)
    assert result.text == "Trang quét page-1.png: kè chống sạt lở"
    textextract.ocr_available.cache_clear()
