"""Payment requests, payments (attempts through a gateway), their append-only history, the
log of every gateway notification, and the simulators' own transaction store."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.payments.states import PaymentAction, PaymentState

STATE_LABELS = {
    PaymentState.PENDING: _("Đang chờ thanh toán"),
    PaymentState.PAID: _("Đã thanh toán"),
    PaymentState.FAILED: _("Không thành công"),
    PaymentState.EXPIRED: _("Hết hạn"),
    PaymentState.REFUNDED: _("Đã hoàn tiền"),
}


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PaymentRequest(models.Model):
    """What an applicant owes for one subject (a dossier), with the lines and legal basis.

    The subject is named, not linked (`source` + `source_id`): payments sits beside dossiers and
    never imports them; dossiers react to payment through a registered handler (`hooks.py`).
    """

    reference = models.CharField(_("mã yêu cầu thanh toán"), max_length=24, unique=True)
    source = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    source_ref = models.CharField(_("hồ sơ"), max_length=60)
    applicant = models.ForeignKey(
        "directory.Applicant", on_delete=models.PROTECT, related_name="payment_requests"
    )
    organ = models.ForeignKey("directory.Organ", on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(
        "procedures.Procedure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("nội dung"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    lines = models.JSONField(_("các khoản phí, lệ phí"), default=list)
    legal_basis = models.TextField(_("căn cứ thu"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hạn thanh toán"))
    paid_at = models.DateTimeField(_("đã thanh toán lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu thanh toán")
        verbose_name_plural = _("yêu cầu thanh toán")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="one_request_per_source")
        ]

    def __str__(self) -> str:
        return self.reference


class Payment(models.Model):
    """One attempt to pay a request through one gateway; `txn_ref` is the gateway order id."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(_("cổng thanh toán"), max_length=20)
    txn_ref = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=[(s.value, label) for s, label in STATE_LABELS.items()],
        default=PaymentState.PENDING,
    )
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    gateway_txn_no = models.CharField(max_length=40, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        indexes = [models.Index(fields=["state", "created_at"])]
        constraints = [
            # The database itself refuses a second paid payment for one request.
            models.UniqueConstraint(
                fields=["request"], condition=Q(state="paid"), name="one_paid_payment_per_request"
            )
        ]

    def __str__(self) -> str:
        return self.txn_ref

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[PaymentState(self.state)])


class PaymentEvent(AppendOnly):
    """One transition of a payment (append-only), with what caused it."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(
        max_length=20, choices=[("start", "start"), *[(a.value, a.value) for a in PaymentAction]]
    )
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    cause = models.CharField(max_length=20)  # notification, return, reconciliation, applicant
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["payment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.action} {self.to_state}"


class GatewayNotification(AppendOnly):
    """Every server-to-server notification received, accepted or refused (append-only)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Đã ghi nhận")
        DUPLICATE = "duplicate", _("Trùng, đã ghi nhận trước đó")
        BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
        WRONG_AMOUNT = "wrong_amount", _("Sai số tiền")
        UNKNOWN_ORDER = "unknown_order", _("Không có giao dịch")
        REPLAY = "replay", _("Thông báo cũ gửi lại")
        EXPIRED = "expired", _("Yêu cầu đã hết hạn")
        MALFORMED = "malformed", _("Thiếu hoặc sai trường")

    gateway = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    txn_ref = models.CharField(max_length=40, blank=True, db_index=True)
    digest = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    remote_addr = models.CharField(max_length=45, blank=True)
    payload = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.gateway} {self.txn_ref} {self.outcome}"


class SimulatedTransaction(models.Model):
    """The store of the gateway simulators (`simulators/`): what the fake gateway knows.

    Not part of the platform's own records; only the simulators read or write it.
    """

    gateway = models.CharField(max_length=20)
    txn_ref = models.CharField(max_length=40)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, default="pending")  # pending, paid, failed
    transaction_no = models.CharField(max_length=40, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded = models.PositiveBigIntegerField(default=0)
    request = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gateway", "txn_ref"], name="simulated_txn_unique")
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.txn_ref} {self.status}"
