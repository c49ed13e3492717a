"""Rows of the national adapters: the durable queue of pushes to the national public-service
portal, and what the DVCQG simulator holds (the simulator's rows, never the platform's).

Imported by `exchange/models.py`, so they belong to the `exchange` app (migration 0003)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.exchange.models import OutboxMessage


class NationalPush(models.Model):
    """One push to the portal (a dossier or its progress), written in the transaction of the
    dossier action that caused it and sent by the worker (`national.queue.send_due`). The body
    never changes, so every attempt sends the same push under the same message id."""

    class Kind(models.TextChoices):
        DOSSIER = "dossier", _("Đồng bộ hồ sơ")
        PROGRESS = "progress", _("Cập nhật tiến độ")

    # The edXML outbox's states: one queue vocabulary for the node (pending, sent, failed and
    # to be retried, dead).
    State = OutboxMessage.State

    message_id = models.UUIDField(_("mã thông điệp"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40)
    source_ref = models.CharField(_("nguồn"), max_length=100, blank=True)
    body = models.JSONField(_("nội dung gửi"))
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    answer = models.JSONField(_("trả lời của Cổng"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông điệp gửi Cổng DVC quốc gia")
        verbose_name_plural = _("thông điệp gửi Cổng DVC quốc gia")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="national_push_due"),
            models.Index(fields=["dossier_code", "kind", "state"], name="national_push_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dossier_code} ({self.message_id})"


class SimulatedPortalDossier(models.Model):
    """DVCQG simulator: a dossier as the simulated portal holds it (the last dossier push)."""

    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    data = models.JSONField(_("dữ liệu hồ sơ"))
    status = models.PositiveSmallIntegerField(_("trạng thái"))
    received_at = models.DateTimeField(_("nhận lần đầu lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ trên Cổng DVC quốc gia (mô phỏng)")
        verbose_name_plural = _("hồ sơ trên Cổng DVC quốc gia (mô phỏng)")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.code


class SimulatedPortalMessage(models.Model):
    """DVCQG simulator: every push it applied, once per message id (a repeat is answered from
    this row and applies nothing)."""

    message_id = models.UUIDField(unique=True)
    service = models.CharField(max_length=30)
    code = models.CharField(max_length=40, db_index=True)
    data = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông điệp Cổng DVC quốc gia nhận (mô phỏng)")
        verbose_name_plural = _("thông điệp Cổng DVC quốc gia nhận (mô phỏng)")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.service} {self.code}"
