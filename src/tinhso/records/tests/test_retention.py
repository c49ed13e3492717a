"""Retention periods: parsing what officials type, the end of the period, expiry."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.records.retention import MAX_YEARS, Retention


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Vĩnh viễn", None),
        ("vĩnh viễn", None),
        ("  VINH   VIEN ", None),
        ("VV", None),
        ("permanent", None),
        ("10", 10),
        ("10 năm", 10),
        ("70 nam", 70),
        ("5 years", 5),
        ("1", 1),
        ("100", 100),
    ],
)
def test_parse(text, years):
    assert Retention.parse(text) == Retention(years)


@pytest.mark.parametrize("text", ["", "0", "101", "-5", "mười năm", "10 tháng", "5.5", "vĩnh"])
def test_parse_refuses(text):
    with pytest.raises(ValueError):
        Retention.parse(text)


def test_range_is_enforced_on_construction():
    with pytest.raises(ValueError):
        Retention(0)
    with pytest.raises(ValueError):
        Retention(MAX_YEARS + 1)


def test_end_of_period_runs_from_the_year_the_work_ended():
    ten = Retention(10)
    assert ten.ends_on(date(2020, 3, 15)) == date(2030, 12, 31)
    assert ten.ends_on(date(2020, 12, 31)) == date(2030, 12, 31)
    assert not ten.expired(date(2020, 3, 15), date(2030, 12, 31))
    assert ten.expired(date(2020, 3, 15), date(2031, 1, 1))


def test_permanent_never_ends():
    forever = Retention(None)
    assert forever.permanent and forever.ends_on(date(1990, 1, 1)) is None
    assert not forever.expired(date(1990, 1, 1), date(2999, 1, 1))
    assert str(forever) == "Vĩnh viễn" and str(Retention(20)) == "20 năm"


@given(years=st.integers(1, MAX_YEARS), ended=st.dates(date(1990, 1, 1), date(2100, 12, 31)))
def test_properties(years, ended):
    retention = Retention(years)
    end = retention.ends_on(ended)
    assert end == date(ended.year + years, 12, 31)
    assert Retention.parse(str(retention)) == retention
    assert retention.expired(ended, date(end.year + 1, 1, 1))
    assert not retention.expired(ended, end)
