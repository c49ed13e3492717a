"""Shipments by the public postal service: results sent to the applicant, dossiers received
by post. The postal service itself is reached through `tinhso.exchange.postal`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models.dossier import Dossier


class Shipment(models.Model):
    """One item carried by the public postal service for a dossier.

    Outgoing (a result returned by post): made in the transaction of the return action in
    state `to_request`, then requested from the postal service (at once after the commit, or
    by the periodic job while the service is down), then followed by its status callbacks.
    Incoming (a dossier handed in by post): the tracking number the officer read on the
    envelope at intake. `history` is append-only: one entry {at, state, note, event} per change.
    """

    class Direction(models.TextChoices):
        RESULT_OUT = "out", _("Trả kết quả qua bưu chính")
        INTAKE_IN = "in", _("Nhận hồ sơ qua bưu chính")

    class State(models.TextChoices):
        TO_REQUEST = "to_request", _("Chờ gửi yêu cầu cho bưu chính")
        FAILED = "failed", _("Bưu chính từ chối, cần sửa địa chỉ")
        ACCEPTED = "accepted", _("Bưu chính đã nhận gửi")
        IN_TRANSIT = "in_transit", _("Đang vận chuyển")
        DELIVERED = "delivered", _("Đã phát thành công")
        RETURNED = "returned", _("Chuyển hoàn về cơ quan")
        CANCELLED = "cancelled", _("Đã hủy")
        RECEIVED = "received", _("Đã nhận hồ sơ qua bưu chính")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="shipments"
    )
    direction = models.CharField(_("chiều"), max_length=3, choices=Direction.choices)
    reference = models.CharField(_("mã đơn gửi bưu chính"), max_length=60, unique=True)
    tracking_number = models.CharField(
        _("số hiệu bưu gửi"), max_length=40, blank=True, db_index=True
    )
    recipient_name = models.CharField(_("người nhận"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại người nhận"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ nhận"), max_length=300, blank=True)
    ward = models.CharField(_("xã/phường"), max_length=100, blank=True)
    province = models.CharField(_("tỉnh/thành phố"), max_length=100, blank=True)
    description = models.CharField(_("nội dung bưu gửi"), max_length=300, blank=True)
    declared_value = models.PositiveIntegerField(_("giá trị khai giá (đồng)"), default=0)
    cod_amount = models.PositiveIntegerField(_("tiền thu hộ (đồng)"), default=0)
    fee = models.PositiveIntegerField(_("cước (đồng)"), default=0)
    state = models.CharField(_("tình trạng"), max_length=12, choices=State.choices)
    history = models.JSONField(_("hành trình"), default=list)
    attempts = models.PositiveIntegerField(_("số lần gửi yêu cầu"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bưu gửi")
        verbose_name_plural = _("bưu gửi")
        ordering = ["dossier", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking_number"],
                condition=models.Q(direction="out") & ~models.Q(tracking_number=""),
                name="shipment_out_tracking_unique",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="shipment_due")]

    def __str__(self) -> str:
        return self.tracking_number or self.reference

    @property
    def full_address(self) -> str:
        return ", ".join(p for p in (self.address, self.ward, self.province) if p)
