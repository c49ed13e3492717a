"""Fixtures: the documents app's demo organs and officials (the provincial committee, its
office, the Department of Justice …), a settable clock for documents and records, and
documents in every state a record may be offered."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfWriter

from tinhso.documents import services as documents
from tinhso.documents.tests import conftest as documents_conftest
from tinhso.documents.tests.conftest import SERVICE_MODULES, draft, issued
from tinhso.records import services
from tinhso.records.retention import Retention

# The documents app's organs and officials, its temporary media folder, and its workflow
# without the PAdES backend (records are about filing, not about signatures).
org = documents_conftest.org
_media = documents_conftest._media
_no_signing_backend = documents_conftest._no_signing_backend
__all__ = ["docx_bytes", "draft", "issued", "issued_pdf", "pdf_bytes", "received"]

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def pdf_bytes(pages: int) -> bytes:
    """A real PDF of `pages` blank A4 pages."""
    writer = PdfWriter()
    for _i in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(pages: int | None = None) -> bytes:
    """The smallest file that passes for a DOCX, telling its page count when given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if pages is not None:
            archive.writestr("docProps/app.xml", f"<Properties><Pages>{pages}</Pages></Properties>")
    return out.getvalue()


@pytest.fixture
def clock(monkeypatch):
    """One settable clock (Vietnam time) for the document services and the records ones."""

    class Clock:
        moment = datetime(2020, 11, 2, 8, 0, tzinfo=VN)

        def at(self, *args: int) -> None:
            self.moment = datetime(*args, tzinfo=VN)

    c = Clock()
    for module in SERVICE_MODULES:
        monkeypatch.setattr(f"tinhso.documents.services.{module}.now", lambda: c.moment)
    monkeypatch.setattr("tinhso.records.services.common.now", lambda: c.moment)
    return c


def issued_pdf(org, pages: int = 2, **changes):
    """An outgoing document of the provincial committee, issued, its PDF of `pages` pages."""
    return issued(org, upload=("van-ban.pdf", pdf_bytes(pages)), **changes)


def received(org, pages: int = 1, **changes):
    """A paper document received and registered by the provincial committee's clerk."""
    fields = {
        "organ": org["province"],
        "actor": org["clerk"].user,
        "sender_name": "Bộ Nội vụ",
        "sender_notation": "123/BNV-VP",
        "type_name": "Công văn",
        "summary": "V/v hướng dẫn lập hồ sơ điện tử",
        "files": [("ban-quet.pdf", pdf_bytes(pages))],
    }
    fields.update(changes)
    return documents.receive_paper(**fields)


@pytest.fixture
def plan(org, clock):
    """The provincial committee's approved plan for 2020: heading I. Văn phòng (VP) with two
    planned records, 01.VP kept 10 years, 02.VP permanently."""
    clerk, chairman = org["clerk"].user, org["chairman"].user
    file_plan = services.plan_create(organ=org["province"], year=2020, actor=clerk)
    heading = services.plan_add_heading(plan=file_plan, actor=clerk, title="Văn phòng", code="VP")
    services.plan_add_entry(
        plan=file_plan,
        actor=clerk,
        heading=heading,
        title="Hồ sơ về chuyển đổi số năm 2020",
        retention=Retention(10),
        keeper=org["handler"],
    )
    services.plan_add_entry(
        plan=file_plan,
        actor=clerk,
        heading=heading,
        title="Quy chế làm việc",
        retention="Vĩnh viễn",
    )
    return services.plan_approve(plan=file_plan, actor=chairman)


@pytest.fixture
def record(plan, org):
    """Record 01.VP opened from the plan by the handler (a specialist of the committee)."""
    return services.record_open(entry=plan.entries.get(notation="01.VP"), actor=org["handler"].user)
