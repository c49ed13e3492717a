"""The append-only history of file plans and work records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.records.models.plans import FilePlan
from tinhso.records.models.records import WorkRecord


class RecordEvent(models.Model):
    """One action (who, when, which, from which state to which, why, with what data) on
    exactly one file `plan` or one work `record`. Never changed once written."""

    plan = models.ForeignKey(
        FilePlan, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    record = models.ForeignKey(
        WorkRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, record__isnull=True)
                | Q(plan__isnull=True, record__isnull=False),
                name="records_event_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id or self.record_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("record history is append-only")
        super().save(*args, **kwargs)
