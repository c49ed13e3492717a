"""Dossiers (hồ sơ), their daily code counters and their append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Applicant, Official, Organ
from tinhso.dossiers.states import Action, State
from tinhso.procedures.models import Procedure


class Channel(models.IntegerChoices):
    COUNTER = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


STATE_LABELS = {
    State.DRAFT: _("Mới tạo"),
    State.SUBMITTED: _("Đã nộp, chờ tiếp nhận"),
    State.RECEIVED: _("Đã tiếp nhận"),
    State.PROCESSING: _("Đang xử lý"),
    State.WAITING_SUPPLEMENT: _("Chờ bổ sung"),
    State.PAUSED: _("Tạm dừng"),
    State.INTER_AGENCY: _("Đang liên thông"),
    State.WAITING_PAYMENT: _("Chờ thanh toán"),
    State.RESULT_READY: _("Có kết quả, chờ trả"),
    State.RETURNED: _("Đã trả kết quả"),
    State.REJECTED: _("Từ chối"),
    State.WITHDRAWN: _("Đã rút"),
    State.CANCELLED: _("Đã hủy"),
}


class Dossier(models.Model):
    """An application for one procedure by one applicant, received by one organ.

    `code` is given at intake (`codes.format_code`), gapless per organ and day. The legal
    clock: `received_at` → `due_at` (the promised return date, extended by supplement pauses,
    `paused_minutes` of working time so far). `version` increases with every action so that two
    officials acting at once cannot both win.
    """

    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    organ = models.ForeignKey(
        Organ,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("người nộp"), on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.PositiveSmallIntegerField(_("hình thức nộp"), choices=Channel.choices)
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=[(s.value, label) for s, label in STATE_LABELS.items()],
        default=State.DRAFT,
        db_index=True,
    )
    service_level = models.CharField(_("mức độ khi nộp"), max_length=10, blank=True)
    form_data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    step_key = models.CharField(_("bước hiện tại"), max_length=40, blank=True)
    step_organ = models.ForeignKey(
        Organ,
        verbose_name=_("cơ quan đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        Official,
        verbose_name=_("người đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True, db_index=True)
    paused_since = models.DateTimeField(_("dừng đồng hồ từ"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("thời gian tạm dừng (phút làm việc)"), default=0)
    supplement_requests = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    resolved_at = models.DateTimeField(_("ngày có kết quả"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    # Digitisation flags (Decision 766, indicators 4.x; definitions in dossiers/digitisation.py).
    result_electronic = models.BooleanField(_("đã cấp kết quả điện tử"), default=False)
    digitised = models.BooleanField(_("hồ sơ được số hóa khi tiếp nhận"), default=False)
    data_reused = models.BooleanField(_("tái sử dụng dữ liệu số"), default=False)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["organ", "state"]),
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["procedure", "received_at"]),
            # Indicator 3.2 asks, per procedure and organ, whether an online dossier arrived
            # in the period: with a million dossiers this partial index takes the report from
            # 23.8 s to 4.2 s on PostgreSQL (bench/README.md).
            models.Index(
                fields=["procedure", "organ", "received_at"],
                condition=models.Q(channel=2),
                name="dossier_online_by_offering",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[State(self.state)])


class DossierCounter(models.Model):
    """The last number given to a dossier of `organ` received on `day` (gapless numbering)."""

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organ", "day"], name="dossier_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organ_id}/{self.day}: {self.last}"


class DossierEvent(models.Model):
    """One action on a dossier (append-only): who, when, at which step, what it led to."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(
        _("thao tác"), max_length=30, choices=[(a.value, a.value) for a in Action]
    )
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    step_key = models.CharField(_("bước"), max_length=40, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    organ = models.ForeignKey(
        Organ, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("dossier history is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
