"""Searching official documents: `search_documents`, the one selector behind the back-office
page and `GET /api/v1/documents/search` (ADR 0009).

The newest matches (MAX_RESULTS + 1 at most) are found first, then ranked. On PostgreSQL the
folded query goes to `websearch_to_tsquery('simple', …)` against the generated `vector` column
through its GIN index, with the scope and filters as facets and growing windows of days
(`search/postgres.py`), and the candidates are ranked with `ts_rank_cd`; on SQLite the FTS5
table, ranked with bm25 (metadata ×10, signer ×2, text ×1); without FTS5, every word must occur
in the folded text (LIKE), newest first. Results are what the searcher may see, by the
documents' own visibility rules (`selectors.outgoing_visibility`, `incoming_visibility`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.utils.translation import gettext as _

from tinhso.directory.models import Organ
from tinhso.documents import selectors
from tinhso.documents.models import SearchEntry
from tinhso.documents.search import postgres, text
from tinhso.documents.search.sql import FTS5_MATCH, FTS5_RANK, PG_RANK, EntrySQL
from tinhso.documents.services.common import DocumentError
from tinhso.documents.states import IncomingState, OutgoingState
from tinhso.documents.types import BY_KEY, Urgency

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Pages stop after this many hits; the count says "more than" beyond it.
MAX_RESULTS = 1000
STATES = frozenset(s.value for s in OutgoingState) | frozenset(s.value for s in IncomingState)
DIRECTIONS = frozenset(SearchEntry.Direction.values)
FTS5 = "documents_searchentry_fts"


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    rank: float
    summary: list[tuple[str, bool]]  # the summary in pieces, True where a query word is


@dataclass
class Results:
    hits: list[Hit]
    total: int  # matches counted, up to MAX_RESULTS + 1
    page: int
    page_size: int
    words: set[str] = field(default_factory=set)

    @property
    def more_than(self) -> bool:
        """True when there are more matches than were counted (MAX_RESULTS)."""
        return self.total > MAX_RESULTS

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_RESULTS) // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@cache
def _sqlite_fts5() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS5])
        return cursor.fetchone() is not None


def _check(
    *,
    direction: str,
    doc_type: str,
    state: str,
    urgency: str,
    date_from: date | None,
    date_to: date | None,
    page: int,
    page_size: int,
) -> None:
    errors: dict[str, list[str]] = {}
    if direction and direction not in DIRECTIONS:
        errors["direction"] = [_("Chọn văn bản đi (out) hoặc văn bản đến (in).")]
    if doc_type and doc_type not in BY_KEY:
        errors["doc_type"] = [_("Loại văn bản không hợp lệ.")]
    if state and state not in STATES:
        errors["state"] = [_("Trạng thái không hợp lệ.")]
    if urgency and urgency not in {u.value for u in Urgency}:
        errors["urgency"] = [_("Độ khẩn không hợp lệ.")]
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = [_("Ngày cuối phải sau ngày đầu của khoảng thời gian.")]
    if page < 1:
        errors["page"] = [_("Số trang bắt đầu từ 1.")]
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        errors["page_size"] = [_("Mỗi trang từ 1 đến %(n)s kết quả.") % {"n": MAX_PAGE_SIZE}]
    if errors:
        raise DocumentError(errors)


def visible_entries(user: Any) -> QuerySet[SearchEntry]:
    """The entries of the documents `user` may see: the documents' own rules, unchanged (with
    the organs in scope listed, so that PostgreSQL can use the indexes on them)."""
    return SearchEntry.objects.filter(
        (
            Q(direction=SearchEntry.Direction.OUTGOING)
            & selectors.outgoing_visibility(user, listed=True)
        )
        | (
            Q(direction=SearchEntry.Direction.INCOMING)
            & selectors.incoming_visibility(user, listed=True)
        )
    )


def _match_sqlite(entries: QuerySet[SearchEntry], query: text.Query, signer: str) -> Any:
    parts = []
    if not query.empty:
        expression = text.fts5_query(query)
        if not expression:
            return entries.none(), None
        parts.append(f"({expression})")
    if signer:
        phrase = text.fts5_phrase(signer, column="signer")
        if not phrase:
            return entries.none(), None
        parts.append(phrase)
    if not parts:
        return entries, None
    match = " AND ".join(parts)
    entries = entries.filter(EntrySQL(FTS5_MATCH, [match], BooleanField()))
    rank = None if query.empty else EntrySQL(FTS5_RANK, [match], FloatField())
    return entries, rank


def _match_like(entries: QuerySet[SearchEntry], query: text.Query, signer: str) -> Any:
    condition = Q()
    for group in query.groups:
        alternative = Q()
        for item in group:
            phrase = " ".join(item.tokens)
            found = (
                Q(meta__contains=phrase) | Q(signer__contains=phrase) | Q(content__contains=phrase)
            )
            alternative &= ~found if item.negated else found
        condition |= alternative
    if signer:
        condition &= Q(signer__contains=text.fold(signer))
    return entries.filter(condition), None


def _match(entries: QuerySet[SearchEntry], query: text.Query, signer: str) -> Any:
    if connection.vendor == "sqlite" and _sqlite_fts5():
        return _match_sqlite(entries, query, signer)
    return _match_like(entries, query, signer)


def _page(ids: list[int], rank: Any, start: int, stop: int) -> list[SearchEntry]:
    """The entries of one page: the candidates ranked (best first, then the newest), or in
    their order (the newest first) without a query."""
    if start >= len(ids):
        return []
    rows = SearchEntry.objects.select_related("organ").defer("meta", "content", "signer")
    if rank is None:
        page_ids = ids[start:stop]
        by_id = rows.in_bulk(page_ids)
        return [by_id[i] for i in page_ids if i in by_id]
    ranked = rows.filter(id__any_of=ids).annotate(rank=rank)
    return list(ranked.order_by("-rank", "-dated", "-id")[start:stop])


def search_documents(
    *,
    user: Any,
    query: str = "",
    direction: str = "",
    organ: Organ | None = None,
    doc_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    signer: str = "",
    state: str = "",
    urgency: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> Results:
    """The documents `user` may see that match `query` (folded: with or without diacritics)
    and every filter given: `direction` ("out" outgoing, "in" incoming), `organ` (the organ
    whose register holds it: the issuing organ, or the receiving one), `doc_type` (a key of
    `documents.types`), the document's date within `date_from`–`date_to` (issue date; a
    draft's creation; an incoming one's own date, else its arrival), `signer` (the words of
    the signer's name, in order), `state`, `urgency`.

    The newest MAX_RESULTS + 1 matches are taken, counted and, with a query, ranked: best
    matches first, then the newest (the newest first without a query). Beyond that many the
    searcher is told there are more and asked to narrow the search; this bounds the work of
    a search whatever the size of the register. Returns `page` of `page_size` hits. Raises
    DocumentError naming a bad filter."""
    _check(
        direction=direction,
        doc_type=doc_type,
        state=state,
        urgency=urgency,
        date_from=date_from,
        date_to=date_to,
        page=page,
        page_size=page_size,
    )
    parsed = text.parse(query)
    entries = visible_entries(user)
    filters = {
        "direction": direction,
        "organ": organ,
        "doc_type": doc_type,
        "dated__gte": date_from,
        "dated__lte": date_to,
        "state": state,
        "urgency": urgency,
    }
    entries = entries.filter(**{k: v for k, v in filters.items() if v})
    limit = MAX_RESULTS + 1
    if connection.vendor == "postgresql":
        facets = postgres.filter_facets(
            direction=direction, organ=organ, doc_type=doc_type, state=state, urgency=urgency
        )
        ids = postgres.candidates(
            entries,
            user=user,
            query=parsed,
            signer=signer.strip(),
            facets=facets,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
        )
        rank = None if parsed.empty else EntrySQL(PG_RANK, [parsed.text], FloatField())
    else:
        entries, rank = _match(entries, parsed, signer.strip())
        ids = list(entries.order_by("-dated", "-id").values_list("id", flat=True)[:limit])
    start = (page - 1) * page_size
    stop = min(start + page_size, MAX_RESULTS)
    found = _page(ids, rank, start, stop)
    total = len(ids)
    words = parsed.words()
    hits = [
        Hit(e, float(getattr(e, "rank", 0.0) or 0.0), text.highlight(e.summary, words))
        for e in found
    ]
    return Results(hits=hits, total=total, page=page, page_size=page_size, words=words)


__all__ = ["MAX_RESULTS", "Hit", "Results", "search_documents", "visible_entries"]
