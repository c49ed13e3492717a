"""The receipt of a dossier (giấy tiếp nhận hồ sơ và hẹn trả kết quả) as a PDF, with a QR code
of the public lookup link. The page and its font (Be Vietnam Pro, shipped as a Python package,
so the receipt renders the same on every machine) are `core.pdf_layout`."""

from __future__ import annotations

from datetime import datetime

import segno
from django.utils import timezone
from fpdf import FPDF

from tinhso.core.formats import format_long_date
from tinhso.core.pdf_layout import FONT, new_pdf, to_bytes
from tinhso.dossiers.models import Dossier


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return timezone.localtime(moment).strftime("%H giờ %M, ngày %d/%m/%Y")


def _place(unit_name: str) -> str:
    """The place of the date line: the unit's name without its kind ("Kiên Giang")."""
    for prefix in (
        "Tỉnh ",
        "Thành phố ",
        "Quận ",
        "Huyện ",
        "Thị xã ",
        "Phường ",
        "Xã ",
        "Thị trấn ",
    ):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def _qr(pdf: FPDF, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares: crisp at any zoom, no image library involved."""
    code = segno.make(payload, error="m", micro=False)
    matrix = list(code.matrix_iter(scale=1, border=2))
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, bits in enumerate(matrix):
        for col, bit in enumerate(bits):
            if bit:
                pdf.rect(x + col * module, y + row * module, module, module, style="F")


def receipt_pdf(dossier: Dossier, *, lookup_url: str, officer_name: str = "") -> bytes:
    """The receipt as PDF bytes. `lookup_url` is the absolute address of the public lookup of
    this dossier (its code only: the applicant types their identity number there)."""
    pdf = new_pdf(
        title=f"Giấy tiếp nhận hồ sơ {dossier.code}",
        margins_mm={"left": 25, "top": 20, "right": 20, "bottom": 20},
    )
    pdf.add_page()
    width = pdf.epw
    half = width / 2
    pdf.set_font(FONT, "B", 10)
    y = pdf.get_y()
    pdf.multi_cell(half - 5, 5, dossier.organ.name.upper(), align="C")
    pdf.set_xy(pdf.l_margin + half, y)
    pdf.multi_cell(
        half, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", align="C"
    )
    pdf.ln(4)
    pdf.set_font(FONT, "I", 10)
    received = timezone.localtime(dossier.received_at).date() if dossier.received_at else None
    place = _place(dossier.organ.unit.name) if dossier.organ.unit else ""
    if received:
        pdf.cell(
            width,
            6,
            format_long_date(received, place=place),
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(
        width,
        7,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, 7, f"Mã hồ sơ: {dossier.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    lines = [
        f"Tiếp nhận hồ sơ của: {dossier.applicant.name} ({dossier.applicant.identifier})",
        f"Địa chỉ: {dossier.applicant.address or '—'}",
        f"Nội dung yêu cầu giải quyết: {dossier.procedure.name}",
        f"Hình thức nộp: {dossier.get_channel_display()}",
        "Thành phần hồ sơ:",
    ]
    for line in lines:
        pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")
    for number, document in enumerate(dossier.procedure.required_documents.all(), start=1):
        counts = f"{document.originals} bản chính, {document.copies} bản sao"
        pdf.multi_cell(
            width, 6, f"   {number}. {document.name} ({counts})", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(2)
    pdf.multi_cell(
        width,
        6,
        f"Thời gian nhận hồ sơ: {_when(dossier.received_at)}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(
        width, 6, f"Thời gian trả kết quả: {_when(dossier.due_at)}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(
        width, 6, f"Nơi trả kết quả: {dossier.organ.name}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    y = pdf.get_y()
    _qr(pdf, lookup_url, pdf.l_margin, y, 32)
    pdf.set_xy(pdf.l_margin + 36, y + 2)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(half - 36, 5, f"Quét mã để tra cứu tình trạng hồ sơ:\n{lookup_url}", align="L")
    pdf.set_xy(pdf.l_margin + half, y)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(half, 6, "NGƯỜI TIẾP NHẬN\n\n\n" + officer_name, align="C")
    return to_bytes(pdf)
