"""Attachments on the wire: each file zipped alone (one member, named as the attachment),
then base64, and described in the manifest by its size and SHA-256.

Writing is deterministic (fixed member time and attributes), so the same package always
gives the same bytes. Reading never trusts the ZIP: one member with the expected name, not
encrypted, stored or deflated, its declared size the manifest's and within the limits, read
in bounded chunks (a ZIP bomb stops at the limit), its digest the manifest's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from tinhso.exchange.edxml.errors import EdxmlError, ErrorCode
from tinhso.exchange.edxml.secure import MAX_TEXT_NODE, Limits

DIGEST_METHOD = "SHA-256"
ZIP_CONTENT_TYPE = "application/zip"
_MEMBER_TIME = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Encoded:
    """An attachment as written: the base64 text of its ZIP, and what the manifest says."""

    text: str
    size: int
    digest: str


def digest(content: bytes) -> str:
    """Base64 of the SHA-256 of `content`, as written in DigestValue."""
    return base64.b64encode(hashlib.sha256(content).digest()).decode("ascii")


def encode(name: str, content: bytes) -> Encoded:
    """Zip one file and base64 it. ValueError when the result cannot travel: receivers read
    at most MAX_TEXT_NODE characters of base64 per attachment."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member = zipfile.ZipInfo(name, date_time=_MEMBER_TIME)
        member.compress_type = zipfile.ZIP_DEFLATED
        member.create_system = 3
        member.external_attr = 0o644 << 16
        archive.writestr(member, content, compresslevel=6)
    text = base64.b64encode(buffer.getvalue()).decode("ascii")
    if len(text) > MAX_TEXT_NODE:
        raise ValueError(
            f"Attachment {name!r}: {len(text)} characters once zipped and encoded, over the "
            f"{MAX_TEXT_NODE} a hardened receiver reads"
        )
    return Encoded(text, len(content), digest(content))


def decode(
    text: str, *, name: str, size: int, expected_digest: str, limits: Limits, element: str
) -> bytes:
    """The file of one AttachmentEncoded/Attachment, checked against its manifest entry.

    Raises EdxmlError(21) naming `element` when it cannot be decoded, unzipped or matched."""

    def refuse(reason: str, message: str) -> EdxmlError:
        return EdxmlError(ErrorCode.FILE_PROCESSING, reason, message, element=element)

    if size > limits.max_attachment_bytes:
        raise refuse(
            "attachment_too_large", f"{size} bytes, over the limit of {limits.max_attachment_bytes}"
        )
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise refuse("base64", "the attachment is not valid base64") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refuse("zip", "the attachment is not a ZIP archive") from None
    with archive:
        members = archive.infolist()
        if len(members) != 1:
            raise refuse("zip_members", f"{len(members)} files in the ZIP, expected one")
        member = members[0]
        if member.filename != name:
            raise refuse("zip_name", f"the ZIP holds {member.filename!r}, not {name!r}")
        if member.flag_bits & 0x1:
            raise refuse("zip_encrypted", "an encrypted ZIP cannot be checked")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse("zip_method", f"compression method {member.compress_type} refused")
        if member.file_size != size:
            raise refuse("size", f"the ZIP says {member.file_size} bytes, the manifest {size}")
        content = _read_bounded(archive, member, size, refuse)
    if len(content) != size:
        raise refuse("size", f"{len(content)} bytes unzipped, the manifest says {size}")
    if digest(content) != expected_digest:
        raise refuse("digest", "the attachment's SHA-256 differs from the manifest's")
    return content


def _read_bounded(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    size: int,
    refuse: Callable[[str, str], EdxmlError],
) -> bytes:
    parts: list[bytes] = []
    total = 0
    try:
        with archive.open(member) as reader:
            while chunk := reader.read(_CHUNK):
                total += len(chunk)
                if total > size:  # more than declared: stop before it grows further
                    raise refuse("size", f"more than the declared {size} bytes")
                parts.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise refuse("zip", f"the ZIP cannot be read: {error}") from None
    return b"".join(parts)
