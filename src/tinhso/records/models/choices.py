"""Labels and shared fields of the records models: Vietnamese labels of the pure enums, the
access regime and the retention fields every plan entry and record carries."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tinhso.records.retention import MAX_YEARS, Retention
from tinhso.records.states import PlanState, RecordState

RECORD_STATE_LABELS = {
    RecordState.OPEN: _("Đang lập"),
    RecordState.CLOSED: _("Đã kết thúc"),
    RecordState.ARCHIVED: _("Đã nộp lưu"),
}
PLAN_STATE_LABELS = {
    PlanState.DRAFT: _("Dự thảo"),
    PlanState.APPROVED: _("Đã ban hành"),
    PlanState.SUPERSEDED: _("Đã được thay thế"),
}


class Access(models.TextChoices):
    """Chế độ sử dụng (Circular 02/2019/TT-BNV): open to all, or on conditions that
    `access_note` states. Classified documents are never filed on the platform."""

    PUBLIC = "public", _("Công khai")
    RESTRICTED = "restricted", _("Sử dụng có điều kiện")


LANGUAGE_CHOICES = [
    ("vi", _("Tiếng Việt")),
    ("en", _("Tiếng Anh")),
    ("fr", _("Tiếng Pháp")),
    ("ru", _("Tiếng Nga")),
    ("zh", _("Tiếng Trung")),
    ("km", _("Tiếng Khmer")),
]


def retention_label(retention: Retention) -> str:
    """«Vĩnh viễn» or «10 năm»."""
    if retention.permanent:
        return gettext("Vĩnh viễn")
    return gettext("%(n)s năm") % {"n": retention.years}


class RetentionFields(models.Model):
    """Thời hạn bảo quản: permanent, or a number of years (exactly one of the two)."""

    retention_permanent = models.BooleanField(_("bảo quản vĩnh viễn"), default=False)
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn bảo quản (năm)"), null=True, blank=True
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_permanent=True, retention_years__isnull=True)
                | Q(
                    retention_permanent=False,
                    retention_years__gte=1,
                    retention_years__lte=MAX_YEARS,
                ),
                name="%(app_label)s_%(class)s_retention",
            )
        ]

    @property
    def retention(self) -> Retention:
        return Retention(None if self.retention_permanent else self.retention_years)

    @retention.setter
    def retention(self, value: Retention) -> None:
        self.retention_permanent, self.retention_years = value.permanent, value.years

    @property
    def retention_label(self) -> str:
        return retention_label(self.retention)
