"""Admin-kept days off and make-up working days, and per-organ working hours."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A decided exception to the default calendar: an extra day off (e.g. a bridge day
    before Tết) or a make-up working day (e.g. a Saturday worked in exchange)."""

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Ngày nghỉ")
        WORKING_DAY = "work", _("Ngày làm việc bù")

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("lý do"), max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("ngày nghỉ / làm bù")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}: {self.name}"


def _validate_blocks(value: object) -> None:
    from datetime import time

    from tinhso.workcalendar.core import CalendarError, WorkCalendar

    try:
        blocks = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in value)  # type: ignore[attr-defined]
        WorkCalendar(blocks=blocks)
    except (TypeError, ValueError, CalendarError) as error:
        raise ValidationError(
            _('Giờ làm việc phải là danh sách các khoảng ["07:30", "11:30"] theo thứ tự.')
        ) from error


def _validate_weekdays(value: object) -> None:
    if not (
        isinstance(value, list)
        and value
        and all(isinstance(d, int) and 0 <= d <= 6 for d in value)
        and len(set(value)) == len(value)
    ):
        raise ValidationError(_("Ngày làm việc trong tuần là danh sách số từ 0 (thứ Hai) đến 6."))


class WorkingHours(models.Model):
    """The working hours of one organ, when they differ from the default."""

    organ = models.OneToOneField(
        "directory.Organ",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    blocks = models.JSONField(
        _("các khoảng giờ làm việc"),
        default=list,
        validators=[_validate_blocks],
        help_text=_('Ví dụ: [["07:00", "11:30"], ["13:30", "17:00"]]'),
    )
    weekdays = models.JSONField(
        _("các ngày làm việc trong tuần"),
        default=list,
        validators=[_validate_weekdays],
        help_text=_("0 = thứ Hai … 6 = Chủ nhật, ví dụ [0, 1, 2, 3, 4, 5]"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giờ làm việc của cơ quan")
        verbose_name_plural = _("giờ làm việc của cơ quan")

    def __str__(self) -> str:
        return str(self.organ)
