"""The text of document files, for search (pure: no Django imports).

- PDF: the text layer, page by page, with pypdf.
- DOCX: every paragraph of the body (tables included) in document order, then the headers
  and footers, with python-docx.
- A PDF without a text layer (a scan) is reported as `no_text`; `ocr_pdf` reads it with
  Tesseract's Vietnamese model (`vie`) over pages rendered by poppler's `pdftoppm`, and only
  when `ocr_available()` finds both (`tesseract --list-langs` lists `vie`). Nothing here
  installs or downloads anything.

Bounded: input size, pages, characters kept and time (checked between pages, and stopped
hard by an interval timer when running on the main thread; OCR subprocesses get a timeout).
A bad file never raises: the result is the text read so far (often empty) with a reason.
"""

from __future__ import annotations

import io
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import FrameType

PDF = "pdf"
DOCX = "docx"
OCR_LANGUAGE = "vie"
# A page with fewer letters or digits than this in its text layer counts as scanned.
SCANNED_CHARS_PER_PAGE = 10
_WORD = re.compile(r"\w")


class Reason(StrEnum):
    """Why the text is missing or partial ("" when it is whole)."""

    NONE = ""
    UNSUPPORTED = "unsupported"  # neither PDF nor DOCX
    TOO_LARGE = "too_large"  # over the size limit (or a DOCX that would inflate past it)
    ENCRYPTED = "encrypted"
    UNREADABLE = "unreadable"  # the parser gave up: a damaged or hostile file
    TIMEOUT = "timeout"  # the time ran out: the pages read so far are kept
    TRUNCATED = "truncated"  # more text than is kept, or more pages than are read
    NO_TEXT = "no_text"  # a PDF without a text layer (a scan): a case for OCR
    OCR_UNAVAILABLE = "ocr_unavailable"
    OCR_FAILED = "ocr_failed"


# What is written to logs and to the index entry's notices (the UI shows its own wording).
NOTICES: dict[Reason, str] = {
    Reason.UNSUPPORTED: "Text not extracted: not a PDF or DOCX file",
    Reason.TOO_LARGE: "Text not extracted: file over the size limit",
    Reason.ENCRYPTED: "Text not extracted: encrypted file",
    Reason.UNREADABLE: "Text not extracted: the file could not be read",
    Reason.TIMEOUT: "Text extraction stopped at the time limit; the text is partial",
    Reason.TRUNCATED: "Text extraction stopped at the size limit; the text is partial",
    Reason.NO_TEXT: "No text layer (scanned document); waiting for OCR",
    Reason.OCR_UNAVAILABLE: "OCR skipped: Tesseract with Vietnamese not installed",
    Reason.OCR_FAILED: "OCR failed; the scanned pages are not searchable",
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024  # the input file
    max_inflated: int = 200 * 1024 * 1024  # a DOCX's parts once unzipped, all together
    max_pages: int = 500
    max_chars: int = 200_000  # text kept per file
    seconds: float = 10.0  # text layer
    ocr_pages: int = 30
    ocr_seconds: float = 600.0
    ocr_dpi: int = 300


@dataclass(frozen=True)
class Extracted:
    text: str
    reason: str = Reason.NONE
    pages: int = 0
    ocr: bool = False

    @property
    def needs_ocr(self) -> bool:
        return self.reason == Reason.NO_TEXT


class _Timeout(BaseException):
    """Raised by the interval timer. A BaseException, so that a parser's broad `except
    Exception` cannot swallow it."""


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Timeout


@contextmanager
def _hard_deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds`, when this is the main thread and nobody else uses
    SIGALRM (then the checks between pages are the only bound)."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    )
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def kind_of(data: bytes) -> str | None:
    """PDF or DOCX by content, else None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04") and "word/document.xml" in (_zip_names(data) or ()):
        return DOCX
    return None


def extract_text(
    data: bytes, *, kind: str | None = None, limits: Limits | None = None
) -> Extracted:
    """The text of a PDF or DOCX file (`kind` found from the content when not given)."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        return Extracted("", Reason.TOO_LARGE)
    kind = kind or kind_of(data)
    if kind == PDF:
        return extract_pdf(data, limits)
    if kind == DOCX:
        return extract_docx(data, limits)
    if data.startswith(b"PK\x03\x04") and _zip_names(data) is None:
        return Extracted("", Reason.UNREADABLE)  # a damaged archive, perhaps a DOCX
    return Extracted("", Reason.UNSUPPORTED)


class _Collector:
    """Pieces of text up to `max_chars`, remembering whether some were cut."""

    def __init__(self, max_chars: int) -> None:
        self.pieces: list[str] = []
        self.size = 0
        self.max_chars = max_chars
        self.cut = False

    def add(self, piece: str) -> bool:
        """Keep `piece` (or its start); False once the limit is reached."""
        room = self.max_chars - self.size
        if len(piece) > room:
            piece, self.cut = piece[: max(room, 0)], True
        if piece:
            self.pieces.append(piece)
            self.size += len(piece) + 1
        return not self.cut

    def text(self) -> str:
        return "\n".join(self.pieces).strip()


def extract_pdf(data: bytes, limits: Limits | None = None) -> Extracted:
    """The text layer of a PDF, page by page. A PDF whose pages carry (almost) no text is
    reported `no_text`, with whatever little text it had."""
    limits = limits or Limits()
    from pypdf import PdfReader  # imported here: the module loads pypdf only when needed

    collected = _Collector(limits.max_chars)
    pages = 0
    reason = Reason.NONE
    started = time.monotonic()
    try:
        with _hard_deadline(limits.seconds):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return Extracted("", Reason.ENCRYPTED)
            total = len(reader.pages)
            if not total:
                return Extracted("", Reason.UNREADABLE)
            for index in range(min(total, limits.max_pages)):
                if time.monotonic() - started > limits.seconds:
                    reason = Reason.TIMEOUT
                    break
                pages += 1
                if not collected.add(reader.pages[index].extract_text() or ""):
                    reason = Reason.TRUNCATED
                    break
            else:
                if total > limits.max_pages:
                    reason = Reason.TRUNCATED
    except _Timeout:
        reason = Reason.TIMEOUT
    except Exception:  # any failure of the parser on a hostile file: "unreadable"
        return Extracted(collected.text(), Reason.UNREADABLE, pages)
    text = collected.text()
    if reason == Reason.NONE and pages and _letters(text) < SCANNED_CHARS_PER_PAGE * pages:
        reason = Reason.NO_TEXT
    return Extracted(text, reason, pages)


def _letters(text: str) -> int:
    return len(_WORD.findall(text))


def extract_docx(data: bytes, limits: Limits | None = None) -> Extracted:
    """The paragraphs of a DOCX (tables included, in document order), then its headers and
    footers. Refuses (`too_large`) an archive that would inflate past the limit."""
    limits = limits or Limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if any(info.flag_bits & 0x1 for info in infos):
                return Extracted("", Reason.ENCRYPTED)
            if sum(info.file_size for info in infos) > limits.max_inflated:
                return Extracted("", Reason.TOO_LARGE)
    except (zipfile.BadZipFile, ValueError, OSError):
        return Extracted("", Reason.UNREADABLE)
    import docx
    from docx.oxml.ns import qn

    collected = _Collector(limits.max_chars)
    reason = Reason.NONE
    started = time.monotonic()
    paragraph_tag, text_tag = qn("w:p"), qn("w:t")
    try:
        with _hard_deadline(limits.seconds):
            document = docx.Document(io.BytesIO(data))
            parts = [document.element.body]
            for section in document.sections:
                for part in (section.header, section.footer):
                    if not part.is_linked_to_previous:
                        parts.append(part._element)
            for element in parts:
                for paragraph in element.iter(paragraph_tag):
                    if time.monotonic() - started > limits.seconds:
                        raise _Timeout
                    line = "".join(t.text or "" for t in paragraph.iter(text_tag))
                    if line.strip() and not collected.add(line):
                        reason = Reason.TRUNCATED
                        break
                if reason:
                    break
    except _Timeout:
        reason = Reason.TIMEOUT
    except Exception:  # any failure of the parser on a hostile file: "unreadable"
        return Extracted(collected.text(), Reason.UNREADABLE)
    return Extracted(collected.text(), reason)


@lru_cache(maxsize=4)
def ocr_available(tesseract: str = "tesseract", renderer: str = "pdftoppm") -> bool:
    """Whether Tesseract with the Vietnamese model and poppler's pdftoppm are installed
    (remembered per process: `ocr_available.cache_clear()` after installing them)."""
    binary = shutil.which(tesseract)
    if binary is None or shutil.which(renderer) is None:
        return False
    try:
        listed = subprocess.run(  # noqa: S603 (a fixed command line, no shell)
            [binary, "--list-langs"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    output = (listed.stdout + listed.stderr).decode("utf-8", "replace")
    return OCR_LANGUAGE in {line.strip() for line in output.splitlines()}


def ocr_pdf(
    data: bytes,
    *,
    limits: Limits | None = None,
    tesseract: str = "tesseract",
    renderer: str = "pdftoppm",
) -> Extracted:
    """The text of a scanned PDF read by Tesseract (`vie`), page by page up to
    `limits.ocr_pages`. `ocr_unavailable` without Tesseract's Vietnamese model or pdftoppm,
    `ocr_failed` when a tool fails; never raises."""
    limits = limits or Limits()
    if not ocr_available(tesseract, renderer):
        return Extracted("", Reason.OCR_UNAVAILABLE)
    deadline = time.monotonic() + limits.ocr_seconds
    collected = _Collector(limits.max_chars)
    reason = Reason.NONE
    pages = 0
    with tempfile.TemporaryDirectory(prefix="tinhso-ocr-") as folder:
        source = Path(folder) / "scan.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(  # noqa: S603 (fixed arguments; the file is ours, in a temp dir)
                [
                    renderer,
                    "-r",
                    str(limits.ocr_dpi),
                    "-gray",
                    "-png",
                    "-l",
                    str(limits.ocr_pages),
                    str(source),
                    str(Path(folder) / "page"),
                ],
                capture_output=True,
                timeout=max(deadline - time.monotonic(), 1),
                check=True,
            )
            for image in sorted(Path(folder).glob("page*.png")):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    reason = Reason.TIMEOUT
                    break
                done = subprocess.run(  # noqa: S603
                    [tesseract, str(image), "stdout", "-l", OCR_LANGUAGE],
                    capture_output=True,
                    timeout=remaining,
                    check=True,
                )
                pages += 1
                if not collected.add(done.stdout.decode("utf-8", "replace")):
                    reason = Reason.TRUNCATED
                    break
        except subprocess.TimeoutExpired:
            reason = Reason.TIMEOUT
        except (OSError, subprocess.SubprocessError):
            return Extracted(collected.text(), Reason.OCR_FAILED, pages, ocr=True)
    return Extracted(collected.text(), reason, pages, ocr=True)
