"""Working-time arithmetic for legal deadlines (pure: no Django imports).

A `WorkCalendar` knows the working blocks of a day (default 07:30–11:30 and 13:00–17:00),
the working weekdays (Monday–Friday), the days off (public holidays and decided days off) and
the make-up working days (a Saturday worked in exchange for a bridge day). On it:

- `due(start, working_days=N)` is the moment when N × 8 working hours have elapsed after the
  intake at `start` (`working_hours=N` for limits in hours); intake outside working time
  starts at the next working block; an optional cut-off moves a late intake (e.g. after
  15:00) to the next working day; closed pauses (supplement requests) push the due date by
  the working time they covered.
- `working_minutes(a, b)` measures the working time between two moments.

All datetimes are timezone-aware; results are in the calendar's time zone. Arithmetic is in
whole minutes: legal limits are days or hours, and intake times are recorded to the minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MINUTES_PER_WORKING_DAY = 8 * 60
DEFAULT_BLOCKS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
# How far to look for the next working day before deciding the calendar has none.
_MAX_SEARCH_DAYS = 366 * 2


class CalendarError(ValueError):
    """A calendar or a request that cannot be computed; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class WorkCalendar:
    blocks: tuple[tuple[time, time], ...] = DEFAULT_BLOCKS
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()  # make-up working days on a weekend
    tz: ZoneInfo = field(default=VIETNAM)

    def __post_init__(self) -> None:
        previous_end = time(0, 0)
        if not self.blocks:
            raise CalendarError("blocks", "a working day needs at least one block")
        for start, end in self.blocks:
            if not (previous_end <= start < end):
                raise CalendarError("blocks", "blocks must be ordered and not overlap")
            if start.second or end.second or start.microsecond or end.microsecond:
                raise CalendarError("blocks", "blocks start and end on whole minutes")
            previous_end = end

    # --- days ----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day in self.days_off:
            return False
        return day.weekday() in self.weekdays or day in self.working_days

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, _MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError("calendar", "no working day within two years")

    def _blocks_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, s, self.tz), datetime.combine(day, e, self.tz))
            for s, e in self.blocks
        ]

    def _blocks_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working blocks (or their remainders) from `moment` on, in order."""
        day = moment.date()
        for _ in range(_MAX_SEARCH_DAYS):
            for start, end in self._blocks_on(day):
                if end > moment:
                    yield max(start, moment), end
            day += timedelta(days=1)
        raise CalendarError("calendar", "no working day within two years")

    # --- moments -------------------------------------------------------------------------

    def _local(self, moment: datetime, name: str) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError(name, "the moment must carry a time zone")
        return moment.astimezone(self.tz).replace(second=0, microsecond=0)

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` if it falls in working time, else the start of the next working block."""
        start, _end = next(self._blocks_from(self._local(moment, "start")))
        return start

    def add(self, start: datetime, minutes: int) -> datetime:
        """The moment when `minutes` of working time have elapsed after `start`.

        Ending exactly at the end of a block gives that end (17:00), not the next start.
        """
        if minutes < 0:
            raise CalendarError("minutes", "working time cannot be negative")
        moment = self._local(start, "start")
        if minutes == 0:
            return self.next_working_moment(moment)
        remaining = minutes
        for block_start, block_end in self._blocks_from(moment):
            length = int((block_end - block_start).total_seconds() // 60)
            if remaining <= length:
                return block_start + timedelta(minutes=remaining)
            remaining -= length
        raise AssertionError("unreachable: _blocks_from raises first")

    def working_minutes(self, a: datetime, b: datetime) -> int:
        """Working minutes in [a, b); 0 when b ≤ a."""
        a, b = self._local(a, "start"), self._local(b, "end")
        if b <= a:
            return 0
        total = 0
        day = a.date()
        while day <= b.date():
            for start, end in self._blocks_on(day):
                overlap = min(end, b) - max(start, a)
                if overlap > timedelta(0):
                    total += int(overlap.total_seconds() // 60)
            day += timedelta(days=1)
        return total

    # --- deadlines -----------------------------------------------------------------------

    def intake_start(self, intake: datetime, *, cutoff: time | None = None) -> datetime:
        """When the clock starts for an intake: the next working moment, or the start of the
        next working day when the intake falls at or after `cutoff` on a working day."""
        local = self._local(intake, "start")
        if cutoff is not None and self.is_working_day(local.date()) and local.time() >= cutoff:
            day = self.next_working_day(local.date())
            return datetime.combine(day, self.blocks[0][0], self.tz)
        return self.next_working_moment(local)

    def due(
        self,
        intake: datetime,
        *,
        working_days: int | None = None,
        working_hours: int | None = None,
        cutoff: time | None = None,
        pauses: Iterable[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """The due moment of a limit of `working_days` (8 working hours each) or
        `working_hours`, counted from `intake`, extended by the working time of `pauses`
        (each a closed interval (paused, resumed) after the intake).

        Raises CalendarError naming the field: neither or both limits, a negative limit, a
        naive datetime, a pause that ends before it starts.
        """
        if (working_days is None) == (working_hours is None):
            raise CalendarError("working_days", "give exactly one of working_days, working_hours")
        limit = working_days if working_days is not None else working_hours
        name = "working_days" if working_days is not None else "working_hours"
        assert limit is not None
        if limit < 0:
            raise CalendarError(name, "the limit cannot be negative")
        minutes = limit * (MINUTES_PER_WORKING_DAY if working_days is not None else 60)
        start = self.intake_start(intake, cutoff=cutoff)
        paused = sum(self.working_minutes(a, b) for a, b in self._merged(pauses, after=start))
        return self.add(start, minutes + paused)

    def _merged(
        self, pauses: Iterable[tuple[datetime, datetime]], *, after: datetime
    ) -> list[tuple[datetime, datetime]]:
        """Pauses clipped to start no earlier than `after`; overlaps merged, never counted twice."""
        intervals = []
        for paused_at, resumed_at in pauses:
            a, b = self._local(paused_at, "pauses"), self._local(resumed_at, "pauses")
            if b < a:
                raise CalendarError("pauses", "a pause cannot end before it starts")
            intervals.append((max(a, after), b))
        merged: list[tuple[datetime, datetime]] = []
        for a, b in sorted(i for i in intervals if i[1] > i[0]):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged
