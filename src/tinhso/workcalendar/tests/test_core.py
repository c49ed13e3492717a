"""The working-time core: exact cases, then properties over random calendars and moments."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tinhso.workcalendar.core import VIETNAM, CalendarError, WorkCalendar

# Tết 2021 as decided: 10/02 to 16/02 off; and a swap: Saturday 26/04/2025 worked.
TET_2021 = frozenset(date(2021, 2, d) for d in range(10, 17))
CAL = WorkCalendar(days_off=TET_2021, working_days=frozenset({date(2025, 4, 26)}))


def at(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=VIETNAM)


class TestExact:
    @pytest.mark.parametrize(
        ("intake", "days", "due"),
        [
            (at(2020, 11, 3, 8), 1, at(2020, 11, 4, 8)),  # Tuesday → Wednesday same time
            (at(2020, 11, 3, 7, 30), 1, at(2020, 11, 3, 17)),  # a whole day ends at 17:00
            (at(2020, 11, 6, 10), 1, at(2020, 11, 9, 10)),  # Friday → Monday
            (at(2020, 11, 6, 10), 5, at(2020, 11, 13, 10)),
            (at(2020, 11, 3, 18), 1, at(2020, 11, 4, 17)),  # after hours: starts next morning
            (at(2020, 11, 3, 12), 1, at(2020, 11, 4, 11, 30)),  # lunch: starts 13:00
            (at(2020, 11, 7, 9), 1, at(2020, 11, 9, 17)),  # Saturday: starts Monday 07:30
            (at(2021, 2, 9, 9), 1, at(2021, 2, 17, 9)),  # across Tết
            (at(2021, 2, 12, 9), 2, at(2021, 2, 18, 17)),  # intake during Tết
            (at(2025, 4, 25, 9), 1, at(2025, 4, 26, 9)),  # make-up Saturday counts
            (at(2020, 11, 3, 8), 0, at(2020, 11, 3, 8)),
        ],
    )
    def test_working_days(self, intake, days, due):
        assert CAL.due(intake, working_days=days) == due

    @pytest.mark.parametrize(
        ("intake", "hours", "due"),
        [
            (at(2020, 11, 3, 8), 3, at(2020, 11, 3, 11)),
            (at(2020, 11, 3, 10), 3, at(2020, 11, 3, 14, 30)),  # jumps the lunch break
            (at(2020, 11, 3, 16), 4, at(2020, 11, 4, 10, 30)),
            (at(2020, 11, 3, 11, 30), 4, at(2020, 11, 3, 17)),
        ],
    )
    def test_working_hours(self, intake, hours, due):
        assert CAL.due(intake, working_hours=hours) == due

    def test_cutoff_moves_late_intake_to_next_working_day(self):
        assert CAL.due(at(2020, 11, 3, 15), working_hours=1, cutoff=time(15)) == at(
            2020, 11, 4, 8, 30
        )
        assert CAL.due(at(2020, 11, 3, 14, 59), working_hours=1, cutoff=time(15)) == at(
            2020, 11, 3, 15, 59
        )
        # Friday after the cut-off: Monday
        assert CAL.intake_start(at(2020, 11, 6, 16), cutoff=time(15)) == at(2020, 11, 9, 7, 30)
        # on a day off the cut-off does not apply: the next working moment does
        assert CAL.intake_start(at(2020, 11, 7, 16), cutoff=time(15)) == at(2020, 11, 9, 7, 30)

    def test_pause_extends_by_the_paused_working_time(self):
        intake = at(2020, 11, 2, 8)  # Monday
        base = CAL.due(intake, working_days=3)
        assert base == at(2020, 11, 5, 8)
        # paused Monday 14:00 to Tuesday 14:00: 8 working hours
        paused = CAL.due(
            intake, working_days=3, pauses=[(at(2020, 11, 2, 14), at(2020, 11, 3, 14))]
        )
        assert paused == at(2020, 11, 6, 8)
        # a weekend pause costs nothing
        weekend = CAL.due(intake, working_days=3, pauses=[(at(2020, 11, 7, 0), at(2020, 11, 9, 0))])
        assert weekend == base

    def test_overlapping_pauses_count_once(self):
        intake = at(2020, 11, 2, 8)
        one = CAL.due(intake, working_days=3, pauses=[(at(2020, 11, 2, 14), at(2020, 11, 2, 16))])
        two = CAL.due(
            intake,
            working_days=3,
            pauses=[
                (at(2020, 11, 2, 14), at(2020, 11, 2, 16)),
                (at(2020, 11, 2, 15), at(2020, 11, 2, 15, 30)),
            ],
        )
        assert one == two == at(2020, 11, 5, 10)

    def test_working_minutes(self):
        assert CAL.working_minutes(at(2020, 11, 2, 7, 30), at(2020, 11, 2, 17)) == 480
        assert CAL.working_minutes(at(2020, 11, 2, 11), at(2020, 11, 2, 13, 30)) == 60
        assert CAL.working_minutes(at(2020, 11, 6, 16), at(2020, 11, 9, 8)) == 90
        assert CAL.working_minutes(at(2020, 11, 9, 8), at(2020, 11, 6, 16)) == 0

    def test_other_time_zones_are_converted(self):
        utc = datetime(2020, 11, 3, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
        assert CAL.due(utc, working_days=1) == at(2020, 11, 4, 8)
        assert CAL.due(utc, working_days=1).utcoffset() == timedelta(hours=7)

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({}, "working_days"),
            ({"working_days": 1, "working_hours": 1}, "working_days"),
            ({"working_days": -1}, "working_days"),
            ({"working_hours": -2}, "working_hours"),
            ({"working_days": 1, "pauses": [(at(2020, 11, 3, 10), at(2020, 11, 3, 9))]}, "pauses"),
        ],
    )
    def test_bad_requests_name_the_field(self, kwargs, field):
        with pytest.raises(CalendarError) as error:
            CAL.due(at(2020, 11, 3, 8), **kwargs)
        assert error.value.field == field

    def test_naive_datetime_is_refused(self):
        with pytest.raises(CalendarError) as error:
            CAL.due(datetime(2020, 11, 3, 8), working_days=1)
        assert error.value.field == "start"

    @pytest.mark.parametrize(
        "blocks",
        [
            (),
            ((time(13), time(17)), (time(7, 30), time(11, 30))),
            ((time(8), time(8)),),
            ((time(8), time(12)), (time(11), time(14))),
        ],
    )
    def test_bad_blocks_are_refused(self, blocks):
        with pytest.raises(CalendarError):
            WorkCalendar(blocks=blocks)

    def test_a_calendar_without_working_days_fails_clearly(self):
        never = WorkCalendar(weekdays=frozenset())
        with pytest.raises(CalendarError, match="no working day"):
            never.due(at(2020, 11, 3, 8), working_days=1)


# --- properties ----------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(VIETNAM)
).map(lambda d: d.replace(second=0, microsecond=0))
days_off = st.frozensets(
    st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 6, 30)), max_size=40
)
calendars = st.builds(lambda off: WorkCalendar(days_off=off), days_off)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=moments, days=st.integers(0, 30), more=st.integers(0, 10))
def test_monotonic_in_the_limit(cal, start, days, more):
    assert cal.due(start, working_days=days) <= cal.due(start, working_days=days + more)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, a=moments, b=moments, days=st.integers(0, 20))
def test_monotonic_in_the_intake(cal, a, b, days):
    assume(a <= b)
    assert cal.due(a, working_days=days) <= cal.due(b, working_days=days)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=moments, hours=st.integers(0, 200))
def test_due_is_exactly_the_limit_in_working_time(cal, start, hours):
    due = cal.due(start, working_hours=hours)
    assert cal.working_minutes(cal.intake_start(start), due) == hours * 60
    assert due >= start


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=moments, days=st.integers(1, 20))
def test_days_are_eight_working_hours(cal, start, days):
    assert cal.due(start, working_days=days) == cal.due(start, working_hours=8 * days)


@settings(max_examples=150, deadline=None)
@given(
    cal=calendars,
    start=moments,
    days=st.integers(1, 20),
    offset=st.integers(0, 5000),
    length=st.integers(0, 5000),
)
def test_a_pause_adds_exactly_its_working_time(cal, start, days, offset, length):
    begin = cal.intake_start(start)
    paused_at = begin + timedelta(minutes=offset)
    resumed_at = paused_at + timedelta(minutes=length)
    with_pause = cal.due(start, working_days=days, pauses=[(paused_at, resumed_at)])
    without = cal.due(start, working_days=days)
    extra = cal.working_minutes(paused_at, resumed_at)
    assert cal.working_minutes(begin, with_pause) == days * 480 + extra
    assert with_pause >= without


@settings(max_examples=100, deadline=None)
@given(cal=calendars, start=moments, days=st.integers(1, 10))
def test_a_pause_outside_working_time_is_neutral(cal, start, days):
    begin = cal.intake_start(start)
    night_start = datetime.combine(begin.date(), time(17, 30), VIETNAM)
    night_end = datetime.combine(begin.date() + timedelta(days=1), time(7, 0), VIETNAM)
    assert cal.due(start, working_days=days, pauses=[(night_start, night_end)]) == cal.due(
        start, working_days=days
    )


@settings(max_examples=100, deadline=None)
@given(cal=calendars, start=moments, days=st.integers(1, 10))
def test_due_falls_in_working_time(cal, start, days):
    due = cal.due(start, working_days=days)
    assert cal.is_working_day(due.date())
    assert any(a <= due.time() <= b for a, b in cal.blocks)
