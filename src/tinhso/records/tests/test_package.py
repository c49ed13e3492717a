"""Archive packages without the database: what is written, and every kind of tampering the
verification must find."""

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tinhso.records.package import (
    MANIFEST,
    ItemMeta,
    RecordMeta,
    Source,
    from_xml,
    parser,
    safe_name,
    to_dict,
    to_xml,
    write_package,
)
from tinhso.records.verify import verify_package

WHEN = datetime(2021, 1, 5, 9, 30, tzinfo=UTC)
PDF = b"%PDF-1.4 first file\n"
DOCX = b"PK\x03\x04 second file"


def meta(**changes) -> RecordMeta:
    fields = {
        "file_code": "H33.2020.01.VP",
        "organ_id": "H33",
        "organ_name": "Ủy ban nhân dân tỉnh Kiên Giang",
        "year": 2020,
        "file_notation": "01.VP",
        "title": "Hồ sơ về chuyển đổi số năm 2020",
        "retention_years": 10,
        "retention_ends_on": date(2030, 12, 31),
        "rights": "public",
        "rights_note": "",
        "language": "vi",
        "start_date": date(2020, 3, 2),
        "end_date": date(2020, 11, 2),
        "doc_total": 3,
        "page_total": 5,
        "keywords": ("chuyển đổi số", "kế hoạch"),
        "description": "",
        "in_plan": True,
        "keeper": "Đặng Chuyên Viên",
        "state": "closed",
        "opened_at": datetime(2020, 3, 1, 8, tzinfo=UTC),
        "closed_at": datetime(2020, 12, 1, 8, tzinfo=UTC),
        "archived_at": None,
        "closing_note": "Hồ sơ gồm 3 văn bản, 5 trang.",
        "items": (
            ItemMeta(
                1,
                "outgoing",
                "01/KH-UBND",
                date(2020, 3, 2),
                "Kế hoạch",
                "Kế hoạch CĐS",
                "UBND tỉnh",
                3,
            ),
            ItemMeta(
                2,
                "incoming",
                "123/BNV-VP",
                date(2020, 5, 4),
                "Công văn",
                "Hướng dẫn",
                "Bộ Nội vụ",
                2,
                "Văn bản đến số 7",
            ),
            ItemMeta(
                3,
                "note",
                "",
                date(2020, 11, 2),
                "Ghi chú",
                "Họp tổ",
                "Đặng",
                None,
                "Dòng 1\r\nDòng 2\x07",
            ),
        ),
    }
    fields.update(changes)
    return RecordMeta(**fields)


def sources() -> list[Source]:
    return [
        Source(1, "Kế hoạch số 01.pdf", "application/pdf", lambda: io.BytesIO(PDF)),
        Source(2, "ban quet.docx", "application/vnd.openxmlformats", lambda: io.BytesIO(DOCX)),
    ]


def package(**changes) -> bytes:
    out = io.BytesIO()
    write_package(out, meta(**changes), sources(), generated_at=WHEN)
    return out.getvalue()


