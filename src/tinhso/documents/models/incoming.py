"""Incoming documents (văn bản đến) and the deadline alerts given about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Official, Organ
from tinhso.documents.models.choices import (
    CONFIDENTIALITY_CHOICES,
    INCOMING_STATE_LABELS,
    URGENCY_CHOICES,
)
from tinhso.documents.models.outgoing import Document, Recipient
from tinhso.documents.models.registers import Register
from tinhso.documents.states import IncomingState, status_code
from tinhso.documents.types import Confidentiality, Urgency, is_classified

NUMBERED_STATES = ("registered", "assigned", "in_handling", "completed")


class IncomingDocument(models.Model):
    """A document received by `organ`: from an organ of this platform (`origin`, delivered on
    distribution), from the national exchange (`exchange_ref` makes receipt idempotent) or
    on paper (scanned by the clerk).

    The clerk registers it with the next number of the incoming register (số đến, in order of
    receipt), a leader assigns it with a handling deadline in working days, the assignee
    handles and completes it, or it is refused with a reason. Each state carries its QCVN 102
    status code (`status_code`) which the exchange reports to the sender.
    """

    class Source(models.TextChoices):
        INTERNAL = "internal", _("Từ cơ quan trên nền tảng")
        EXCHANGE = "exchange", _("Qua trục liên thông")
        SCAN = "scan", _("Văn bản giấy (bản quét)")

    organ = models.ForeignKey(
        Organ,
        verbose_name=_("cơ quan nhận"),
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    origin = models.ForeignKey(
        Document,
        verbose_name=_("văn bản đi gốc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    origin_recipient = models.OneToOneField(
        Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    exchange_ref = models.CharField(_("mã gói tin"), max_length=100, blank=True)
    sender_name = models.CharField(_("cơ quan gửi (tác giả)"), max_length=300)
    sender_identifier = models.CharField(_("mã định danh cơ quan gửi"), max_length=35, blank=True)
    sender_notation = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    sender_date = models.DateField(_("ngày tháng văn bản"), null=True, blank=True)
    type_name = models.CharField(_("tên loại"), max_length=100, blank=True)
    summary = models.CharField(_("trích yếu nội dung"), max_length=500)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    urgency = models.CharField(
        _("độ khẩn"), max_length=12, choices=URGENCY_CHOICES, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("độ mật"), max_length=12, choices=CONFIDENTIALITY_CHOICES, default=Confidentiality.NONE
    )
    arrived_at = models.DateTimeField(_("ngày đến"), db_index=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=[(s.value, label) for s, label in INCOMING_STATE_LABELS.items()],
        default=IncomingState.ARRIVED,
        db_index=True,
    )
    register = models.ForeignKey(
        Register,
        verbose_name=_("sổ văn bản đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    registered_at = models.DateTimeField(_("thời điểm vào sổ"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        Official,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("thời điểm phân công"), null=True, blank=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("thời hạn (ngày làm việc)"), null=True, blank=True
    )
    handling_deadline = models.DateTimeField(_("hạn xử lý"), null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(_("thời điểm hoàn thành"), null=True, blank=True)
    result_note = models.TextField(_("kết quả xử lý"), blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    # Taken back by its sender (Decree 30: revoked, or replaced by a new document): it stays
    # in the register with its number, leaves the work queues, and its page says so.
    revoked_at = models.DateTimeField(_("thời điểm bị thu hồi"), null=True, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-arrived_at", "-pk"]
        indexes = [
            models.Index(fields=["organ", "state"]),
            models.Index(fields=["assignee", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="incoming_number_unique"),
            models.UniqueConstraint(
                fields=["organ", "exchange_ref"],
                condition=~Q(exchange_ref=""),
                name="incoming_exchange_once",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=NUMBERED_STATES)
                | Q(register__isnull=False, number__isnull=False),
                name="incoming_registered_is_numbered",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""),
                name="incoming_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, replaced_by__isnull=True)
                | Q(revoked_at__isnull=False) & ~Q(revocation_reason=""),
                name="incoming_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return _("Văn bản đến số %(n)s (%(s)s)") % {
                "n": self.number,
                "s": self.sender_notation or self.sender_name,
            }
        return self.sender_notation or f"#{self.pk}"

    @property
    def state_label(self) -> str:
        return str(INCOMING_STATE_LABELS[IncomingState(self.state)])

    @property
    def status_code(self) -> str:
        return status_code(IncomingState(self.state))

    @property
    def classified(self) -> bool:
        return is_classified(self.confidentiality)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class HandlingAlert(models.Model):
    """A reminder given about an incoming document's handling deadline: unique on (document,
    kind, deadline), so the reminder watch tells each once, and a new deadline (on
    reassignment) is reminded afresh."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Sắp đến hạn")
        OVERDUE = "overdue", _("Quá hạn")

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("loại nhắc"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("hạn được nhắc"))
    at = models.DateTimeField(_("thời điểm nhắc"), db_index=True)
    recipients = models.PositiveSmallIntegerField(_("số người nhận"), default=0)

    class Meta:
        verbose_name = _("nhắc hạn xử lý văn bản")
        verbose_name_plural = _("nhắc hạn xử lý văn bản")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incoming", "kind", "due_at"], name="handling_alert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incoming_id} {self.kind} {self.due_at:%d/%m/%Y %H:%M}"
