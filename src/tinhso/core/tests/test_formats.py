from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.formats import format_date, format_long_date, format_number, format_percent


def test_seed_report_figures():
    assert format_number(20_917_436) == "20.917.436"
    assert format_number(2_946_000) == "2.946.000"
    assert format_percent(986, 1000) == "98,6%"
    assert format_percent(8273, 10000, decimals=2) == "82,73%"
    assert format_date(date(2020, 11, 3)) == "03/11/2020"


def test_small_and_negative_numbers():
    assert format_number(0) == "0"
    assert format_number(999) == "999"
    assert format_number(1000) == "1.000"
    assert format_number(-1234567) == "-1.234.567"
    assert format_number(Decimal("1234.55"), decimals=1) == "1.234,6"


def test_percentage_of_nothing_is_an_error():
    with pytest.raises(ZeroDivisionError):
        format_percent(0, 0)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 11, 3), "Kiên Giang, ngày 03 tháng 11 năm 2020"),
        (date(2021, 2, 9), "Kiên Giang, ngày 09 tháng 02 năm 2021"),
        (date(2021, 3, 15), "Kiên Giang, ngày 15 tháng 3 năm 2021"),
    ],
)
def test_decree_30_date_line(day, expected):
    assert format_long_date(day, place="Kiên Giang") == expected


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_grouping_round_trips(n):
    text = format_number(n)
    assert int(text.replace(".", "")) == n
    groups = text.lstrip("-").split(".")
    assert all(len(g) == 3 for g in groups[1:])
    assert len(groups[0]) in (1, 2, 3)
