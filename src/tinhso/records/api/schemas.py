"""Schemas of the records API: what goes in and comes out, with Vietnamese descriptions."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ninja import Schema
from pydantic import Field

from tinhso.core.api import AUTH_PROBLEMS, ProblemOut
from tinhso.records import contents, selectors
from tinhso.records.models import FilePlan, PlanEntry, WorkRecord
from tinhso.records.states import RecordState

READ: dict[int, type[Schema]] = {**AUTH_PROBLEMS, 404: ProblemOut}
WRITE: dict[int, type[Schema]] = {**READ, 409: ProblemOut, 422: ProblemOut}
RETENTION_HELP = "Thời hạn bảo quản: «Vĩnh viễn» (permanent) hoặc số năm, ví dụ 10"


class RetentionOut(Schema):
    permanent: bool
    years: int | None
    label: str


def _retention(obj: Any) -> dict[str, Any]:
    return {
        "permanent": obj.retention.permanent,
        "years": obj.retention.years,
        "label": obj.retention_label,
    }


class EntryOut(Schema):
    id: int
    notation: str = Field(description="Số và ký hiệu hồ sơ, ví dụ 01.VP")
    title: str
    retention: RetentionOut
    unit: str | None
    keeper: int | None
    note: str
    added_after_approval: bool

    @staticmethod
    def resolve_retention(obj: PlanEntry) -> dict[str, Any]:
        return _retention(obj)

    @staticmethod
    def resolve_unit(obj: PlanEntry) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_keeper(obj: PlanEntry) -> int | None:
        return obj.keeper_id


class HeadingOut(Schema):
    id: int
    level: int
    label: str
    title: str
    code: str
    added_after_approval: bool
    entries: list[EntryOut]


class PlanOut(Schema):
    id: int
    organ: str
    year: int
    version: int
    state: str
    state_label: str
    approved_at: datetime | None

    @staticmethod
    def resolve_organ(obj: FilePlan) -> str:
        return obj.organ.identifier()


class PlanDetailOut(PlanOut):
    headings: list[HeadingOut]

    @staticmethod
    def resolve_headings(obj: FilePlan) -> list[dict[str, Any]]:
        return [
            {
                **{f: getattr(h, f) for f in ("id", "level", "label", "title", "code")},
                "added_after_approval": h.added_after_approval,
                "entries": entries,
            }
            for h, entries in selectors.plan_outline(obj)
        ]


class PlanIn(Schema):
    organ: str = Field(description="Mã định danh QCVN 102 của cơ quan")
    year: int
    note: str = ""
    copy_previous: bool = Field(False, description="Sao chép danh mục năm trước")


class HeadingIn(Schema):
    title: str
    level: int = Field(1, description="1: đề mục lớn (I, II…), 2: đề mục nhỏ (1, 2…)")
    code: str = Field("", description="Ký hiệu dùng trong số hồ sơ, ví dụ VP")
    label: str = ""


class EntryIn(Schema):
    heading: int
    title: str
    retention: str = Field(description=RETENTION_HELP)
    notation: str = Field("", description="Để trống: 01.<ký hiệu đề mục>, 02.…")
    keeper: int | None = Field(None, description="Mã cán bộ lập hồ sơ")
    note: str = ""


class PlanAction(StrEnum):
    APPROVE = "approve"
    REVISE = "revise"
    CHANGE_ENTRY = "change_entry"
    REMOVE_ENTRY = "remove_entry"


class PlanActionIn(Schema):
    action: PlanAction
    entry: int | None = Field(None, description="Hồ sơ dự kiến (change_entry, remove_entry)")
    title: str | None = None
    retention: str | None = Field(None, description=RETENTION_HELP)
    notation: str | None = None
    note: str = ""


class RecordOut(Schema):
    id: int
    code: str = Field(description="Mã hồ sơ: mã định danh cơ quan.năm.số và ký hiệu")
    organ: str
    year: int
    notation: str
    title: str
    in_plan: bool
    state: str
    state_label: str
    version: int
    retention: RetentionOut
    retention_ends_on: date | None
    keeper: int
    start_date: date | None
    end_date: date | None
    doc_count: int
    page_count: int
    closed_at: datetime | None
    archived_at: datetime | None

    @staticmethod
    def resolve_organ(obj: WorkRecord) -> str:
        return obj.organ.identifier()

    @staticmethod
    def resolve_retention(obj: WorkRecord) -> dict[str, Any]:
        return _retention(obj)

    @staticmethod
    def resolve_keeper(obj: WorkRecord) -> int:
        return obj.keeper_id


class ContentsLine(Schema):
    item: int
    order: int
    kind: str
    notation: str
    date: date | None
    type_name: str
    summary: str
    author: str
    pages: int | None
    note: str


class RecordDetailOut(RecordOut):
    outside_plan_reason: str
    language: str
    keywords: str
    access: str
    access_note: str
    description: str
    closing_note: str
    contents: list[ContentsLine] = Field(description="Mục lục văn bản")

    @staticmethod
    def resolve_contents(obj: WorkRecord) -> list[dict[str, Any]]:
        return contents.contents_of(obj)


class RecordIn(Schema):
    entry: int | None = Field(None, description="Hồ sơ dự kiến trong danh mục đã ban hành")
    organ: str | None = Field(None, description="Ngoài danh mục: mã định danh cơ quan")
    year: int | None = None
    title: str = ""
    retention: str = Field("", description=RETENTION_HELP)
    reason: str = Field("", description="Ngoài danh mục: lý do")
    notation: str = ""
    keeper: int | None = None


class NoteIn(Schema):
    title: str
    text: str = ""
    date: dt.date | None = Field(None, description="Ngày của ghi chú")


class ItemIn(Schema):
    document: int | None = Field(None, description="Văn bản đi đã ban hành")
    incoming_document: int | None = Field(None, description="Văn bản đến đã vào sổ")
    note: NoteIn | None = None
    pages: int | None = Field(None, description="Số trang, khi không đếm được từ tệp")
    version: int | None = Field(None, description="Phiên bản hồ sơ mà người thao tác đang xem")


class RecordAction(StrEnum):
    UPDATE = "update"
    REORDER = "reorder"
    REMOVE = "remove"
    CLOSE = "close"
    REOPEN = "reopen"
    ARCHIVE = "archive"


class RecordActionIn(Schema):
    action: RecordAction
    version: int | None = None
    note: str = Field("", description="Lý do (reopen), chứng từ kết thúc (close)")
    order: list[int] = Field(default_factory=list, description="Mã các mục theo thứ tự mới")
    item: int | None = Field(None, description="Mục cần rút khỏi hồ sơ (remove)")
    title: str | None = None
    retention: str | None = Field(None, description=RETENTION_HELP)
    keywords: str | None = None
    language: str | None = None
    access: str | None = Field(None, description="public hoặc restricted")
    access_note: str | None = None
    description: str | None = None


class PlanQuery(Schema):
    year: int | None = None


class RecordQuery(Schema):
    state: RecordState | None = None
    year: int | None = None
    retention_expired: bool = Field(False, description="Chỉ hồ sơ đã hết thời hạn bảo quản")
    archive_overdue: bool = Field(False, description="Chỉ hồ sơ quá hạn nộp lưu (1 năm)")
