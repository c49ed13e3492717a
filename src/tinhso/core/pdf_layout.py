"""The page of Vietnamese administrative papers as PDF (fpdf2; no Django): A4, the Be Vietnam
Pro font embedded (it ships as a Python package, so every machine renders the same; Times New
Roman, which Decree 30 names for the printed paper, is not freely redistributable, and the
DOCX of `core.docx_layout` keeps it), the national title and motto.

Used by the one-stop receipt (`dossiers.receipt`) and by documents rendered for signing
(`documents.compose.compose_pdf`).
"""

from __future__ import annotations

from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT
from fpdf import FPDF

from tinhso.core.docx_layout import MARGINS_MM, MOTTO, NATIONAL_TITLE

FONT = "BeVietnamPro"
STYLES = (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic"))


def new_pdf(*, title: str, margins_mm: dict[str, float] | None = None) -> FPDF:
    """An A4 PDF with its fonts loaded, the given margins (Decree 30's by default), the
    document title set and no page yet."""
    margins = margins_mm or MARGINS_MM
    pdf = FPDF(format="A4")
    pdf.set_margins(margins["left"], margins["top"], margins["right"])
    pdf.set_auto_page_break(True, margin=margins["bottom"])
    for style, name in STYLES:
        pdf.add_font(FONT, style, str(FONT_ROOT / "files" / f"BeVietnamPro-{name}.ttf"))
    pdf.set_title(title)
    pdf.set_creator("Tỉnh Số")
    return pdf


def national_heading(pdf: FPDF, *, x: float, width: float, size: float = 11) -> None:
    """The national title (bold capitals) and the motto (bold) under it, centred in the
    column starting at `x`, with a short rule below the motto."""
    pdf.set_x(x)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(width, size * 0.5, NATIONAL_TITLE, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", size + 1)
    pdf.multi_cell(width, size * 0.55, MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    rule(pdf, x=x, width=width, length=50)


def rule(pdf: FPDF, *, x: float, width: float, length: float) -> None:
    """A thin horizontal line of `length` mm centred in the column, then a little space."""
    y = pdf.get_y() + 0.8
    start = x + (width - length) / 2
    pdf.line(start, y, start + length, y)
    pdf.set_xy(x, y + 1.5)


def to_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
