"""Candidates of a search on PostgreSQL: the newest matches, found without visiting the others
(ADR 0009).

Vietnamese is written in syllables, and the common ones ("thực", "hiện", "ban", "nhân", "dân")
occur in nine documents out of ten: an ordinary query matches hundreds of thousands of the
3.1 million documents, the GIN index pays for every posting of such a syllable, and the planner,
which takes the words for independent, cannot tell. So:

- The filter columns are in the vector too, as facet lexemes of weight D that no one types
  (migrations 0004, 0007): `xo12` organ 12, `xw…` drafting unit, `xa…` assignee, `xr` `xs`
  `xk` `xt` direction, state, urgency and type, `xd20201231` the day, `xm202012` the month,
  and `xp5` (`xq5`) for every organ above the organ (the drafting unit) and itself, so that
  a subtree granted is one facet.
- The GIN index is asked for the query's *rare* words (less frequent than RARE in the column's
  statistics; else the two rarest), the searcher's organs (a facet of fewer than SCOPE_TOKENS
  alternatives; a wider scope is left to the SQL conditions and the organs' index), the filters
  and disjoint windows of days, newest first: the newest day, then as many days back as the
  rate of matches found so far says are missing, until the windows hold enough matches or
  the last one (everything older) has been asked. Windows are disjoint, so no row is read
  twice, and their matches, newest window first, are in order.
- Every candidate row is then tested against the whole query (`ts_match_vq`, which the planner
  cannot turn into an index condition); the vector is kept in the row for that.
- Over a wide scope, when the statistics expect the matches among the newest rows (common
  words: "thực hiện"), the date index is walked instead, newest first, testing rows until
  there are enough or WALK_ROWS have been tested.
- The rows are best in order of date on disk, as a register written day after day has them:
  a window's postings in the index and its rows are then neighbours.

The SQL conditions (`query.visible_entries`, the filters) decide exactly; facets and rare words
only narrow what the index returns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet, TextField

from tinhso.directory.models import Organ
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import scope_grants
from tinhso.documents import selectors
from tinhso.documents.models import SearchEntry
from tinhso.documents.search import text
from tinhso.documents.search.sql import TSQUERY, EntrySQL

# A scope of more organs than this has no facet at all (hundreds of alternatives narrow nothing
# a province-wide searcher would notice) and may walk the date index.
FACET_ORGANS = 64
# A scope facet of fewer alternatives than this is asked of the index; a longer one is left to
# the SQL conditions (and the organs' own index).
SCOPE_TOKENS = 8
# A word in more than this share of the documents is tested on the rows, not asked of the
# index (whose cost grows with the postings of each word).
RARE = 0.02
# Rows a walk of the date index tests at most before the windows take over; it is tried when
# the statistics expect the matches within half of them.
WALK_ROWS = 15_000
STATS_SECONDS = 600
# Windows of days: the first is the newest day; each next one reaches back as far as the rate
# of matches found so far says is missing (times MARGIN; GROWTH times the days covered when
# none was found); up to DAY_FACETS days are asked as days, longer ones as months; a window
# longer than WINDOW_DAYS is the last: everything older, without a date facet.
MARGIN = 1.3
GROWTH = 8
DAY_FACETS = 16
WINDOW_DAYS = 100
_stats: dict[str, Any] = {"at": -STATS_SECONDS, "shares": {}}

FULL_MATCH = "ts_match_vq({t}.vector, " + TSQUERY + ")"
INDEXED = "{t}.vector @@ to_tsquery('simple'::regconfig, %s)"


def facet(kind: str, value: object) -> str:
    """The facet lexeme of a filter value, as migration 0004 writes it: "xs" + "inhandling"."""
    return f"x{kind}{str(value).replace('_', '')}"


def _any(tokens: list[str]) -> str:
    return "(" + " | ".join(tokens) + ")"


def scope_facet(user: Any) -> str | None:
    """The organs (issuing or drafting) and assignments the searcher may see, as facets: a
    subtree granted as the facet of its root on the entries' organ paths (`xp5`, `xq5`), an
    organ granted alone as its own (`xo12`, `xw12`). None when the scope is too wide to narrow
    anything; "" when it is empty."""
    organs = selectors.listed_organs(user, Permission.VIEW_DOCUMENTS)
    if len(organs) > FACET_ORGANS:
        return None
    named = scope_grants(user, Permission.VIEW_DOCUMENTS)
    subtrees, singles = named if named is not None else ([], organs)
    tokens = [facet(kind, o) for o in subtrees for kind in ("p", "q")]
    tokens += [facet(kind, o) for o in singles for kind in ("o", "w")]
    tokens += [facet("a", official) for official in selectors.listed_officials(user)]
    return _any(tokens) if tokens else ""


def filter_facets(
    *, direction: str, organ: Organ | None, doc_type: str, state: str, urgency: str
) -> list[str]:
    """The filters given, as facets."""
    given = [("r", direction), ("o", organ.pk if organ else ""), ("t", doc_type)]
    given += [("s", state), ("k", urgency)]
    return [facet(kind, value) for kind, value in given if value]


def _day(value: date) -> str:
    return facet("d", value.strftime("%Y%m%d"))


def window_facet(lower: date, upper: date) -> str:
    """The facets of the days `lower`–`upper`: each day's for a short window, else each month's
    it touches (a superset: the SQL condition on the date is exact)."""
    days = (upper - lower).days + 1
    if days <= DAY_FACETS:
        return _any([_day(upper - timedelta(days=d)) for d in range(days)])
    months, month = [], upper.replace(day=1)
    while month >= lower.replace(day=1):
        months.append(facet("m", month.strftime("%Y%m")))
        month = (month - timedelta(days=1)).replace(day=1)
    return _any(months)


def next_span(found: int, covered: int, limit: int) -> int:
    """The days of the next window: what is still missing at the rate of matches per day found
    so far, with a margin; GROWTH times the days covered when none was found; at least half
    the days covered, so that the windows end (capping the growth when a few were found
    measured slower: more windows, each reading its postings)."""
    if found == 0:
        return covered * GROWTH
    wanted = math.ceil((limit - found) * covered / found * MARGIN)
    return max(1, -(-covered // 2), wanted)


def word_shares() -> dict[str, float]:
    """The share of entries holding each of the column's most common lexemes, from its
    statistics (ANALYZE), read at most every STATS_SECONDS per process."""
    if time.monotonic() - _stats["at"] > STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'documents_searchentry' AND attname = 'vector'"
            )
            row = cursor.fetchone()
        pairs = zip(row[0], row[1], strict=False) if row and row[0] else []
        _stats["shares"] = dict(pairs)
        _stats["at"] = time.monotonic()
    shares: dict[str, float] = _stats["shares"]
    return shares


def query_words(query: text.Query) -> list[list[str]]:
    """The words of each `or` alternative as PostgreSQL parses them (the lexemes its index
    holds: "30/2020/nd-cp" is one), the excluded ones left out."""
    chunks = [[i.chunk for i in g if not i.negated] for g in query.groups]
    flat = [c for group in chunks for c in group]
    if not flat:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n, array_agg(lexeme) FROM unnest(%s::text[]) WITH ORDINALITY AS c(chunk, n), "
            "unnest(to_tsvector('simple'::regconfig, chunk)) GROUP BY n",
            [flat],
        )
        lexemes = {n - 1: words for n, words in cursor.fetchall()}
    groups, n = [], 0
    for group in chunks:
        words: list[str] = []
        for _chunk in group:
            words += [w for w in lexemes.get(n, []) if w not in words]
            n += 1
        groups.append(words)
    return groups


def indexed_words(groups: list[list[str]], *, least: bool = False) -> str:
    """What the index can be asked for the words: in each `or` alternative, its words rarer
    than RARE all present; with `least`, the two rarest of each alternative whatever their
    share. "" when some alternative has none to ask (the words are then only tested on the
    rows)."""
    shares = word_shares()
    alternatives = []
    for words in groups:
        ranked = sorted(words, key=lambda w: shares.get(w, 0.0))
        asked = ranked[:2] if least else [w for w in ranked if shares.get(w, 0.0) <= RARE]
        if not asked:
            return ""
        alternatives.append(" & ".join("'" + w.replace("'", "''") + "'" for w in asked))
    if not alternatives:
        return ""
    return alternatives[0] if len(alternatives) == 1 else _any(alternatives)


def rare_words(groups: list[list[str]]) -> bool:
    """True when every `or` alternative has a word the column's statistics do not list among
    its most common (rarer than any they list)."""
    shares = word_shares()
    return bool(groups) and all(any(w not in shares for w in words) for words in groups)


@contextmanager
def bitmap_scans() -> Iterator[None]:
    """Within this block, the planner reads the entries through their indexes' bitmaps only,
    never a sequential or ordered index scan that would test the words row by row (its row
    estimates for Vietnamese syllables are far off). The settings are local to the
    transaction; inside a caller's transaction they are put back at the end."""
    settings = ("enable_seqscan", "enable_indexscan")
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        saved = None
        if nested:
            cursor.execute("SELECT current_setting(%s), current_setting(%s)", settings)
            saved = cursor.fetchone()
        cursor.execute("SELECT set_config(%s, 'off', true), set_config(%s, 'off', true)", settings)
        try:
            yield
        finally:
            if saved is not None:
                cursor.execute(
                    "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
                    [settings[0], saved[0], settings[1], saved[1]],
                )


