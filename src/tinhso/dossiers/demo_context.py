"""Context of the demo dossier generator: what it reads once (organs, offerings, calendars,
staff) and a fast working-time clock. Split from `demo.py`, which plans and writes."""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tinhso.directory.models import (
    AdministrativeUnit,
    Applicant,
    OrganIdentifier,
    OrganScheme,
    RoleAssignment,
)
from tinhso.directory.models import Organ as OrganModel
from tinhso.dossiers.models import DossierCounter
from tinhso.procedures.models import Procedure, ProcessStep, ServiceLevel, TimeUnit
from tinhso.workcalendar.core import VIETNAM, WorkCalendar
from tinhso.workcalendar.models import WorkingHours
from tinhso.workcalendar.selectors import calendar_for

Progress = Callable[..., Any]
FIRST_YEAR = 2020
# Relative yearly volumes (2021: the pandemic year); the current year counts for its part.
YEAR_WEIGHTS = {2020: 1.0, 2021: 0.85, 2022: 1.1, 2023: 1.2, 2024: 1.3, 2025: 1.35, 2026: 1.4}
# Share of online dossiers among those whose procedure allows online filing, by year.
RECENT_DAYS = 28  # "recent": received in the last four weeks (open dossiers, queues)
# Outcomes (shares of received dossiers).


# --- working-time arithmetic in bulk -------------------------------------------------------


