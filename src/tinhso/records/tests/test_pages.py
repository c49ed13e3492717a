"""Page counts of filed files."""

import io

from tinhso.records.pages import count_pages
from tinhso.records.tests.conftest import docx_bytes, pdf_bytes


def test_pdf_pages_are_counted():
    assert count_pages(io.BytesIO(pdf_bytes(3)), "pdf") == 3
    assert count_pages(io.BytesIO(pdf_bytes(1)), "pdf") == 1


def test_docx_tells_its_pages_when_word_saved_them():
    assert count_pages(io.BytesIO(docx_bytes(7)), "docx") == 7
    assert count_pages(io.BytesIO(docx_bytes()), "docx") is None


def test_unreadable_files_count_as_unknown():
    assert count_pages(io.BytesIO(b"%PDF-1.4 broken"), "pdf") is None
    assert count_pages(io.BytesIO(b"not a zip"), "docx") is None
    assert count_pages(io.BytesIO(pdf_bytes(2)), "xlsx") is None
