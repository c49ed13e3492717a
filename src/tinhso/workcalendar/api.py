"""`GET /api/v1/calendar/due-date`: the due moment of a legal time limit."""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from tinhso.core.api import READ_PROBLEMS
from tinhso.workcalendar.core import VIETNAM, CalendarError
from tinhso.workcalendar.selectors import calendar_for

router = Router()

# The longest limit accepted: legal limits are weeks or months, never years.
MAX_WORKING_DAYS = 365
MAX_WORKING_HOURS = MAX_WORKING_DAYS * 8


class DueDateQuery(Schema):
    start: datetime = Field(
        description="Thời điểm tiếp nhận, ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam"
    )
    working_days: int | None = Field(None, ge=0, le=MAX_WORKING_DAYS)
    working_hours: int | None = Field(None, ge=0, le=MAX_WORKING_HOURS)
    organ: str | None = Field(None, description="Mã định danh cơ quan (QCVN 102 hoặc QĐ 20/2020)")
    cutoff: time | None = Field(
        None, description="Giờ chốt: tiếp nhận từ giờ này tính từ ngày làm việc sau"
    )


class DueDateOut(Schema):
    due: str = Field(description="Hạn xử lý, ISO 8601 với +07:00")
    start: str = Field(description="Thời điểm bắt đầu tính thời hạn")


@router.get(
    "/calendar/due-date",
    response={200: DueDateOut, **READ_PROBLEMS},
    summary="Hạn xử lý theo ngày/giờ làm việc / the due date of a time limit",
    operation_id="calendar_due_date",
)
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> dict[str, str]:
    """The moment when `working_days` (8 working hours each) or `working_hours` of working
    time have elapsed after `start`, skipping nights, weekends, public holidays and decided
    days off, counting make-up working days; intake outside working hours starts at the next
    working block."""
    if (query.working_days is None) == (query.working_hours is None):
        raise ValidationError(
            {"working_days": _("Cần đúng một trong hai tham số working_days hoặc working_hours.")}
        )
    start = query.start if query.start.tzinfo else query.start.replace(tzinfo=VIETNAM)
    calendar = calendar_for(year=start.astimezone(VIETNAM).year, organ_identifier=query.organ)
    try:
        due = calendar.due(
            start,
            working_days=query.working_days,
            working_hours=query.working_hours,
            cutoff=query.cutoff,
        )
        clock_start = calendar.intake_start(start, cutoff=query.cutoff)
    except CalendarError as error:
        raise ValidationError({error.field: str(error)}) from error
    return {"due": due.isoformat(), "start": clock_start.isoformat()}
