"""Number and notation (Decree 30/2020): examples, errors and round trips."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.documents.notation import (
    Notation,
    blank_date_line,
    format_notation,
    number_line,
    parse_notation,
    place_date_line,
    place_name,
)
from tinhso.documents.types import ADMINISTRATIVE_TYPES, BY_ABBREVIATION


def test_the_three_forms():
    assert format_notation(number=123, organ="UBND", type_abbreviation="BC") == "123/BC-UBND"
    assert format_notation(number=45, organ="UBND", unit="VP") == "45/UBND-VP"
    assert (
        format_notation(number=42, organ="CP", type_abbreviation="NĐ", year=2022) == "42/2022/NĐ-CP"
    )
    assert format_notation(number=7, organ="UBND", type_abbreviation="QyĐ") == "07/QyĐ-UBND"
    assert format_notation(number=1, organ="UBND") == "01/UBND"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123/BC-UBND", Notation(123, "UBND", "BC")),
        ("Số: 45/UBND-VP", Notation(45, "UBND", "", "VP")),
        ("42/2022/NĐ-CP", Notation(42, "CP", "NĐ", "", 2022)),
        ("12/2021/QĐ-UBND", Notation(12, "UBND", "QĐ", "", 2021)),
        ("05/CTr-UBND", Notation(5, "UBND", "CTr")),
        # an unknown type without a year reads as a công văn: only known types are recognised
        ("3/TTLT-BTC-BNV", Notation(3, "TTLT", "", "BTC-BNV")),
        ("45/CT-TTHT", Notation(45, "TTHT", "CT")),  # read as a directive, see the docstring
        ("18 / TTr - STP", Notation(18, "STP", "TTr")),
    ],
)
def test_parse(text, expected):
    assert parse_notation(text) == expected


@pytest.mark.parametrize(
    "text", ["", "BC-UBND", "0/BC-UBND", "12/", "12/bc-UBND-x", "12/2022/UBND", "a/BC-UBND"]
)
def test_parse_refuses(text):
    with pytest.raises(ValueError):
        parse_notation(text)


@pytest.mark.parametrize(
    "parts",
    [
        {"number": 0, "organ": "UBND", "type_abbreviation": "BC"},
        {"number": 1, "organ": "ubnd", "type_abbreviation": "BC"},
        {"number": 1, "organ": "UBND", "type_abbreviation": "BC", "unit": "VP"},
        {"number": 1, "organ": "UBND", "year": 2022},
        {"number": 1, "organ": "UBND", "type_abbreviation": "B C"},
    ],
)
def test_format_refuses(parts):
    with pytest.raises(ValueError):
        format_notation(**parts)


def test_lines():
    assert number_line(Notation(123, "UBND", "BC")) == "Số: 123/BC-UBND"
    assert number_line(None, symbol="UBND-VP") == "Số:      /UBND-VP"
    assert place_date_line("Kiên Giang", date(2020, 11, 3)) == (
        "Kiên Giang, ngày 03 tháng 11 năm 2020"
    )
    assert place_date_line("Kiên Giang", date(2021, 2, 15)) == (
        "Kiên Giang, ngày 15 tháng 02 năm 2021"
    )
    assert place_date_line("Rạch Giá", date(2021, 3, 9)) == "Rạch Giá, ngày 09 tháng 3 năm 2021"
    assert blank_date_line("Kiên Giang", 2020) == "Kiên Giang, ngày     tháng     năm 2020"
    assert place_name("Tỉnh Kiên Giang") == "Kiên Giang"
    assert place_name("Thành phố Rạch Giá") == "Rạch Giá"
    assert place_name("Phường Vĩnh Thanh Vân") == "Vĩnh Thanh Vân"


ABBREVIATIONS = st.text(alphabet="ABCDĐEGHKLMNPQRSTUVXY0123456789", min_size=1, max_size=6)
TYPES = st.sampled_from(sorted(BY_ABBREVIATION))
NUMBERS = st.integers(min_value=1, max_value=999_999)


@given(
    NUMBERS,
    TYPES,
    st.lists(ABBREVIATIONS, min_size=1, max_size=2),
    st.none() | st.integers(1990, 2099),
)
def test_typed_round_trip(number, kind, organ, year):
    notation = Notation(number, "-".join(organ), kind, "", year)
    assert parse_notation(str(notation)) == notation
    assert str(parse_notation(str(notation))) == str(notation)


@given(
    NUMBERS,
    ABBREVIATIONS.filter(lambda a: a not in BY_ABBREVIATION),
    st.lists(ABBREVIATIONS, max_size=2),
)
def test_letter_round_trip(number, organ, unit):
    notation = Notation(number, organ, "", "-".join(unit))
    assert parse_notation(str(notation)) == notation
    assert parse_notation(f"Số: {notation}") == notation


@given(NUMBERS)
def test_leading_zero_below_ten_only(number):
    text = format_notation(number=number, organ="UBND", type_abbreviation="BC")
    written = text.split("/")[0]
    assert int(written) == number
    assert len(written) == max(2, len(str(number)))


def test_every_type_formats_and_parses():
    for kind in ADMINISTRATIVE_TYPES:
        text = format_notation(
            number=9,
            organ="UBND",
            type_abbreviation=kind.abbreviation,
            unit="" if kind.abbreviation else "VP",
        )
        assert parse_notation(text).type_abbreviation == kind.abbreviation
