"""A document composed in the Decree 30/2020 layout, as DOCX (python-docx) and as PDF (fpdf2)
for signing; no Django.

The page (A4; margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman; the
national title and motto) is `core.docx_layout`, shared with the declaration forms. Top left: the
parent organ, the issuing organ (bold) and "Số: …"; top right: the national title and motto
(bold) and the place-and-date line (italic). Then the type name in bold capitals and the
summary (a công văn has no type name: its summary goes under the number as "V/v …"), the body,
and at the foot the "Nơi nhận:" list (ending "- Lưu: VT, …") beside the signing block
(marker, title, signer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt

from tinhso.core.docx_layout import JUSTIFY, LEFT, line, national_heading, new_document, to_bytes
from tinhso.core.pdf_layout import FONT, new_pdf
from tinhso.core.pdf_layout import national_heading as pdf_national_heading
from tinhso.core.pdf_layout import rule as pdf_rule
from tinhso.core.pdf_layout import to_bytes as pdf_bytes


@dataclass(frozen=True)
class Layout:
    """Everything printed on the document, already worded (see `services.outgoing`)."""

    organ: str
    number_line: str
    place_date_line: str
    summary: str
    parent_organ: str = ""
    type_name: str = ""  # "" for a công văn
    urgency: str = ""  # "HỎA TỐC", "THƯỢNG KHẨN", "KHẨN" or ""
    body: list[str] = field(default_factory=list)
    authority: list[str] = field(default_factory=list)  # e.g. ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)  # printed as "- <name>;"
    archive_line: str = "Lưu: VT."


def compose_docx(layout: Layout) -> bytes:
    """The DOCX bytes of `layout` in the Decree 30 layout (the page of `core.docx_layout`)."""
    document = new_document()
    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    if layout.parent_organ:
        line(left, layout.parent_organ.upper(), first=True)
        line(left, layout.organ.upper(), bold=True)
    else:
        line(left, layout.organ.upper(), bold=True, first=True)
    line(left, "―――――", size=10)
    line(left, layout.number_line)
    if not layout.type_name:
        line(left, f"V/v {layout.summary}", size=12)
    national_heading(right, first=True)
    line(right, layout.place_date_line, size=14, italic=True)

    if layout.urgency:
        line(document, layout.urgency, size=13, bold=True, align=LEFT)
    if layout.type_name:
        line(document, "")
        line(document, layout.type_name.upper(), size=14, bold=True)
        line(document, layout.summary, size=14, bold=True)
        line(document, "―――――", size=10)
    line(document, "")
    for text in layout.body:
        paragraph = line(document, text, size=14, align=JUSTIFY)
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        paragraph.paragraph_format.space_after = Pt(6)
    line(document, "")

    foot = document.add_table(rows=1, cols=2)
    where, sign = foot.rows[0].cells
    where.width, sign.width = Cm(8), Cm(8)
    line(where, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT, first=True)
    for name in layout.recipients:
        line(where, f"- {name};", size=11, align=LEFT)
    line(where, f"- {layout.archive_line}", size=11, align=LEFT)
    head, *rest = layout.authority or [""]
    line(sign, head, size=14, bold=True, first=True)
    for text in rest:
        line(sign, text, size=14, bold=True)
    for _blank in range(4):
        line(sign, "")
    line(sign, layout.signer_name, size=14, bold=True)
    return to_bytes(document)


def compose_pdf(layout: Layout) -> bytes:
    """The same document as PDF (fpdf2, `core.pdf_layout`), for a digital signature: the
    signer signs this rendering of the composed draft, and the clerk's issue adds the
    organ's signature showing the number and date."""
    pdf = new_pdf(title=layout.summary)
    pdf.add_page()
    x0, width = pdf.l_margin, pdf.epw
    left_w, right_w = width * 0.4, width * 0.6
    top = pdf.get_y()

    pdf.set_font(FONT, "", 11)
    if layout.parent_organ:
        pdf.multi_cell(
            left_w, 5, layout.parent_organ.upper(), align="C", new_x="LEFT", new_y="NEXT"
        )
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(left_w, 5, layout.organ.upper(), align="C", new_x="LEFT", new_y="NEXT")
    pdf_rule(pdf, x=x0, width=left_w, length=25)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(left_w, 6, layout.number_line, align="C", new_x="LEFT", new_y="NEXT")
    if not layout.type_name:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(left_w, 5, f"V/v {layout.summary}", align="C", new_x="LEFT", new_y="NEXT")
    left_bottom = pdf.get_y()

    pdf.set_xy(x0 + left_w, top)
    pdf_national_heading(pdf, x=x0 + left_w, width=right_w, size=10)
    pdf.set_font(FONT, "I", 11)
    pdf.multi_cell(right_w, 6, layout.place_date_line, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(x0, max(left_bottom, pdf.get_y()) + 4)

    if layout.urgency:
        pdf.set_font(FONT, "B", 11)
        pdf.cell(width, 6, layout.urgency, new_x="LMARGIN", new_y="NEXT")
    if layout.type_name:
        pdf.ln(2)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(width, 7, layout.type_name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(width, 6, layout.summary, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf_rule(pdf, x=x0, width=width, length=30)
    pdf.ln(3)
    pdf.set_font(FONT, "", 12)
    for text in layout.body:
        pdf.multi_cell(width, 6.5, "        " + text, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.ln(4)

    foot = pdf.get_y()
    half = width / 2
    pdf.set_font(FONT, "BI", 11)
    pdf.cell(half, 6, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    for name in layout.recipients:
        pdf.multi_cell(half, 5, f"- {name};", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(half, 5, f"- {layout.archive_line}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(x0 + half, foot)
    pdf.set_font(FONT, "B", 12)
    for text in layout.authority or [""]:
        pdf.multi_cell(half, 6, text, align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(24)  # room for the signature, as on paper
    pdf.multi_cell(half, 6, layout.signer_name, align="C", new_x="LEFT", new_y="NEXT")
    return pdf_bytes(pdf)
