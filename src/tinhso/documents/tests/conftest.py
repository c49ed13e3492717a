"""Fixtures: the provincial committee with its office as drafting unit, the Department of
Justice as an internal recipient, and the officials of each role."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tinhso.directory.models import Organ, OrganIdentifier
from tinhso.directory.tests.factories import OfficialFactory, OrganFactory
from tinhso.directory.tests.samples import load_sample
from tinhso.documents import hooks, services

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SERVICE_MODULES = ("common", "drafting", "workflow", "incoming", "distribution", "ingest")


def docx_bytes() -> bytes:
    """The smallest file that passes for a DOCX."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Files go to a temporary storage, never the repository's var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _no_signing_backend():
    """The workflow tests run without the PAdES backend the app registers (they are about
    states, numbers and files; test_signing.py runs it with real keys); it is put back after."""
    registered = hooks.signing_backend()
    hooks.register_signing_backend(None)
    yield
    hooks.register_signing_backend(registered)


@pytest.fixture
def org(db, tmp_path):
    """UBND tỉnh Kiên Giang (UBND) with its office (VP, the drafting unit); the Department of
    Justice (STP) and of Construction (SXD) beside it."""
    load_sample(tmp_path)
    province = OrganIdentifier.objects.get(value="000.00.00.H33").organ
    office = OrganFactory(
        name="Văn phòng UBND tỉnh",
        short_name="VP",
        kind="committee_office",
        level=2,
        parent=province,
    )
    justice = OrganIdentifier.objects.get(value="000.00.03.H33").organ
    construction = Organ.objects.get(name="Sở Xây dựng")

    def official(role, organ, name, position=""):
        person = OfficialFactory(organ=organ, roles=[(role, organ, False)], position=position)
        person.user.full_name = name
        person.user.email = f"{person.user.username}@kiengiang.gov.vn"
        person.user.save()
        return person

    return {
        "province": province,
        "office": office,
        "justice": justice,
        "construction": construction,
        "clerk": official("clerk", province, "Trần Thị Văn Thư"),
        "drafter": official("specialist", office, "Lê Văn Soạn"),
        "office_head": official("leader", office, "Phạm Chánh Văn Phòng", "Chánh Văn phòng"),
        "chairman": official("leader", province, "Nguyễn Chủ Tịch", "Chủ tịch"),
        "deputy": official("leader", province, "Võ Phó Chủ Tịch", "Phó Chủ tịch"),
        "handler": official("specialist", province, "Đặng Chuyên Viên"),
        "handler2": official("specialist", province, "Huỳnh Chuyên Viên"),
        "justice_clerk": official("clerk", justice, "Mai Văn Thư Tư Pháp"),
        "justice_leader": official("leader", justice, "Lý Giám Đốc", "Giám đốc"),
        "justice_specialist": official("specialist", justice, "Tô Chuyên Viên Tư Pháp"),
        "admin": official("administrator", province, "Quản Trị"),
        "one_stop": official("one_stop_officer", province, "Một Cửa"),
        "outsider": official("leader", construction, "Người Ngoài"),
    }


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for every document service (Vietnam time)."""

    class Clock:
        moment = datetime(2020, 11, 2, 8, 0, tzinfo=VN)

        def at(self, *args: int) -> None:
            self.moment = datetime(*args, tzinfo=VN)

    c = Clock()
    for module in SERVICE_MODULES:
        monkeypatch.setattr(f"tinhso.documents.services.{module}.now", lambda: c.moment)
    return c


def draft(org, **changes):
    """A công văn of the provincial committee drafted by the office, to the Department of
    Justice (internal), an outside ministry (exchange) and a paper-only recipient."""
    fields = {
        "organ": org["province"],
        "actor": org["drafter"].user,
        "doc_type": "official_letter",
        "summary": "V/v triển khai Nghị định 30/2020/NĐ-CP về công tác văn thư",
        "drafting_unit": org["office"],
        "signer": org["chairman"],
        "signing_marker": "TM.",
        "on_behalf_of": "Ủy ban nhân dân",
        "signer_title": "Chủ tịch",
        "recipients": [
            services.RecipientSpec(organ=org["justice"]),
            services.RecipientSpec(name="Bộ Nội vụ", identifier="000.00.00.G10"),
            services.RecipientSpec(name="Báo Kiên Giang", paper=True),
        ],
        "upload": ("du-thao.pdf", PDF),
    }
    fields.update(changes)
    return services.draft_create(**fields)


def approved(org, **changes):
    document = draft(org, **changes)
    services.submit_for_review(
        document=document,
        actor=org["drafter"].user,
        reviewers=[org["office_head"]],
        approver=org["chairman"],
    )
    services.review(document=document, actor=org["office_head"].user, agree=True)
    return services.review(document=document, actor=org["chairman"].user, agree=True)


def signed(org, **changes):
    document = approved(org, **changes)
    return services.sign(document=document, actor=org["chairman"].user)


def issued(org, **changes):
    return services.issue(document=signed(org, **changes), actor=org["clerk"].user)
