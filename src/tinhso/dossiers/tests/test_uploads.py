import io
import zipfile

import pytest

from tinhso.dossiers.uploads import UploadRejected, check

LIMIT = 1000


def office_zip(*names, encrypt_flag=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in names:
            archive.writestr(name, "x")
    data = bytearray(buffer.getvalue())
    if encrypt_flag:  # the "encrypted" bit of the first entry, local and central headers
        data[6] |= 0x1
        central = data.find(b"PK\x01\x02")
        data[central + 8] |= 0x1
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "pdf"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "png"),
        (office_zip("word/document.xml"), "docx"),
        (office_zip("xl/workbook.xml"), "xlsx"),
    ],
)
def test_accepted_kinds(data, kind):
    assert check(data, max_bytes=LIMIT).kind == kind


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"%PDF-" + b"x" * LIMIT, "too_large"),
        (b"MZ\x90\x00" + b"\x00" * 20, "executable"),
        (b"\x7fELF\x02\x01", "executable"),
        (b"#!/bin/sh\nrm -rf /", "executable"),
        (b"%PDF-1.7\n<< /Encrypt 5 0 R >>", "encrypted"),
        (b"%PDF-1.7\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", "active_content"),
        (b"%PDF-1.7\n<< /S /Launch /F (cmd.exe) >>", "active_content"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "encrypted"),
        (office_zip("word/document.xml", "word/vbaProject.bin"), "active_content"),
        (office_zip("word/document.xml", encrypt_flag=True), "encrypted"),
        (office_zip("other/thing.xml"), "unknown_type"),
        (b"PK\x03\x04 not a zip", "unknown_type"),
        (b"<html><script>alert(1)</script>", "unknown_type"),
        (b"GIF89a", "unknown_type"),
    ],
)
def test_refused(data, code):
    with pytest.raises(UploadRejected) as error:
        check(data, max_bytes=LIMIT)
    assert error.value.code == code
