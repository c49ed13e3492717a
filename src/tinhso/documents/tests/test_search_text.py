"""The pure rules of document search: folding, the query language in FTS5 and tsquery form,
notations, highlighting."""

import sqlite3
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tinhso.documents.search import text


def test_fold_is_the_one_rule_of_the_platform():
    from tinhso.procedures.search import fold as catalogue_fold

    assert text.fold is catalogue_fold
    assert text.fold("  Nghị  ĐỊNH ") == "nghi dinh"
    assert text.fold("Đăng ký, đơn vị") == "dang ky, don vi"
    assert text.fold("Ưu tiên Ơn") == "uu tien on"


def test_notation_in_full_and_in_parts():
    assert text.notation_text("123/BC-UBND") == "123/bc-ubnd 123 bc-ubnd"
    assert text.notation_text("42/2022/NĐ-CP") == "42/2022/nd-cp 42 2022 nd-cp"
    assert text.notation_text("UBND") == "ubnd"
    assert text.notation_text("") == ""


def test_parse_reads_websearch_syntax():
    query = text.parse('Kế hoạch "chuyển đổi số" -dự án or 45/UBND-VP')
    assert query.text == 'ke hoach "chuyen doi so" -du an or 45/ubnd-vp'
    # "-dự án": only "dự" is excluded, as websearch_to_tsquery reads it.
    assert [[(i.tokens, i.negated) for i in g] for g in query.groups] == [
        [
            (("ke",), False),
            (("hoach",), False),
            (("chuyen", "doi", "so"), False),
            (("du",), True),
            (("an",), False),
        ],
        [(("45", "ubnd", "vp"), False)],
    ]
    assert query.words() == {"ke", "hoach", "chuyen", "doi", "so", "an", "45", "ubnd", "vp"}
    assert [i.chunk for g in query.groups for i in g] == [
        "ke",
        "hoach",
        "chuyen doi so",
        "du",
        "an",
        "45/ubnd-vp",
    ]


def test_fts5_query():
    assert text.fts5_query(text.parse("nghi dinh")) == '("nghi" AND "dinh")'
    assert text.fts5_query(text.parse('"nghi dinh" -khan')) == '(("nghi dinh") NOT ("khan"))'
    assert text.fts5_query(text.parse("a or b c")) == '("a") OR ("b" AND "c")'
    assert text.fts5_query(text.parse("123/BC-UBND")) == '("123 bc ubnd")'
    assert text.fts5_query(text.parse("-only")) == ""  # FTS5 cannot say "all but"
    assert text.parse("  ,;  ").empty
    assert text.fts5_phrase("Nguyễn Văn A", column="signer") == 'signer : "nguyen van a"'


def test_tsquery_phrase_for_the_signer():
    assert text.tsquery_phrase("Nguyễn Văn A", weight="C") == "'nguyen':C <-> 'van':C <-> 'a':C"
    assert text.tsquery_phrase("O'Brien; DROP") == "'o' <-> 'brien' <-> 'drop'"
    assert text.tsquery_phrase("...") == ""


def test_highlight_marks_folded_words():
    assert text.highlight("Quyết định về đê biển", {"de", "bien"}) == [
        ("Quyết định về ", False),
        ("đê", True),
        (" ", False),
        ("biển", True),
    ]
    assert text.highlight("Không khớp", set()) == [("Không khớp", False)]


@given(st.text())
def test_fold_is_idempotent(value):
    assert text.fold(text.fold(value)) == text.fold(value)


@given(st.text(), st.sets(st.text(min_size=1, max_size=5)))
def test_highlight_keeps_the_text(value, words):
    pieces = text.highlight(value, words)
    assert "".join(p for p, _hit in pieces) == unicodedata.normalize("NFC", value)


FTS5 = sqlite3.connect(":memory:")
FTS5.execute("CREATE VIRTUAL TABLE t USING fts5(meta, signer, content, tokenize='unicode61')")
FTS5.execute("INSERT INTO t VALUES ('ke hoach 123/bc-ubnd', 'nguyen van a', 'noi dung')")


@given(st.text(max_size=80), st.text(max_size=20))
def test_any_query_is_valid_fts5(value, signer):
    """Whatever is typed, the MATCH expression parses (FTS5 raises on a syntax error)."""
    parts = [p for p in (text.fts5_query(text.parse(value)), text.fts5_phrase(signer)) if p]
    if parts:
        FTS5.execute("SELECT rowid FROM t WHERE t MATCH ?", [" AND ".join(parts)]).fetchall()
