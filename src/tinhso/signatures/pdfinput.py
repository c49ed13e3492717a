"""The checks every PDF passes before it is signed or verified: it parses, it is not
encrypted, it carries no script, launch action or embedded file (`core.pdfsafety`).

The file is parsed once, by pyHanko, and the parsed reader (or incremental writer) is handed
on to the signing or verification step, so the checks cost no second parse.
"""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from tinhso.core import pdfsafety
from tinhso.signatures.errors import SignatureError

MAX_BYTES = 50 * 1024 * 1024


def _first_checks(pdf: bytes) -> None:
    if not pdf:
        raise SignatureError("empty")
    if len(pdf) > MAX_BYTES:
        raise SignatureError("too_large", mb=MAX_BYTES // (1024 * 1024))
    if b"%PDF-" not in pdf[:1024]:
        raise SignatureError("not_pdf", detail="thiếu phần đầu %PDF-")


def _refuse_hazards(reader: PdfFileReader) -> None:
    if reader.encrypted:
        raise SignatureError("encrypted")
    try:
        hazard = pdfsafety.find_hazard(trailer=reader.trailer_view, root=reader.root)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise SignatureError("not_pdf", detail=str(error) or type(error).__name__) from error
    if hazard is not None:
        raise SignatureError(hazard.code, where=hazard.where)


def open_for_reading(pdf: bytes) -> PdfFileReader:
    """A parsed reader of `pdf` once it passed every check; SignatureError otherwise."""
    _first_checks(pdf)
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=True)
        reader.root  # noqa: B018 (parses the catalogue: a file without one is refused here)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise SignatureError("not_pdf", detail=str(error) or type(error).__name__) from error
    _refuse_hazards(reader)
    return reader


def open_for_signing(pdf: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over `pdf` once it passed every check: what it writes is
    appended, so earlier signatures stay valid. SignatureError otherwise."""
    _first_checks(pdf)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=True)
        writer.prev.root  # noqa: B018
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise SignatureError("not_pdf", detail=str(error) or type(error).__name__) from error
    _refuse_hazards(writer.prev)
    return writer
