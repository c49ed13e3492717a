"""What every statistics report of the platform shares: the reporting period (days in Vietnam
time, cut at the moment the report is made) and shares kept as numerator / denominator.

Used by the one-stop statistics (`dossiers.statistics`) and the statistics of official
documents (`documents.statistics`), so that a period means the same days in both.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.formats import format_percent

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Period:
    """The days `first`..`last` (both included) in Vietnam time, as the moments [start, end).

    `cap` (the moment the report is made) cuts a period that has not ended yet: figures "at
    the end" of the current month are measured now, not at a future midnight.
    """

    first: date
    last: date
    cap: datetime | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=VN)

    @property
    def end(self) -> datetime:
        """The first moment after the period (midnight after `last`), or `cap` if earlier."""
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=VN)
        return min(end, self.cap) if self.cap is not None else end

    @property
    def on(self) -> date:
        """The last day of the period that has begun (for what is "in force at the end")."""
        return (self.end - timedelta(microseconds=1)).astimezone(VN).date()


@dataclass(frozen=True)
class Rate:
    """A share, kept as its two counts until it is shown."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The share as a fraction; None when the denominator is 0 (a share of nothing)."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def text(self) -> str:
        if not self.denominator:
            return "—"
        return format_percent(self.numerator, self.denominator)


def _parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: _("Ngày không hợp lệ: «%(value)s» (cần dạng YYYY-MM-DD).") % {"value": value}}
        ) from None


def parse_period(
    first: str | None, last: str | None, *, now: datetime | None = None, preset: str = ""
) -> Period:
    """The period asked for: `from`/`to` as YYYY-MM-DD (`to` included), or a preset
    ("month", "quarter", "year": the current one), by default the current month. The period
    is cut at `now`. Raises ValidationError by field ("from", "to")."""
    now = now or timezone.now()
    today = now.astimezone(VN).date()
    start, end = _parse_day(first, "from"), _parse_day(last, "to")
    if start is None and end is None:
        if preset == "year":
            start, end = date(today.year, 1, 1), date(today.year, 12, 31)
        elif preset == "quarter":
            q = (today.month - 1) // 3
            start = date(today.year, 3 * q + 1, 1)
            end = date(today.year, 3 * q + 3, calendar.monthrange(today.year, 3 * q + 3)[1])
        else:
            start = today.replace(day=1)
            end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    elif start is None or end is None:
        missing = "from" if start is None else "to"
        raise ValidationError({missing: _("Cần cả ngày bắt đầu và ngày kết thúc.")})
    if end < start:
        raise ValidationError({"to": _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")})
    if start > today:
        raise ValidationError({"from": _("Ngày bắt đầu không được sau ngày hôm nay.")})
    return Period(start, end, cap=now)
