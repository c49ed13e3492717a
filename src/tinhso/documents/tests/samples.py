"""Real PDF and DOCX files for the search and extraction tests: Vietnamese text in an
embedded font (fpdf2), a scan without a text layer, a DOCX with a table and a header."""

from __future__ import annotations

import io
from functools import cache

import docx
from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT
from fpdf import FPDF

FONT = str(FONT_ROOT / "files" / "BeVietnamPro-Regular.ttf")


@cache
def pdf_with(*pages: str) -> bytes:
    """A PDF with one A4 page of Vietnamese text per argument."""
    pdf = FPDF(format="A4")
    pdf.add_font("BeVietnamPro", "", FONT)
    for text in pages:
        pdf.add_page()
        pdf.set_font("BeVietnamPro", size=12)
        pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


@cache
def pdf_scan() -> bytes:
    """A PDF as a scanner makes it: a page of drawing, no text layer."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    for row in range(30):
        pdf.rect(20, 20 + row * 8, 170 - (row % 5) * 20, 3, style="F")
    return bytes(pdf.output())


def docx_with(text: str, *, table: str = "", header: str = "") -> bytes:
    """A DOCX with `text` as a paragraph, `table` in a table cell, `header` in the header."""
    document = docx.Document()
    document.add_paragraph(text)
    if table:
        document.add_table(rows=1, cols=2).cell(0, 1).text = table
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
