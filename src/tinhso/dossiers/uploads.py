"""What an uploaded file really is, judged by its content, not its name (pure: no Django).

Accepted: PDF, JPEG, PNG, DOCX, XLSX. Refused: anything else (executables first of all),
encrypted documents (their content cannot be checked), PDFs that carry scripts or launch
actions, Office files with macros.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from tinhso.core import pdfsafety

KINDS = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa",
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office, and encrypted OOXML


class UploadRejected(ValueError):
    """`code`: too_large, empty, executable, encrypted, active_content, unknown_type."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Checked:
    kind: str
    content_type: str


def check(data: bytes, *, max_bytes: int) -> Checked:
    """The kind of `data`, or UploadRejected saying why it is refused."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > max_bytes:
        raise UploadRejected("too_large")
    if data.startswith(_EXECUTABLE_MAGIC):
        raise UploadRejected("executable")
    if data.startswith(_OLE_MAGIC):
        raise UploadRejected("encrypted")  # encrypted OOXML; legacy .doc/.xls are not accepted
    if data.startswith(b"%PDF-"):
        problem = pdfsafety.scan_bytes(data)  # "encrypted" or "active_content"
        if problem:
            raise UploadRejected(problem)
        return Checked("pdf", KINDS["pdf"])
    if data.startswith(b"\xff\xd8\xff"):
        return Checked("jpeg", KINDS["jpeg"])
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Checked("png", KINDS["png"])
    if data.startswith(b"PK\x03\x04"):
        return _check_office(data)
    raise UploadRejected("unknown_type")


def _check_office(data: bytes) -> Checked:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            encrypted = any(info.flag_bits & 0x1 for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise UploadRejected("unknown_type") from error
    if encrypted:
        raise UploadRejected("encrypted")
    if "[Content_Types].xml" not in names:
        raise UploadRejected("unknown_type")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UploadRejected("active_content")
    if any(name.startswith("word/") for name in names):
        return Checked("docx", KINDS["docx"])
    if any(name.startswith("xl/") for name in names):
        return Checked("xlsx", KINDS["xlsx"])
    raise UploadRejected("unknown_type")
