"""The archive package of a real record: its files are the stored ones (checksums equal to
the documents'), its metadata says what the record says, `records_verify` accepts it and
refuses a tampered copy."""

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.documents.models import DocumentFile
from tinhso.records import services
from tinhso.records.models import RecordEvent
from tinhso.records.states import IllegalTransition
from tinhso.records.tests.conftest import issued_pdf, pdf_bytes, received
from tinhso.records.verify import verify_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(org, record, clock):
    handler = org["handler"].user
    outgoing = issued_pdf(org, pages=3)
    incoming = received(org, pages=2)
    services.record_file_document(record=record, actor=handler, document=outgoing)
    services.record_file_document(record=record, actor=handler, incoming=incoming)
    services.record_add_note(
        record=record,
        actor=handler,
        title="Biên bản họp",
        text_="Dòng 1\r\nDòng 2",
        item_date=date(2020, 11, 3),
    )
    services.record_attach(record=record, actor=handler, name="Phụ lục số 1.pdf", data=pdf_bytes(1))
    services.record_update(record=record, actor=handler, keywords="chuyển đổi số, kế hoạch")
    clock.at(2020, 12, 1, 9, 0)
    return services.record_close(record=record, actor=handler, closing_note="Đủ văn bản.")


def export(record, actor, path):
    with path.open("wb") as target:
        return services.record_export(record=record, actor=actor, target=target)


def test_package_of_a_closed_record(org, closed, tmp_path):
    path = tmp_path / "goi.zip"
    data = export(closed, org["clerk"].user, path)
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    assert names == [
        "files/001-001-van-ban.pdf",
        "files/002-002-ban-quet.pdf",
        "files/004-003-Phu-luc-so-1.pdf",
        "metadata.xml",
        "metadata.json",
        "schema/record-package.xsd",
        "manifest-sha256.txt",
    ]
    stored = {f.sha256 for f in DocumentFile.objects.all()}
    for name in names[:2]:
        assert hashlib.sha256(archive.read(name)).hexdigest() in stored
    assert archive.read(names[2]) == pdf_bytes(1)
    record = json.loads(archive.read("metadata.json"))["record"]
    assert record | {"opened_at": None, "closed_at": None} == {
        "file_code": "H33.2020.01.VP",
        "organ_id": "H33",
        "organ_name": "Ủy ban nhân dân tỉnh Kiên Giang",
        "year": 2020,
        "file_notation": "01.VP",
        "title": "Hồ sơ về chuyển đổi số năm 2020",
        "retention": {"permanent": False, "years": 10, "ends_on": "2030-12-31"},
        "rights": "public",
        "rights_note": "",
        "language": "vi",
        "start_date": "2020-11-02",
        "end_date": "2020-11-03",
        "doc_total": 4,
        "page_total": 6,
        "keywords": ["chuyển đổi số", "kế hoạch"],
        "description": "",
        "in_plan": True,
        "keeper": "Đặng Chuyên Viên",
        "state": "closed",
        "opened_at": None,
        "closed_at": None,
        "archived_at": None,
        "closing_note": "Đủ văn bản.",
    }
    assert record["closed_at"] == "2020-12-01T09:00:00+07:00"
    items = json.loads(archive.read("metadata.json"))["items"]
    assert [(i["order"], i["kind"], i["pages"], len(i["files"])) for i in items] == [
        (1, "outgoing", 3, 1),
        (2, "incoming", 2, 1),
        (3, "note", None, 0),
        (4, "attachment", 1, 1),
    ]
    assert items[2]["note"] == "Dòng 1\nDòng 2"
    assert data["items"] == items
    event = RecordEvent.objects.filter(record=closed).last()
    assert (event.action, event.data, event.actor) == (
        "export",
        {"files": 3, "items": 4},
        org["clerk"].user,
    )
    closed.refresh_from_db()
    assert closed.version == RecordEvent.objects.filter(record=closed).count() - 1  # export: none


def test_verify_command_accepts_it_and_refuses_a_tampered_copy(org, closed, tmp_path):
    path = tmp_path / "goi.zip"
    export(closed, org["handler"].user, path)
    out = io.StringIO()
    call_command("records_verify", str(path), stdout=out)
    assert "nguyên vẹn · hồ sơ H33.2020.01.VP · 6 tệp đã kiểm tra" in out.getvalue()

    tampered = tmp_path / "sua.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            content = src.read(name)
            if name == "files/002-002-ban-quet.pdf":
                content = pdf_bytes(5)  # another scan slipped in
            dst.writestr(name, content)
    assert not verify_package(tampered).ok
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("records_verify", str(path), str(tampered), stdout=out)
    assert raised.value.returncode == 1
    text = out.getvalue()
    assert "sua.zip: KHÔNG nguyên vẹn" in text
    assert "Tệp files/002-002-ban-quet.pdf đã bị thay đổi" in text
    assert "goi.zip: nguyên vẹn" in text
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("records_verify", str(tmp_path / "khong-co.zip"), stdout=io.StringIO())


def test_open_records_are_not_exported(org, record, tmp_path):
    with pytest.raises(IllegalTransition) as raised:
        export(record, org["handler"].user, tmp_path / "x.zip")
    assert "export" not in raised.value.allowed
    assert not RecordEvent.objects.filter(action="export").exists()


def test_only_those_who_see_the_record_export_it(org, closed, tmp_path):
    for who in ("justice_clerk", "one_stop", "outsider"):
        with pytest.raises(PermissionError):
            export(closed, org[who].user, tmp_path / "x.zip")
    assert not RecordEvent.objects.filter(action="export").exists()


def test_archived_records_export_with_their_archive_date(org, closed, clock, tmp_path):
    clock.at(2021, 2, 1, 8, 0)
    services.record_archive(record=closed, actor=org["clerk"].user)
    path = tmp_path / "goi.zip"
    data = export(closed, org["chairman"].user, path)
    assert data["record"]["state"] == "archived"
    assert data["record"]["archived_at"] == "2021-02-01T08:00:00+07:00"
    assert verify_package(path).ok
