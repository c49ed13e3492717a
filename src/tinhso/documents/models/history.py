"""The append-only history of documents: every action on an outgoing or incoming one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.documents.models.incoming import IncomingDocument
from tinhso.documents.models.outgoing import Document


class DocumentEvent(models.Model):
    """One action (who, when, which, from which state to which, why) on exactly one outgoing
    `document` or one `incoming` document. Never changed once written."""

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
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
    action = models.CharField(_("thao tác"), max_length=30)
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử văn bản")
        verbose_name_plural = _("lịch sử văn bản")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False, incoming__isnull=True)
                | Q(document__isnull=True, incoming__isnull=False),
                name="document_event_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id or self.incoming_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("document history is append-only")
        super().save(*args, **kwargs)
