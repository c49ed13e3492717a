"""The declaration form (tờ khai) of a procedure as a DOCX to download, fill in by hand or on a
computer and bring to the counter: what a level-2 online service offers. Built from the
procedure's JSON Schema form, so it always matches the online form."""

from __future__ import annotations

from typing import Any

from docx.shared import Cm

from tinhso.core.docx_layout import CENTER, JUSTIFY, LEFT, line, national_heading, new_document
from tinhso.core.docx_layout import to_bytes as docx_bytes
from tinhso.procedures.forms import form_fields

DOTS = "…" * 30
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def declaration_docx(*, name: str, code: str, schema: dict[str, Any], organs: list[str]) -> bytes:
    """The form of procedure `name` (`code`) for `schema`; `organs`: the names of the organs
    that receive it, printed after "Kính gửi"."""
    document = new_document()
    national_heading(document)
    line(document, "")
    line(document, "TỜ KHAI", size=14, bold=True)
    line(document, name.upper(), size=14, bold=True)
    line(document, f"(Mã thủ tục: {code})", size=12, italic=True)
    line(document, "")
    addressee = "; ".join(organs) if organs else DOTS
    line(document, f"Kính gửi: {addressee}", size=14, align=LEFT)
    line(document, "")
    for field in form_fields(schema):
        mark = " (*)" if field.required else ""
        if field.choices:
            text = f"{field.title}{mark}: " + "   ".join(f"☐ {c}" for c in field.choices)
        else:
            text = f"{field.title}{mark}: {DOTS}"
        paragraph = line(document, text, size=13, align=LEFT)
        paragraph.paragraph_format.space_after = Cm(0.15)
        if field.description:
            line(document, f"({field.description})", size=11, italic=True, align=LEFT)
    line(document, "")
    pledge = line(
        document,
        "Tôi xin cam đoan những thông tin khai trên là đúng sự thật và chịu trách nhiệm trước "
        "pháp luật về lời khai của mình.",
        size=13,
        align=JUSTIFY,
    )
    pledge.paragraph_format.first_line_indent = Cm(1.27)
    line(document, "(*) Thông tin bắt buộc.", size=11, italic=True, align=LEFT)
    line(document, "")
    sign = document.add_table(rows=1, cols=2)
    _blank, signer = sign.rows[0].cells
    line(signer, "……, ngày …… tháng …… năm ……", size=13, italic=True, first=True)
    line(signer, "NGƯỜI KHAI", size=13, bold=True, align=CENTER)
    line(signer, "(Ký, ghi rõ họ tên)", size=12, italic=True, align=CENTER)
    return docx_bytes(document)
