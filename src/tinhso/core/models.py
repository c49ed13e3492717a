"""Platform primitives: the audit trail, integration API clients and their keys, and the
service gateway's request log, rate counters and metric counters (ADR 0016)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write that a service performed, recorded in the same transaction (append-only)."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("tác nhân"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=100)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ApiClient(models.Model):
    """An organisation's system that calls this node's API (the LGSP gateway's client). It owns
    keys; its requests are limited per minute and logged."""

    organisation = models.CharField(_("tổ chức"), max_length=200, unique=True)
    contact = models.CharField(_("người liên hệ"), max_length=200, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("giới hạn yêu cầu mỗi phút"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo thiết lập GATEWAY_RATE_LIMIT_PER_MINUTE."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("ứng dụng tích hợp")
        verbose_name_plural = _("ứng dụng tích hợp")
        ordering = ["organisation"]

    def __str__(self) -> str:
        return self.organisation


class ApiKey(models.Model):
    """A key with which an integration client calls the API. Only its SHA-256 is stored."""

    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("ứng dụng tích hợp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="keys",
    )
    name = models.CharField(_("tên ứng dụng"), max_length=200)
    prefix = models.CharField(_("tiền tố"), max_length=12, unique=True)
    key_hash = models.CharField(_("băm khóa"), max_length=64)
    scopes = models.JSONField(_("phạm vi"), default=list)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DataStamp(models.Model):
    """A counter bumped whenever a body of reference data changes (e.g. "directory"), so that
    per-process caches of it know when to drop what they hold."""

    name = models.CharField(max_length=50, unique=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = _("phiên bản dữ liệu")

    def __str__(self) -> str:
        return f"{self.name}: {self.version}"


class ApiRequestLog(models.Model):
    """One API request of an authenticated client: who, which route (the URL pattern, never the
    raw path with identifiers), the answer and its cost. Pruned after GATEWAY_LOG_RETENTION_DAYS."""

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("ứng dụng tích hợp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key = models.ForeignKey(
        ApiKey,
        verbose_name=_("khóa API"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    method = models.CharField(_("phương thức"), max_length=10)
    route = models.CharField(_("đường dẫn mẫu"), max_length=200)
    status = models.PositiveSmallIntegerField(_("mã trả lời"))
    duration_ms = models.FloatField(_("thời gian xử lý (ms)"))
    bytes = models.PositiveBigIntegerField(_("số byte trả lời"))

    class Meta:
        verbose_name = _("nhật ký yêu cầu API")
        verbose_name_plural = _("nhật ký yêu cầu API")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "at"], name="core_apilog_client_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.route} {self.status}"


class ApiRateCounter(models.Model):
    """Requests of one client (`bucket`: "client:<id>", or "key:<id>" for a key without a
    client) in one minute since the epoch; one upsert per request, shared by every worker."""

    bucket = models.CharField(max_length=40)
    minute = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "minute"], name="core_ratecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bucket} @{self.minute}: {self.hits}"


class RequestMetric(models.Model):
    """Prometheus counters of requests, shared by every worker: per method, route, status and
    duration bucket (`le`, the bucket's upper bound in seconds, "+Inf" for the last), the number
    of requests that fell in that bucket and the sum of their durations. Processes add their
    counts with one upsert every GATEWAY_METRICS_FLUSH_SECONDS; `/metrics` reads the table."""

    method = models.CharField(max_length=10)
    route = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    le = models.CharField(max_length=10)
    count = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["method", "route", "status", "le"], name="core_requestmetric_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.route} {self.status} le={self.le}: {self.count}"
