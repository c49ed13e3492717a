"""What a document file really is, judged by its content (pure: no Django imports).

Official documents are drafted and issued as DOCX or PDF only. Refused: anything else, empty
or oversized files, encrypted ones (their content cannot be checked or archived), PDFs with
scripts, launch actions or embedded files (the raw-bytes scan of `core.pdfsafety`, shared with
the one-stop upload check), DOCX with macros. Apart from `dossiers/uploads.py`, which accepts
images and spreadsheets too, because documents may not import dossiers and accept less.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from tinhso.core import pdfsafety

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRefused(ValueError):
    """`code`: empty, too_large, encrypted, active_content, unknown_type."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # "pdf" or "docx"
    content_type: str


def check_document_file(data: bytes, *, max_bytes: int) -> CheckedFile:
    """The kind of `data` (PDF or DOCX), or FileRefused saying why it is refused."""
    if not data:
        raise FileRefused("empty")
    if len(data) > max_bytes:
        raise FileRefused("too_large")
    if data.startswith(_OLE_MAGIC):
        raise FileRefused("encrypted")  # encrypted OOXML (legacy .doc is not accepted either)
    if data.startswith(b"%PDF-"):
        problem = pdfsafety.scan_bytes(data)  # "encrypted" or "active_content"
        if problem:
            raise FileRefused(problem)
        return CheckedFile("pdf", PDF)
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                encrypted = any(info.flag_bits & 0x1 for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError) as error:
            raise FileRefused("unknown_type") from error
        if encrypted:
            raise FileRefused("encrypted")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise FileRefused("active_content")
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return CheckedFile("docx", DOCX)
    raise FileRefused("unknown_type")
