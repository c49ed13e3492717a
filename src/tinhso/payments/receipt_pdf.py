"""The electronic receipt (biên lai điện tử thu phí, lệ phí) as a PDF, drawn from the
`Receipt` row alone, so the file rendered again later is the receipt as issued.

Contents after Decree 11/2020/NĐ-CP and Circular 78/2021/TT-BTC as far as they apply to a
receipt of fees collected online: the collecting organ (name, code, address), the form and
series symbols and the number, the payer (name, identifier, address), the dossier and the
procedure, each fee line with its legal basis, the amount in figures and in words, how it was
paid (gateway, order and transaction numbers, bank) and when. The page and its font are
`core.pdf_layout`'s, as the one-stop receipt's (`dossiers.receipt`).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from fpdf import FPDF

from tinhso.core.pdf_layout import FONT, new_pdf, to_bytes
from tinhso.payments.fees import format_vnd
from tinhso.payments.models import Receipt


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H giờ %M, ngày %d/%m/%Y")


def receipt_pdf(receipt: Receipt, *, signed: bool) -> bytes:
    """The receipt as PDF bytes; `signed` False prints that it carries no digital signature
    (so an unsigned copy never passes for a signed one)."""
    pdf = new_pdf(
        title=f"Biên lai {receipt.display_number}",
        margins_mm={"left": 20, "top": 18, "right": 18, "bottom": 45},
    )
    pdf.add_page()
    width = pdf.epw
    half = width / 2
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(half - 4, 5, receipt.organ_name.upper(), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    if receipt.organ_code:
        pdf.multi_cell(
            half - 4, 5, f"Mã cơ quan: {receipt.organ_code}", align="C", new_x="LEFT", new_y="NEXT"
        )
    if receipt.organ_address:
        pdf.multi_cell(half - 4, 5, receipt.organ_address, align="C", new_x="LEFT", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        half,
        5,
        f"Mẫu số: {receipt.form}\nKý hiệu: {receipt.series}\nSố: {receipt.number:07d}",
        align="R",
    )
    pdf.set_y(max(left_bottom, pdf.get_y()) + 5)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(width, 8, "BIÊN LAI THU PHÍ, LỆ PHÍ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "I", 10)
    pdf.cell(width, 6, "(Biên lai điện tử)", align="C", new_x="LMARGIN", new_y="NEXT")
    issued = timezone.localtime(receipt.issued_at)
    pdf.cell(
        width,
        6,
        f"Ngày {issued:%d} tháng {issued:%m} năm {issued:%Y}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font(FONT, "", 10.5)
    facts = [
        f"Tên người nộp: {receipt.payer_name}",
        f"Mã định danh: {receipt.payer_identifier}",
        f"Địa chỉ: {receipt.payer_address or '—'}",
        f"Hồ sơ: {receipt.source_ref} (mã yêu cầu thanh toán {receipt.request.reference})",
        f"Thủ tục hành chính: {receipt.procedure_name or '—'}",
    ]
    for line in facts:
        pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _lines_table(pdf, receipt, width)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(
        width, 6, f"Tổng số tiền: {format_vnd(receipt.amount)}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, "I", 10.5)
    pdf.multi_cell(width, 6, f"Bằng chữ: {receipt.amount_words}.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10.5)
    paid = [
        f"Hình thức thanh toán: trực tuyến qua {receipt.gateway_label}",
        f"Mã giao dịch của cơ quan: {receipt.txn_ref}"
        + (f"; mã giao dịch của cổng: {receipt.gateway_txn_no}" if receipt.gateway_txn_no else "")
        + (f"; ngân hàng: {receipt.bank_code}" if receipt.bank_code else ""),
        f"Thời điểm thanh toán: {_when(receipt.paid_at)}",
    ]
    for line in paid:
        pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 10.5)
    pdf.set_x(pdf.l_margin + half)
    pdf.multi_cell(half, 6, "ĐƠN VỊ THU", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "I", 9.5)
    pdf.set_x(pdf.l_margin + half)
    note = (
        "(Ký số của cơ quan thu)"
        if signed
        else "BIÊN LAI CHƯA CÓ CHỮ KÝ SỐ của cơ quan thu; bản có chữ ký số sẽ thay thế khi ký."
    )
    pdf.multi_cell(half, 5, note, align="C", new_x="LMARGIN", new_y="NEXT")
    return to_bytes(pdf)


def _lines_table(pdf: FPDF, receipt: Receipt, width: float) -> None:
    columns = (
        ("STT", 10, "C"),
        ("Khoản thu", width * 0.30, "L"),
        ("Căn cứ thu", width * 0.30, "L"),
        ("Số lượng", width * 0.12, "C"),
        ("Số tiền", width - 10 - width * 0.72, "R"),
    )
    pdf.set_font(FONT, "B", 9.5)
    with pdf.table(
        col_widths=tuple(c[1] for c in columns),
        text_align=tuple(c[2] for c in columns),
        line_height=5,
        first_row_as_headings=True,
    ) as table:
        header = table.row()
        for title, _w, _a in columns:
            header.cell(title)
        pdf.set_font(FONT, "", 9.5)
        for index, line in enumerate(receipt.lines, start=1):
            row = table.row()
            row.cell(str(index))
            name = str(line.get("name", ""))
            if line.get("reduction"):
                name += f" (giảm {line['reduction']}%: {line.get('category', '')})"
            row.cell(name)
            row.cell(str(line.get("legal_basis", "")) or "—")
            row.cell(f"{line.get('quantity', 1)} {line.get('unit', '')}".strip())
            row.cell(format_vnd(int(line.get("amount", 0))))
