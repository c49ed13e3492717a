"""Schemas and the thin handler of `GET /api/v1/documents/search` (the route itself is in
`documents/api.py`, before `/documents/{pk}`): `search.query.search_documents` does the work."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from tinhso.directory.models import Organ
from tinhso.documents.models import SearchEntry
from tinhso.documents.models.choices import INCOMING_STATE_LABELS, OUTGOING_STATE_LABELS
from tinhso.documents.models.search import NOTICE_LABELS
from tinhso.documents.search.query import (
    MAX_PAGE_SIZE,
    MAX_RESULTS,
    PAGE_SIZE,
    Hit,
    search_documents,
)
from tinhso.documents.services.common import DocumentError
from tinhso.documents.states import IncomingState, OutgoingState
from tinhso.documents.types import Urgency

STATE_LABELS = {s.value: label for s, label in OUTGOING_STATE_LABELS.items()} | {
    s.value: label for s, label in INCOMING_STATE_LABELS.items()
}


class SearchDirection(StrEnum):
    OUTGOING = "out"
    INCOMING = "in"


SearchState = StrEnum(  # type: ignore[misc]
    "SearchState", {s.name: s.value for s in (*OutgoingState, *IncomingState)}
)


class SearchQuery(Schema):
    q: str = Field(
        "",
        max_length=300,
        description='Từ khóa, có dấu hoặc không dấu; "cụm từ" đúng thứ tự; or; -từ loại trừ',
    )
    direction: SearchDirection | None = Field(None, description="out: văn bản đi, in: đến")
    organ: str | None = Field(
        None, description="Mã định danh QCVN 102 của cơ quan ban hành (đi) hoặc nhận (đến)"
    )
    doc_type: str | None = Field(None, description="Loại văn bản, ví dụ decision, report")
    date_from: date | None = Field(None, description="Từ ngày (ngày văn bản)")
    date_to: date | None = Field(None, description="Đến ngày (ngày văn bản)")
    signer: str = Field("", max_length=200, description="Họ tên người ký, có dấu hoặc không")
    state: SearchState | None = None  # type: ignore[valid-type]
    urgency: Urgency | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class PartOut(Schema):
    text: str
    match: bool


class NoticeOut(Schema):
    file: str
    code: str
    message: str


class HitOut(Schema):
    id: int = Field(description="Mã văn bản đi hoặc văn bản đến")
    direction: str
    href: str = Field(description="Đường dẫn API của văn bản")
    notation: str
    number: int | None = Field(description="Số (văn bản đi) hoặc số đến")
    doc_type: str
    type_name: str
    summary: str
    summary_parts: list[PartOut] = Field(description="Trích yếu, đánh dấu các từ tìm thấy")
    organ: str
    organ_name: str
    sender_name: str
    dated: date
    state: str
    state_label: str
    urgency: str
    rank: float
    notices: list[NoticeOut]


class SearchPageOut(Schema):
    count: int = Field(description="Số văn bản phù hợp, đếm đến 1.000")
    more: bool = Field(description="Còn nhiều hơn 1.000 văn bản phù hợp: hãy thu hẹp tìm kiếm")
    page: int
    pages: int
    page_size: int
    results: list[HitOut]


def _hit(hit: Hit) -> dict[str, Any]:
    entry = hit.entry
    outgoing = entry.direction == SearchEntry.Direction.OUTGOING
    pk = entry.document_id if outgoing else entry.incoming_id
    return {
        "id": pk,
        "direction": entry.direction,
        "href": f"/api/v1/documents/{pk}" if outgoing else f"/api/v1/incoming-documents/{pk}",
        "notation": entry.notation,
        "number": entry.number,
        "doc_type": entry.doc_type,
        "type_name": entry.type_name,
        "summary": entry.summary,
        "summary_parts": [{"text": t, "match": m} for t, m in hit.summary],
        "organ": entry.organ.identifier(),
        "organ_name": entry.organ.name,
        "sender_name": entry.sender_name,
        "dated": entry.dated,
        "state": entry.state,
        "state_label": str(STATE_LABELS.get(entry.state, entry.state)),
        "urgency": entry.urgency,
        "rank": round(hit.rank, 6),
        "notices": [
            {
                "file": n.get("file", ""),
                "code": n.get("code", ""),
                "message": str(NOTICE_LABELS.get(n.get("code", ""), n.get("text", ""))),
            }
            for n in entry.notices
        ],
    }


def search(user: Any, filters: SearchQuery) -> dict[str, Any]:
    """Run the search for the API caller; DocumentError (422) naming a bad filter."""
    organ = None
    if filters.organ:
        organ = Organ.objects.filter(identifiers__value=filters.organ).first()
        if organ is None:
            raise DocumentError({"organ": [_("Không có cơ quan mang mã định danh này.")]})
    results = search_documents(
        user=user,
        query=filters.q,
        direction=filters.direction.value if filters.direction else "",
        organ=organ,
        doc_type=filters.doc_type or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
        signer=filters.signer,
        state=filters.state.value if filters.state else "",
        urgency=filters.urgency.value if filters.urgency else "",
        page=filters.page,
        page_size=filters.page_size,
    )
    prefetch_related_objects([h.entry for h in results.hits], "organ__identifiers")
    return {
        "count": min(results.total, MAX_RESULTS),
        "more": results.more_than,
        "page": results.page,
        "pages": results.pages,
        "page_size": results.page_size,
        "results": [_hit(h) for h in results.hits],
    }
