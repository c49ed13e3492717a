"""Search text of official documents (pure: no Django imports).

Everything is folded the one way (`core.textfold.fold`: lower case, no diacritics, đ → d), the
indexed text and the query alike, so "nghi dinh" finds "Nghị định" and "dang" finds "Đăng".

The query language is PostgreSQL's `websearch_to_tsquery`: words must all occur, "quoted
words" must occur in that order, `or` between two items accepts either, `-word` excludes. On
PostgreSQL the folded query goes to `websearch_to_tsquery('simple', …)` as it is;
`fts5_query` writes the same meaning in SQLite FTS5's syntax, and `words` gives the words to
highlight.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from tinhso.core.textfold import fold

__all__ = [
    "Query",
    "fold",
    "fts5_query",
    "highlight",
    "meta_text",
    "notation_text",
    "parse",
    "tsquery_phrase",
]

MAX_QUERY_CHARS = 300
_ITEM = re.compile(r'-?"[^"]*"?|\S+')
_TOKEN = re.compile(r"\w+")
_RUN = re.compile(r"(\w+)")


def notation_text(notation: str) -> str:
    """A notation as written and in its parts, folded: "123/BC-UBND" → "123/bc-ubnd 123
    bc-ubnd", so the whole notation, its number and its symbol ("BC-UBND") are all found."""
    folded = fold(notation)
    if not folded:
        return ""
    parts = " ".join(p for p in folded.split("/") if p)
    return f"{folded} {parts}" if parts != folded else folded


def meta_text(values: Iterable[str]) -> str:
    """The folded metadata of a document, one value per line, empty values left out."""
    return "\n".join(f for f in (fold(v) for v in values if v) if f)


@dataclass(frozen=True)
class Item:
    """One word, hyphenated or slashed word (its parts in order) or quoted phrase."""

    tokens: tuple[str, ...]
    negated: bool = False
    chunk: str = ""  # as typed (folded), without the quotes or the minus sign


@dataclass
class Query:
    """A parsed query: alternatives (`or`) of groups of items that must all match."""

    text: str  # folded, as PostgreSQL receives it
    groups: list[list[Item]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(item.tokens for group in self.groups for item in group)

    def words(self) -> set[str]:
        """The words asked for (not the excluded ones), to highlight in results."""
        return {t for group in self.groups for i in group if not i.negated for t in i.tokens}


def parse(raw: str) -> Query:
    """Parse a query the way `websearch_to_tsquery` reads it."""
    text = fold(raw)[:MAX_QUERY_CHARS]
    groups: list[list[Item]] = [[]]
    pending_or = False
    for match in _ITEM.finditer(text):
        chunk = match.group()
        if chunk == "or":
            pending_or = bool(groups[-1])
            continue
        negated = chunk.startswith("-") and len(chunk) > 1
        tokens = tuple(_TOKEN.findall(chunk))
        if not tokens:
            continue
        if pending_or:
            groups.append([])
            pending_or = False
        groups[-1].append(Item(tokens, negated, chunk.lstrip("-").strip('"')))
    return Query(text, [g for g in groups if g])


def _phrase(tokens: tuple[str, ...]) -> str:
    return '"' + " ".join(tokens) + '"'


def fts5_query(query: Query) -> str:
    """The query in SQLite FTS5 syntax ("" when nothing can match): each `or` alternative is
    its items ANDed, with the excluded ones after NOT; a group of exclusions only is left out
    (FTS5 cannot say "everything but")."""
    alternatives = []
    for group in query.groups:
        wanted = [_phrase(i.tokens) for i in group if not i.negated]
        unwanted = [_phrase(i.tokens) for i in group if i.negated]
        if not wanted:
            continue
        expression = " AND ".join(wanted)
        if unwanted:
            expression = f"({expression}) NOT ({' OR '.join(unwanted)})"
        alternatives.append(f"({expression})")
    return " OR ".join(alternatives)


def tsquery_phrase(raw: str, *, weight: str = "") -> str:
    """The words of `raw`, folded, as a PostgreSQL tsquery phrase (`'a':C <-> 'b':C`),
    restricted to one weight (a column of the index) when given; "" without words."""
    suffix = f":{weight}" if weight else ""
    return " <-> ".join(f"'{t}'{suffix}" for t in _TOKEN.findall(fold(raw)))


def fts5_phrase(raw: str, *, column: str = "") -> str:
    """The words of `raw`, folded, as an FTS5 phrase, restricted to `column` when given."""
    tokens = tuple(_TOKEN.findall(fold(raw)))
    if not tokens:
        return ""
    return f"{column} : {_phrase(tokens)}" if column else _phrase(tokens)


def highlight(text: str, words: set[str]) -> list[tuple[str, bool]]:
    """`text` cut into pieces, each marked True when it is one of `words` once folded:
    "Kế hoạch chuyển đổi số", {"ke", "hoach"} → [("Kế", True), (" ", False),
    ("hoạch", True), (" chuyển đổi số", False)]."""
    pieces: list[tuple[str, bool]] = []
    for run in _RUN.split(unicodedata.normalize("NFC", text)):
        if not run:
            continue
        hit = bool(words) and _TOKEN.fullmatch(run) is not None and fold(run) in words
        if pieces and pieces[-1][1] == hit and not hit:
            pieces[-1] = (pieces[-1][0] + run, False)
        else:
            pieces.append((run, hit))
    return pieces
