"""Document files judged by content: DOCX and PDF only, nothing active or encrypted."""

import pytest

from tinhso.documents.filecheck import DOCX, PDF, FileRefused, check_document_file
from tinhso.documents.tests.conftest import PDF as PDF_BYTES
from tinhso.documents.tests.conftest import docx_bytes


def test_accepted_kinds():
    assert check_document_file(PDF_BYTES, max_bytes=1000).content_type == PDF
    assert check_document_file(docx_bytes(), max_bytes=10_000).content_type == DOCX


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (PDF_BYTES * 100, "too_large"),
        (b"%PDF-1.7\n/Encrypt 5 0 R", "encrypted"),
        (b"%PDF-1.7\n<</S/JavaScript/JS(app.alert(1))>>", "active_content"),
        (b"%PDF-1.7\n<</S/Launch>>", "active_content"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "encrypted"),
        (b"MZ\x90\x00", "unknown_type"),
        (b"\x89PNG\r\n\x1a\n", "unknown_type"),
        (b"PK\x03\x04broken", "unknown_type"),
    ],
)
def test_refused(data, code):
    with pytest.raises(FileRefused) as error:
        check_document_file(data, max_bytes=1000)
    assert error.value.code == code


def test_docx_with_macros_or_a_spreadsheet_is_refused():
    import io
    import zipfile

    def archive(*names):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name in names:
                z.writestr(name, "x")
        return out.getvalue()

    with pytest.raises(FileRefused, match="active_content"):
        check_document_file(
            archive("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
            max_bytes=10_000,
        )
    with pytest.raises(FileRefused, match="unknown_type"):
        check_document_file(archive("[Content_Types].xml", "xl/workbook.xml"), max_bytes=10_000)
