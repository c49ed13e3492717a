"""Page counts of filed files, for the record's contents list (pure: no Django imports).

A PDF counts its pages (pypdf); a DOCX tells the count Word saved in `docProps/app.xml` when
it has one. Anything else, or a file that cannot be read, counts as unknown (None): the
official then gives the count by hand.
"""

from __future__ import annotations

import re
import zipfile
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError

_DOCX_PAGES = re.compile(rb"<(?:\w+:)?Pages>\s*(\d{1,6})\s*</(?:\w+:)?Pages>")
_APP_XML_LIMIT = 1024 * 1024


def count_pages(stream: BinaryIO, kind: str) -> int | None:
    """The page count of a seekable `stream` of `kind` "pdf" or "docx", or None."""
    try:
        if kind == "pdf":
            return len(PdfReader(stream).pages) or None
        if kind == "docx":
            with zipfile.ZipFile(stream) as archive:
                info = archive.getinfo("docProps/app.xml")
                if info.file_size > _APP_XML_LIMIT:
                    return None
                match = _DOCX_PAGES.search(archive.read(info))
            return (int(match.group(1)) or None) if match else None
    except (PyPdfError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    return None