def newest_date() -> date | None:
    """The newest date in the index (the date index's last entry)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(dated) FROM documents_searchentry")
        found: date | None = cursor.fetchone()[0]
        return found


def expected_share(groups: list[list[str]], facets: list[str]) -> float:
    """The share of the entries expected to hold the words of some alternative and the facets,
    from the column's statistics, taking them for independent (a word the statistics do not
    list is rare: 0)."""
    shares = word_shares()
    given = math.prod(shares.get(f, 0.0) for f in facets)
    return given * max((math.prod(shares.get(w, 0.0) for w in g) for g in groups), default=0)


def _walk(entries: QuerySet[SearchEntry], query: text.Query, limit: int) -> list[int] | None:
    """The newest `limit` matches found by walking the date index newest first and testing
    each row in scope; None when the newest WALK_ROWS rows in scope did not hold them (the
    windows then find them)."""
    recent = entries.annotate(vector=EntrySQL("{t}.vector", [], TextField()))
    recent = recent.order_by("-dated", "-id").values("id", "dated", "vector")[:WALK_ROWS]
    sql, params = recent.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM ({sql}) recent "  # noqa: S608 (Django's SQL, then fixed text)
            "WHERE ts_match_vq(recent.vector, websearch_to_tsquery('simple'::regconfig, %s)) "
            "ORDER BY recent.dated DESC, recent.id DESC LIMIT %s",
            [*params, query.text, limit],
        )
        found = [row[0] for row in cursor.fetchall()]
    return found if len(found) >= limit else None


def _newest(
    ordered: QuerySet[SearchEntry],
    static: list[str],
    scope: str | None,
    newest: date,
    date_from: date | None,
    limit: int,
    *,
    rare: bool = False,
) -> list[int]:
    """The ids of the newest `limit` rows of `ordered` (newest first), asking the index for the
    `static` facets and words and disjoint windows of days, newest first, until they hold
    `limit` or the last window (everything older) has been asked; at once with `rare` words
    (the statistics do not list them: fewer postings than a window of days). The `scope`
    facet is asked too when it has few alternatives: the index evaluates the whole query for
    every posting of the rarest alternatives, and a scope of many small organs would make
    those many and the query long (the organs' own index narrows instead, through the SQL
    condition)."""
    found: list[int] = []
    upper, span, covered = newest, WINDOW_DAYS + 1 if rare else 1, 0
    few = scope is not None and scope.count("|") < SCOPE_TOKENS
    with bitmap_scans():
        while True:
            lower = upper - timedelta(days=span - 1)
            last = span > WINDOW_DAYS or (date_from is not None and lower <= date_from)
            window = None if last else window_facet(lower, upper)
            rows = ordered.filter(dated__lte=upper)
            if not last:
                rows = rows.filter(dated__gte=lower)
            asked = scope if few else None
            lexemes = " & ".join(f"({f})" for f in (asked, *static, window) if f)
            if lexemes:
                rows = rows.filter(EntrySQL(INDEXED, [lexemes], BooleanField()))
            found += rows[: limit - len(found)]
            if last or len(found) >= limit:
                return found
            covered += span
            span = next_span(len(found), covered, limit)
            upper = lower - timedelta(days=1)


def candidates(
    entries: QuerySet[SearchEntry],
    *,
    user: Any,
    query: text.Query,
    signer: str,
    facets: list[str],
    date_from: date | None,
    date_to: date | None,
    limit: int,
) -> list[int]:
    """The ids of the newest `limit` entries among `entries` (the exact conditions) that match
    `query` and the signer's name, newest first."""
    scope = scope_facet(user)
    if scope == "":
        return []
    phrase = ""
    if signer:
        phrase = text.tsquery_phrase(signer, weight="C")
        if not phrase:
            return []
    ordered = entries.order_by("-dated", "-id").values_list("id", flat=True)
    if query.empty and not scope and not facets and not phrase:
        return list(ordered[:limit])  # everything in scope: the date index serves
    words, rare = "", False
    if not query.empty:
        ordered = ordered.filter(EntrySQL(FULL_MATCH, [query.text], BooleanField()))
        groups = query_words(query)
        words = indexed_words(groups)
        if not scope and not phrase and expected_share(groups, facets) * WALK_ROWS > 2 * limit:
            walked = _walk(entries, query, limit)  # common words over a wide scope
            if walked is not None:
                return walked
        rare = bool(words) and rare_words(groups)
        # Common words only: the rarest two still narrow what the index returns.
        words = words or indexed_words(groups, least=True)
    static = [f for f in (words, *facets, phrase) if f]
    newest = newest_date()
    if newest is None:
        return []
    if date_to is not None:
        newest = min(newest, date_to)
    return _newest(ordered, static, scope, newest, date_from, limit, rare=rare)
