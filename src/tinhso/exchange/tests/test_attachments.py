"""Attachments that cannot be unpacked or matched are refused (21, or 22 for the manifest)."""

from __future__ import annotations

import base64
import io
import struct
import zipfile

import pytest
from lxml import etree

from tinhso.exchange.edxml import NAMESPACE, EdxmlError, Limits, build, parse
from tinhso.exchange.edxml.attachments import digest
from tinhso.exchange.tests import strategies as s

NS = {"edXML": NAMESPACE}
BOMB_SIZE = 60 * 1024 * 1024  # over the default 50 MiB per attachment
WIRE = "edXML:AttachmentEncoded/edXML:Attachment"


def refused(data: bytes, limits: Limits | None = None) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse(data) if limits is None else parse(data, limits=limits)
    return caught.value


def tampered(
    *,
    zipped: bytes | None = None,
    size: int | None = None,
    digest_value: str | None = None,
    text: str | None = None,
) -> bytes:
    """The one-PDF example package with its attachment and manifest entry changed."""
    root = etree.fromstring(build(s.document(attachments=(s.PDF,))))
    wire = root.find("edXML:AttachmentEncoded/edXML:Attachment", NS)
    reference = root.find(".//edXML:Reference", NS)
    if zipped is not None:
        wire.text = base64.b64encode(zipped).decode()
    if text is not None:
        wire.text = text
    if size is not None:
        reference.find("edXML:Size", NS).text = str(size)
    if digest_value is not None:
        reference.find("edXML:DigestValue", NS).text = digest_value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def zip_of(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def _declare_size(zipped: bytes, size: int) -> bytes:
    """The ZIP with its one member's uncompressed size rewritten in both headers (a lie)."""
    data = bytearray(zipped)
    struct.pack_into("<I", data, 22, size)  # local file header
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, size)  # central directory
    return bytes(data)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """60 MiB of zeros, deflated to about 60 KiB."""
    return zip_of((s.PDF.name, bytes(BOMB_SIZE)))


def test_a_zip_bomb_declared_honestly_is_refused_before_unzipping(bomb: bytes) -> None:
    data = tampered(zipped=bomb, size=BOMB_SIZE, digest_value=digest(b"x"))
    assert len(data) < 200_000
    error = refused(data)
    assert (error.code, error.reason) == (21, "attachment_too_large")
    assert error.element == WIRE


def test_a_zip_bomb_under_a_false_manifest_size_is_refused(bomb: bytes) -> None:
    error = refused(tampered(zipped=bomb, size=1000, digest_value=digest(b"x")))
    assert (error.code, error.reason) == (21, "size")


def test_a_zip_bomb_lying_in_its_own_headers_stops_at_the_declared_size(bomb: bytes) -> None:
    """Both ZIP headers and the manifest say 1,000 bytes: reading stops there, and the CRC
    refuses the result, even with the digest of those 1,000 bytes. Nothing near 60 MiB is ever
    inflated."""
    data = tampered(zipped=_declare_size(bomb, 1000), size=1000, digest_value=digest(bytes(1000)))
    error = refused(data)
    assert (error.code, error.reason) == (21, "zip")
    assert "CRC" in error.message


def test_the_limits_apply_to_each_attachment_and_to_all_together() -> None:
    data = build(s.document(attachments=(s.PDF, s.APPENDIX)))
    pdf = len(s.PDF.content)
    error = refused(data, Limits(max_attachment_bytes=pdf - 1))
    assert (error.code, error.reason) == (21, "attachment_too_large")
    error = refused(data, Limits(max_total_attachment_bytes=pdf))
    assert (error.code, error.reason) == (21, "attachments_too_large")
    error = refused(data, Limits(max_attachments=1))
    assert (error.code, error.reason) == (21, "attachments")
    assert parse(data, limits=Limits(max_attachment_bytes=pdf, max_attachments=2))


def test_content_that_differs_from_the_manifest_digest_is_refused() -> None:
    error = refused(tampered(digest_value=digest(b"another file")))
    assert (error.code, error.reason) == (21, "digest")
    swapped = zip_of((s.PDF.name, b"%PDF-1.7 " + bytes(2048)))  # same size, other bytes
    assert refused(tampered(zipped=swapped)).reason == "digest"


@pytest.mark.parametrize(
    ("zipped", "reason"),
    [
        (b"%PDF-1.7 not zipped", "zip"),
        (zip_of(("a.pdf", b"1"), ("b.pdf", b"2")), "zip_members"),
        (zip_of(("../../etc/cron.d/x", s.PDF.content)), "zip_name"),
        (zip_of(("other.pdf", s.PDF.content)), "zip_name"),
    ],
    ids=["not-a-zip", "two-members", "path-traversal", "another-name"],
)
def test_a_zip_that_is_not_the_one_file_described_is_refused(zipped: bytes, reason: str) -> None:
    error = refused(tampered(zipped=zipped))
    assert (error.code, error.reason) == (21, reason)
    assert error.element == WIRE


def test_an_encrypted_zip_is_refused() -> None:
    data = bytearray(zip_of((s.PDF.name, s.PDF.content)))
    for offset in (6, data.index(b"PK\x01\x02") + 8):  # general purpose flags, both headers
        data[offset] |= 0x01
    assert refused(tampered(zipped=bytes(data))).reason == "zip_encrypted"


def test_text_that_is_not_base64_is_refused_by_the_schema() -> None:
    error = refused(tampered(text="@@@ not base64 @@@"))
    assert (error.code, error.reason) == (22, "schema")


def test_a_reference_without_its_attachment_is_refused() -> None:
    data = build(s.document(attachments=(s.PDF,))).replace(
        b'ContentId="attachment-1"', b'ContentId="attachment-9"'
    )
    error = refused(data)
    assert (error.code, error.reason) == (22, "reference")
    assert (
        error.element == "edXML:edXMLEnvelope/edXML:edXMLBody/edXML:edXMLManifest/edXML:Reference"
    )


def test_an_attachment_not_in_the_manifest_is_refused() -> None:
    data = build(s.document(attachments=(s.PDF, s.APPENDIX)))
    root = etree.fromstring(data)
    manifest = root.find(".//edXML:edXMLManifest", NS)
    manifest.remove(manifest[1])
    error = refused(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert (error.code, error.reason) == (22, "unreferenced")
    assert "attachment-2" in error.message


def test_two_attachments_with_one_content_id_are_refused() -> None:
    data = build(s.document(attachments=(s.PDF, s.APPENDIX))).replace(
        b'ContentId="attachment-2"', b'ContentId="attachment-1"'
    )
    assert (refused(data).code, refused(data).reason) == (22, "schema")
