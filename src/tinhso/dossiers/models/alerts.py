"""Deadline alerts already given, so that the deadline watch tells each of them once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models.dossier import Dossier


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")


class DeadlineAlert(models.Model):
    """One alert of the deadline watch: `kind` for the step `step_key` of `dossier`, or for the
    whole dossier when `step_key` is empty (whose overdue alert also sent the apology letter).

    Unique on (dossier, step_key, kind): the watch creates the row and queues the messages in
    one transaction, so running it again, or twice at once, alerts once.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="alerts")
    step_key = models.CharField(_("bước"), max_length=40, blank=True)
    kind = models.CharField(_("loại cảnh báo"), max_length=10, choices=AlertKind.choices)
    due_at = models.DateTimeField(_("hạn được cảnh báo"))
    at = models.DateTimeField(_("thời điểm cảnh báo"), db_index=True)
    recipients = models.PositiveSmallIntegerField(_("số người nhận"), default=0)

    class Meta:
        verbose_name = _("cảnh báo hạn xử lý")
        verbose_name_plural = _("cảnh báo hạn xử lý")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "step_key", "kind"], name="deadline_alert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.step_key or '*'} {self.kind}"
