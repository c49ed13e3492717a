"""The postal simulator's rows (the simulated postal service's own table, never the
platform's). Imported by `exchange/models.py`, so it belongs to the `exchange` app
(migration 0004_postal)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulatedShipment(models.Model):
    """A shipment as the postal simulator keeps it: the request it was made from, its status
    and history in the wire format, and where its status callbacks go."""

    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=13, unique=True)
    order_code = models.CharField(_("mã đơn của bên gửi"), max_length=60, unique=True)
    request = models.JSONField(_("yêu cầu"))
    status = models.CharField(_("trạng thái"), max_length=12, default="accepted")
    history = models.JSONField(_("hành trình"), default=list)
    fee = models.PositiveIntegerField(_("cước (đồng)"), default=0)
    callback_url = models.CharField(_("địa chỉ nhận thông báo"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bưu gửi (mô phỏng)")
        verbose_name_plural = _("bưu gửi (mô phỏng)")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.tracking_number
