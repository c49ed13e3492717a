"""The Decree 30/2020 layout of a composed document."""

from io import BytesIO

from docx import Document as read_docx

from tinhso.documents.compose import Layout, compose_docx

LETTER = Layout(
    parent_organ="",
    organ="Ủy ban nhân dân tỉnh Kiên Giang",
    number_line="Số: 45/UBND-VP",
    place_date_line="Kiên Giang, ngày 03 tháng 11 năm 2020",
    summary="Về việc triển khai chính quyền số",
    urgency="HỎA TỐC",
    body=["Thực hiện Nghị định 30/2020/NĐ-CP.", "Đề nghị các sở triển khai."],
    authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
    signer_name="Nguyễn Văn A",
    recipients=["Các sở, ban, ngành", "UBND các huyện, thành phố"],
    archive_line="Lưu: VT, VP.",
)


def runs(cell):
    return [(r.text, bool(r.bold), bool(r.italic)) for p in cell.paragraphs for r in p.runs]


def test_page_margins_and_font():
    document = read_docx(BytesIO(compose_docx(LETTER)))
    section = document.sections[0]
    millimetres = [
        round(length.mm, 1)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert millimetres == [210.0, 297.0, 20.0, 20.0, 30.0, 15.0]
    assert document.styles["Normal"].font.name == "Times New Roman"
    fonts = {r.font.name for p in document.paragraphs for r in p.runs}
    assert fonts == {"Times New Roman"}


def test_header_and_foot_of_a_letter():
    document = read_docx(BytesIO(compose_docx(LETTER)))
    header, foot = document.tables
    left, right = header.rows[0].cells
    assert runs(left) == [
        ("ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", True, False),
        ("―――――", False, False),
        ("Số: 45/UBND-VP", False, False),
        ("V/v Về việc triển khai chính quyền số", False, False),
    ]
    assert runs(right) == [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
        ("Độc lập - Tự do - Hạnh phúc", True, False),
        ("―――――――――――", False, False),
        ("Kiên Giang, ngày 03 tháng 11 năm 2020", False, True),
    ]
    where, sign = foot.rows[0].cells
    assert runs(where) == [
        ("Nơi nhận:", True, True),
        ("- Các sở, ban, ngành;", False, False),
        ("- UBND các huyện, thành phố;", False, False),
        ("- Lưu: VT, VP.", False, False),
    ]
    texts = [t for t, _b, _i in runs(sign) if t]
    assert texts == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A"]
    body = [p.text for p in document.paragraphs if p.text]
    assert body == ["HỎA TỐC", "Thực hiện Nghị định 30/2020/NĐ-CP.", "Đề nghị các sở triển khai."]


def test_a_typed_document_has_its_name_in_bold_capitals_then_the_summary():
    from dataclasses import replace

    report = replace(
        LETTER,
        parent_organ="Ủy ban nhân dân tỉnh Kiên Giang",
        organ="Sở Tư pháp",
        number_line="Số:      /BC-STP",
        type_name="Báo cáo",
        summary="Kết quả công tác năm 2020",
        urgency="",
    )
    document = read_docx(BytesIO(compose_docx(report)))
    left = document.tables[0].rows[0].cells[0]
    assert runs(left)[:3] == [
        ("ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", False, False),
        ("SỞ TƯ PHÁP", True, False),
        ("―――――", False, False),
    ]
    paragraphs = [(p.text, bool(p.runs and p.runs[0].bold)) for p in document.paragraphs if p.text]
    assert paragraphs[:2] == [("BÁO CÁO", True), ("Kết quả công tác năm 2020", True)]