class _Clock:
    """Working minutes of one `WorkCalendar` as integer coordinates, for the many moments
    the generator plans (pauses, resolutions, hand-overs): `moment(coord(m) + n)` equals
    `calendar.add(m, n)` for n > 0 (a moment that ends a block is that block's end), without
    walking the days: `WorkCalendar.due` walks every day of the limit (0.1–0.3 ms a call, the
    largest cost of a million dossiers); this is a dictionary look-up."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.offsets: list[tuple[int, int, int]] = []  # (start minute of day, end, coord offset)
        per_day = 0
        for start, end in calendar.blocks:
            a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
            self.offsets.append((a, b, per_day))
            per_day += b - a
        self.per_day = per_day
        self.days: list[date] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                self.days.append(day)
            day += timedelta(days=1)
        self.ordinals = {d: i for i, d in enumerate(self.days)}

    def day_coord(self, day: date) -> int:
        """The coordinate of the start of working day `day`."""
        return self.ordinals[day] * self.per_day

    def coord(self, moment: datetime) -> int:
        """The working minutes from the clock's first working day to `moment` (a moment out of
        working time counts as the next working moment)."""
        local = moment.astimezone(self.calendar.tz)
        day, minute = local.date(), local.hour * 60 + local.minute
        index = self.ordinals.get(day)
        if index is None:
            index = bisect.bisect_left(self.days, day)
            minute = -1
        if index >= len(self.days):
            raise ValueError(f"{moment} after the clock's last working day")
        for a, b, offset in self.offsets:
            if minute < b:
                return index * self.per_day + offset + max(0, minute - a)
        return (index + 1) * self.per_day

    def moment(self, coord: int) -> datetime:
        """The moment at `coord`; a coordinate on a block boundary is the end of the earlier
        block (11:30, 17:00), as `WorkCalendar.add` answers."""
        index, rest = divmod(coord, self.per_day)
        if rest == 0 and index > 0:
            index, rest = index - 1, self.per_day
        day = self.days[index]
        for a, b, offset in self.offsets:
            if rest <= offset + (b - a):
                minute = a + rest - offset
                return datetime.combine(day, time(minute // 60, minute % 60), self.calendar.tz)
        raise AssertionError("unreachable")


# --- what the generator reads once ---------------------------------------------------------


@dataclass
class _Procedure:
    pk: int
    minutes: int  # the time limit in working minutes
    limit: dict[str, int]  # {"working_days": N} or {"working_hours": N}
    cutoff: time | None
    kinds: tuple[str, ...]
    levels: list[tuple[date | None, date | None, str]]
    steps: list[tuple[str, str, str, int | None, int]]  # key, role, scope, organ, duration h
    fields: tuple[str, ...]
    organs: list[int] = field(default_factory=list)

    def level_on(self, day: date) -> str:
        for valid_from, valid_to, kind in self.levels:
            if (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to):
                return kind
        return ""


@dataclass
class _Context:
    now: datetime
    procedures: list[_Procedure]
    cumulative: list[float]  # popularity of `procedures`, cumulated
    identifiers: dict[int, list[tuple[date | None, date | None, str]]]
    organ_parent: dict[int, int | None]
    organ_unit: dict[int, int | None]
    organ_valid: dict[int, tuple[date | None, date | None]]
    own_hours: set[int]
    applicants: dict[str, list[tuple[int, str, str, int | None]]]  # kind → (pk, id, name, user)
    by_unit: dict[tuple[str, int], list[int]]  # (kind, unit or district) → applicant indexes
    unit_parent: dict[int, int | None]
    officials: dict[tuple[int, str], int]  # (organ, role) → user id
    years: list[int]
    year_cumulative: list[float]
    working_days: dict[int, list[date]]
    recent_days: list[date]
    counters: dict[tuple[int, date], int]
    calendars: dict[tuple[int, int], tuple[WorkCalendar, _Clock]] = field(default_factory=dict)

    def calendar(self, organ: int, year: int) -> tuple[WorkCalendar, _Clock]:
        key = (organ if organ in self.own_hours else 0, year)
        found = self.calendars.get(key)
        if found is None:
            ident = self.identifier(organ, date(year, 1, 1)) if key[0] else ""
            calendar = calendar_for(year=year, organ_identifier=ident or None)
            clock = _Clock(calendar, date(year - 1, 1, 1), date(year + 2, 12, 31))
            found = self.calendars[key] = (calendar, clock)
        return found

    def identifier(self, organ: int, day: date) -> str:
        for valid_from, valid_to, value in self.identifiers.get(organ, ()):
            if (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to):
                return value
        return ""


def _load(now: datetime, recent_share: float) -> _Context:
    steps: dict[int, list[tuple[str, str, str, int | None, int]]] = defaultdict(list)
    for row in ProcessStep.objects.order_by("procedure_id", "order").values_list(
        "procedure_id", "key", "role", "organ_scope", "organ_id", "duration_hours"
    ):
        steps[row[0]].append(row[1:])
    levels: dict[int, list[tuple[date | None, date | None, str]]] = defaultdict(list)
    for pk, valid_from, valid_to, kind in ServiceLevel.objects.values_list(
        "procedure_id", "valid_from", "valid_to", "kind"
    ):
        levels[pk].append((valid_from, valid_to, kind))
    procedures: dict[int, _Procedure] = {}
    for pk, limit, unit, cutoff, kinds, schema in (
        Procedure.objects.filter(is_active=True)
        .order_by("code")
        .values_list("pk", "time_limit", "time_unit", "cutoff", "applicant_kinds", "form_schema")
    ):
        days = unit == TimeUnit.WORKING_DAYS
        procedures[pk] = _Procedure(
            pk=pk,
            minutes=limit * (480 if days else 60),
            limit={"working_days" if days else "working_hours": limit},
            cutoff=cutoff,
            kinds=tuple(kinds or ("citizen", "business")),
            levels=levels.get(pk, []),
            steps=steps.get(pk, []),
            fields=tuple((schema or {}).get("properties", {})),
        )
    for procedure_id, organ_id in Procedure.organs.through.objects.order_by(
        "procedure_id", "organ_id"
    ).values_list("procedure_id", "organ_id"):
        if procedure_id in procedures:
            procedures[procedure_id].organs.append(organ_id)
    offered = [p for p in procedures.values() if p.organs]
    # Popularity by rank (a few procedures make most dossiers), in a fixed shuffled order.
    random.Random("dossiers:popularity").shuffle(offered)  # noqa: S311 (demo data)
    cumulative, total = [], 0.0
    for rank, _p in enumerate(offered, start=1):
        total += 1 / rank**0.9
        cumulative.append(total)

    identifiers: dict[int, list[tuple[date | None, date | None, str]]] = defaultdict(list)
    for organ_id, valid_from, valid_to, value in OrganIdentifier.objects.filter(
        scheme=OrganScheme.QCVN102
    ).values_list("organ_id", "valid_from", "valid_to", "value"):
        identifiers[organ_id].append((valid_from, valid_to, value))
    organ_parent, organ_unit, organ_valid = {}, {}, {}
    for pk, parent, unit, valid_from, valid_to in OrganModel.objects.values_list(
        "pk", "parent_id", "unit_id", "valid_from", "valid_to"
    ):
        organ_parent[pk], organ_unit[pk], organ_valid[pk] = parent, unit, (valid_from, valid_to)

    unit_parent = dict(AdministrativeUnit.objects.values_list("pk", "parent_id"))
    applicants: dict[str, list[tuple[int, str, str, int | None]]] = defaultdict(list)
    by_unit: dict[tuple[str, int], list[int]] = defaultdict(list)
    for pk, kind, identifier, name, user_id, unit_id in Applicant.objects.order_by(
        "pk"
    ).values_list("pk", "kind", "identifier", "name", "user_id", "unit_id"):
        index = len(applicants[kind])
        applicants[kind].append((pk, identifier, name, user_id))
        if unit_id is not None:
            by_unit[(kind, unit_id)].append(index)
            parent = unit_parent.get(unit_id)
            if parent is not None:
                by_unit[(kind, parent)].append(index)

    officials: dict[tuple[int, str], int] = {}
    for organ_id, role, user_id in RoleAssignment.objects.order_by("pk").values_list(
        "organ_id", "role", "official__user_id"
    ):
        officials.setdefault((organ_id, role), user_id)

    today = timezone.localtime(now, VIETNAM).date()
    default = calendar_for(year=today.year)
    years = list(range(FIRST_YEAR, today.year + 1))
    working_days: dict[int, list[date]] = {}
    weights = []
    for year in years:
        calendar = calendar_for(year=year)
        day, days = date(year, 1, 1), []
        while day <= min(date(year, 12, 31), today):
            if calendar.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        working_days[year] = days
        elapsed = (min(date(year, 12, 31), today) - date(year, 1, 1)).days + 1
        weights.append(YEAR_WEIGHTS.get(year, 1.4) * elapsed / 365)
    year_cumulative, total = [], 0.0
    for w in weights:
        total += w
        year_cumulative.append(total)
    recent_days = [
        today - timedelta(days=n)
        for n in range(RECENT_DAYS, -1, -1)
        if default.is_working_day(today - timedelta(days=n))
    ]
    if recent_share <= 0:
        recent_days = []
    counters = {
        (organ, day): last
        for organ, day, last in DossierCounter.objects.values_list("organ_id", "day", "last")
    }
    return _Context(
        now=now,
        procedures=offered,
        cumulative=cumulative,
        identifiers=identifiers,
        organ_parent=organ_parent,
        organ_unit=organ_unit,
        organ_valid=organ_valid,
        own_hours=set(WorkingHours.objects.values_list("organ_id", flat=True)),
        applicants=applicants,
        by_unit=by_unit,
        unit_parent=unit_parent,
        officials=officials,
        years=years,
        year_cumulative=year_cumulative,
        working_days=working_days,
        recent_days=recent_days,
        counters=counters,
    )
