"""The page of Vietnamese administrative papers as DOCX (python-docx; no Django): A4, the
Decree 30/2020 margins (20 mm top and bottom, 30 mm left, 15 mm right), Times New Roman, the
national title and motto. Official documents (`documents.compose`) and the declaration forms
of the catalogue (`procedures.declaration`) are both built on it.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
RIGHT, JUSTIFY = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY


def new_document() -> Any:
    """An empty A4 document with the Decree 30 margins and Times New Roman 14 as Normal."""
    document = new_docx()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    return document


def line(
    where: Any,
    text: str,
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = CENTER,
    first: bool = False,
) -> Paragraph:
    """Add a paragraph of one run to a document or a table cell (`first`: fill the cell's own
    empty first paragraph instead)."""
    paragraph: Paragraph = where.paragraphs[0] if first else where.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    return paragraph


def national_heading(where: Any, *, first: bool = False) -> None:
    """The national title (bold capitals), the motto (bold) and a short rule under it."""
    line(where, NATIONAL_TITLE, bold=True, first=first)
    line(where, MOTTO, size=14, bold=True)
    line(where, "―――――――――――", size=10)


def to_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