def rewrite(data: bytes, change) -> bytes:
    """A copy of the package with `change(name, content) -> content | None` applied (None
    drops the file); extra files come from `change.extra`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            content = change(name, src.read(name))
            if content is not None:
                dst.writestr(name, content)
        for name, content in getattr(change, "extra", {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def codes(data: bytes) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in verify_package(io.BytesIO(data)).findings]


def test_layout_manifest_and_metadata():
    data = package()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [
        "files/001-001-Ke-hoach-so-01.pdf",
        "files/002-002-ban-quet.docx",
        "metadata.xml",
        "metadata.json",
        "schema/record-package.xsd",
        MANIFEST,
    ]
    lines = archive.read(MANIFEST).decode().splitlines()
    assert lines[0] == f"{hashlib.sha256(PDF).hexdigest()}  files/001-001-Ke-hoach-so-01.pdf"
    assert len(lines) == 5  # every file but the manifest itself
    described = json.loads(archive.read("metadata.json"))
    assert described["record"]["file_code"] == "H33.2020.01.VP"
    assert described["record"]["retention"] == {
        "permanent": False,
        "years": 10,
        "ends_on": "2030-12-31",
    }
    assert described["items"][0]["files"] == [
        {
            "path": "files/001-001-Ke-hoach-so-01.pdf",
            "name": "Kế hoạch số 01.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        }
    ]
    assert described["items"][2]["note"] == "Dòng 1\nDòng 2"  # XML-safe text
    root = etree.fromstring(archive.read("metadata.xml"), parser())
    assert from_xml(root) == described


def test_intact_package_verifies():
    result = verify_package(io.BytesIO(package()))
    assert result.ok, result.findings
    assert (result.file_code, result.files_checked) == ("H33.2020.01.VP", 5)


def test_changed_file_is_found():
    def change(name, content):
        return b"%PDF-1.4 forged\n" if name.endswith(".pdf") else content

    found = codes(rewrite(package(), change))
    assert ("checksum", "files/001-001-Ke-hoach-so-01.pdf") in found
    assert ("metadata_file", "files/001-001-Ke-hoach-so-01.pdf") in found


def test_bytes_flipped_inside_the_zip_are_found():
    data = bytearray(package())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("files/002-002-ban-quet.docx")
    name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    found = codes(bytes(data))
    assert ("checksum", "files/002-002-ban-quet.docx") in found


def test_missing_and_added_files_are_found():
    def drop(name, content):
        return None if name.endswith(".docx") else content

    drop.extra = {"files/999-extra.pdf": b"%PDF smuggled"}
    found = codes(rewrite(package(), drop))
    assert ("missing", "files/002-002-ban-quet.docx") in found
    assert ("unlisted", "files/999-extra.pdf") in found
    assert ("metadata_file", "files/999-extra.pdf") in found


def test_metadata_json_must_say_what_the_xml_says():
    def change(name, content):
        if name != "metadata.json":
            return content
        data = json.loads(content)
        data["record"]["title"] = "Tiêu đề khác"
        return json.dumps(data).encode()

    found = codes(rewrite(package(), change))
    assert ("json_mismatch", "metadata.json") in found
    assert ("checksum", "metadata.json") in found


def test_manifest_rewritten_to_match_a_forged_xml_still_fails_the_json_check():
    def change(name, content):
        if name == "metadata.xml":
            return content.replace(b"<DocTotal>3</DocTotal>", b"<DocTotal>4</DocTotal>")
        return content

    data = rewrite(package(), change)
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = "".join(
        f"{hashlib.sha256(archive.read(n)).hexdigest()}  {n}\n"
        for n in archive.namelist()
        if n != MANIFEST
    )
    data = rewrite(data, lambda n, c: manifest.encode() if n == MANIFEST else c)
    found = {code for code, _path in codes(data)}
    assert found == {"json_mismatch", "counts"}


def test_invalid_metadata_against_the_schema():
    def change(name, content):
        if name == "metadata.xml":
            return content.replace(b"<Rights>public</Rights>", b"<Rights>secret</Rights>")
        return content

    found = {code for code, _p in codes(rewrite(package(), change))}
    assert "schema" in found and "checksum" in found


def test_not_xml_no_manifest_bad_lines_not_zip():
    assert codes(rewrite(package(), lambda n, c: b"<oops" if n == "metadata.xml" else c))[-1] == (
        "invalid_xml",
        "metadata.xml",
    )
    assert codes(rewrite(package(), lambda n, c: None if n == MANIFEST else c)) == [
        ("no_manifest", "")
    ]
    bad_line = rewrite(package(), lambda n, c: c + b"not a line\n" if n == MANIFEST else c)
    assert ("bad_manifest_line", MANIFEST) in codes(bad_line)
    assert codes(b"not a zip at all") == [("bad_zip", "")]


def test_unsafe_names_are_reported():
    def change(name, content):
        return content

    change.extra = {"../escape.txt": b"x"}
    assert ("unsafe_path", "../escape.txt") in codes(rewrite(package(), change))


def test_counts_must_match_the_items():
    with pytest.raises(ValueError, match="names no item"):
        write_package(io.BytesIO(), meta(items=()), sources(), generated_at=WHEN)
    data = package(doc_total=4)
    assert ("counts", "metadata.xml") in codes(data)


def test_safe_names():
    assert safe_name("Báo cáo số 1/2020.PDF") == "Bao-cao-so-1-2020.PDF"
    assert safe_name("Đề án.docx") == "De-an.docx"
    assert safe_name("...") == "tep"
    assert len(safe_name("a" * 300 + ".pdf")) == 80
    assert safe_name("a" * 300 + ".pdf").endswith(".pdf")


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=60, deadline=None)
@given(title=text.filter(lambda t: t.strip()), note=text, keywords=st.lists(text, max_size=3))
def test_xml_round_trip_keeps_what_json_says(title, note, keywords):
    record = meta(
        title=title,
        closing_note=note,
        keywords=tuple(k for k in keywords if k),
        items=(ItemMeta(1, "note", "", None, "Ghi chú", title, "", None, note),),
    )
    values = to_dict(record, WHEN)
    assert from_xml(etree.fromstring(to_xml(values), parser())) == values
