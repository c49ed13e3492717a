"""The message log: one row per message to one recipient on one channel."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class Status(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class Notification(models.Model):
    """A templated message, rendered when it was queued and sent by a task.

    `key` names the event occurrence ("dossier:12:received"); `idempotency_key` is the SHA-256 of
    key, channel and address, unique, so that the same occurrence never reaches the same
    address twice on the same channel, however often it is announced. `ref` points at the
    object the message is about as a plain string ("dossier:12"): this app sits below the ones
    that send messages and imports none of them.
    """

    event = models.CharField(_("sự kiện"), max_length=60, db_index=True)
    key = models.CharField(_("khóa sự kiện"), max_length=200, db_index=True)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    ref = models.CharField(_("đối tượng"), max_length=80, blank=True, db_index=True)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("người nhận (địa chỉ)"), max_length=254)
    recipient_name = models.CharField(_("tên người nhận"), max_length=300, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    body_html = models.TextField(_("nội dung HTML"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("lỗi lần gửi cuối"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    provider_ref = models.CharField(_("mã của nhà cung cấp"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("lần gửi cuối"), null=True, blank=True)
    sent_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("nhật ký thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient} ({self.channel})"
