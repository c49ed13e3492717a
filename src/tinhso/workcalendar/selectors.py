"""The calendar in force: `holidays` defaults overlaid with the admin-kept days."""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache

import holidays
from django.apps import apps
from django.db.models import Count, Max
from django.http import Http404
from django.utils.translation import gettext as _

from tinhso.workcalendar.core import DEFAULT_BLOCKS, WorkCalendar
from tinhso.workcalendar.models import CalendarDay, WorkingHours

# Years of public holidays loaded around the years asked for: a deadline of up to a few
# months never leaves this window.
YEARS_BEFORE, YEARS_AFTER = 1, 2


@lru_cache(maxsize=64)
def _public_days(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Vietnam's public holidays and make-up working days from the `holidays` package."""
    calendar = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    return frozenset(calendar), frozenset(getattr(calendar, "weekend_workdays", ()))


@lru_cache(maxsize=64)
def _calendar(organ_key: str, years: tuple[int, int], stamp: tuple[object, ...]) -> WorkCalendar:
    days_off, working_days = _public_days(*years)
    days_off, working_days = set(days_off), set(working_days)
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        if kind == CalendarDay.Kind.DAY_OFF:
            days_off.add(day)
            working_days.discard(day)
        else:
            working_days.add(day)
            days_off.discard(day)
    blocks, weekdays = DEFAULT_BLOCKS, frozenset(range(5))
    hours = WorkingHours.objects.filter(organ_id=organ_key).first() if organ_key else None
    if hours is not None:
        blocks = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in hours.blocks)
        weekdays = frozenset(hours.weekdays)
    return WorkCalendar(
        blocks=blocks,
        weekdays=weekdays,
        days_off=frozenset(days_off),
        working_days=frozenset(working_days),
    )


def _stamp() -> tuple[object, ...]:
    """Changes whenever an admin edits the calendar tables (one cheap query)."""
    days = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    hours = WorkingHours.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (days["n"], days["last"], hours["n"], hours["last"])


def calendar_for(*, year: int, organ_identifier: str | None = None) -> WorkCalendar:
    """The working calendar around `year`, of the organ holding `organ_identifier` (either
    identifier scheme) or the default one. Raises Http404 for an unknown identifier."""
    organ_key = ""
    if organ_identifier:
        organ_model = apps.get_model("directory", "Organ")
        organ_id = (
            organ_model.objects.filter(identifiers__value=organ_identifier)
            .values_list("pk", flat=True)
            .first()
        )
        if organ_id is None:
            raise Http404(
                _("Không có cơ quan mang mã định danh «%(i)s».") % {"i": organ_identifier}
            )
        organ_key = str(organ_id)
    return _calendar(organ_key, (year - YEARS_BEFORE, year + YEARS_AFTER), _stamp())
