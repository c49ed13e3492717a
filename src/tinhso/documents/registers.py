"""Registers in the Decree 30/2020 column layout (appendix IV): the rows for printing and the
Excel export. One row per numbered document, in number order."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tinhso.core.formats import format_date
from tinhso.documents.models import Document, IncomingDocument, Register
from tinhso.documents.models.choices import CONFIDENTIALITY_CHOICES, URGENCY_CHOICES

# (heading, column width in characters) of the outgoing register (sổ đăng ký văn bản đi).
OUTGOING_COLUMNS = (
    (gettext_lazy("Số, ký hiệu văn bản"), 16),
    (gettext_lazy("Ngày tháng văn bản"), 12),
    (gettext_lazy("Tên loại và trích yếu nội dung văn bản"), 45),
    (gettext_lazy("Người ký"), 20),
    (gettext_lazy("Nơi nhận văn bản"), 30),
    (gettext_lazy("Đơn vị, người nhận bản lưu"), 20),
    (gettext_lazy("Số lượng bản"), 8),
    (gettext_lazy("Ngày chuyển"), 12),
    (gettext_lazy("Ký nhận"), 12),
    (gettext_lazy("Ghi chú"), 20),
)
# … and of the incoming register (sổ đăng ký văn bản đến).
INCOMING_COLUMNS = (
    (gettext_lazy("Ngày đến"), 12),
    (gettext_lazy("Số đến"), 8),
    (gettext_lazy("Tác giả"), 28),
    (gettext_lazy("Số, ký hiệu"), 16),
    (gettext_lazy("Ngày tháng"), 12),
    (gettext_lazy("Tên loại và trích yếu nội dung"), 45),
    (gettext_lazy("Đơn vị hoặc người nhận"), 22),
    (gettext_lazy("Ký nhận"), 12),
    (gettext_lazy("Ghi chú"), 20),
)
_URGENCY = dict(URGENCY_CHOICES)
_SECRECY = dict(CONFIDENTIALITY_CHOICES)


def columns(register: Register) -> list[str]:
    headings = INCOMING_COLUMNS if register.is_incoming else OUTGOING_COLUMNS
    return [str(heading) for heading, _width in headings]


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_date(value)


def _notes(urgency: str, confidentiality: str, extra: list[str]) -> str:
    parts = []
    if confidentiality != "none":
        parts.append(str(_SECRECY[confidentiality]))
    if urgency != "normal":
        parts.append(str(_URGENCY[urgency]))
    return "; ".join(parts + extra)


def _outgoing_row(document: Document) -> list[str]:
    signer = document.signer
    corrections = [
        _("%(kind)s bởi %(n)s") % {"kind": c.get_correction_kind_display(), "n": c.notation}
        for c in document.corrections.all()
        if c.state == "issued"
    ]
    if document.corrects_id and document.corrects is not None:
        corrections.append(
            _("%(kind)s văn bản %(n)s")
            % {"kind": document.get_correction_kind_display(), "n": document.corrects.notation}
        )
    return [
        document.notation,
        _day(document.issued_on),
        f"{document.type_name}: {document.summary}",
        (signer.user.full_name or str(signer.user)) if signer else "",
        "; ".join(r.name for r in document.recipients.all()),
        document.drafting_unit.name if document.drafting_unit else "",
        str(document.copies or ""),
        _day(document.distributed_at),
        "",
        _notes(document.urgency, document.confidentiality, corrections),
    ]


def _incoming_row(incoming: IncomingDocument) -> list[str]:
    assignee = incoming.assignee
    extra = (
        [_("Từ chối: %(r)s") % {"r": incoming.refusal_reason}] if incoming.refusal_reason else []
    )
    return [
        _day(incoming.arrived_at),
        str(incoming.number),
        incoming.sender_name,
        incoming.sender_notation,
        _day(incoming.sender_date),
        f"{incoming.type_name}: {incoming.summary}" if incoming.type_name else incoming.summary,
        (assignee.user.full_name or str(assignee.user)) if assignee else "",
        "",
        _notes(incoming.urgency, incoming.confidentiality, extra),
    ]


def rows(register: Register) -> list[list[str]]:
    """The register's rows in number order, as printed."""
    if register.is_incoming:
        incoming = register.incoming_documents.select_related("assignee__user").order_by("number")
        return [_incoming_row(i) for i in incoming]
    documents = (
        register.documents.select_related("signer__user", "drafting_unit", "corrects")
        .prefetch_related("recipients", "corrections")
        .order_by("number")
    )
    return [_outgoing_row(d) for d in documents]


def title(register: Register) -> str:
    return _("%(title)s năm %(year)s") % {"title": register.title.upper(), "year": register.year}


def workbook(register: Register) -> bytes:
    """The register as .xlsx bytes: title, organ, the Decree 30 column headings, the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(register.year)
    headings = INCOMING_COLUMNS if register.is_incoming else OUTGOING_COLUMNS
    sheet.append([register.organ.name.upper()])
    sheet.append([title(register)])
    sheet.append([])
    sheet.append([str(heading) for heading, _width in headings])
    thin = Side(style="thin")
    for index, (_heading, width) in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in rows(register):
        sheet.append(row)
    for line in sheet.iter_rows(min_row=4, max_row=sheet.max_row):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row > 4:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = sheet["A2"].font = Font(bold=True)
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = BytesIO()
    book.save(out)
    return out.getvalue()
