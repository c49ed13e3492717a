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


class ReceiptCounter(models.Model):
    """The last receipt number of `organ` in `year` and `series` (gapless numbering).

    The row is the counter, as the documents' registers and the dossiers' day counters are:
    locked and incremented in the transaction that issues the receipt, so a rolled-back
    settlement gives its number back."""

    organ = models.ForeignKey("directory.Organ", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "year", "series"], name="payment_receipt_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organ_id} {self.year} {self.series}: {self.last}"


class Receipt(models.Model):
    """The electronic receipt (biên lai điện tử) of one paid payment, issued by the organ.

    Written in the transaction that marks the payment paid, with every fact it prints copied
    in (payer, dossier, procedure, fee lines, gateway and transaction numbers), so that the
    PDF rendered from the row later is the receipt as issued. The PDF is signed with the
    organ's key after the commit (`receipts.receipt_sign`); `sign_state` says where that
    stands, and an unsigned receipt says so, on its page and in the admin.
    """

    class SignState(models.TextChoices):
        PENDING = "pending", _("Đang chờ ký số")
        SIGNED = "signed", _("Đã ký số")
        NO_KEY = "no_key", _("Chưa ký số: cơ quan chưa có khóa ký số dùng được")
        FAILED = "failed", _("Ký số không thành công, sẽ thử lại")

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="receipts")
    organ = models.ForeignKey("directory.Organ", on_delete=models.PROTECT, related_name="+")
    form = models.CharField(_("mẫu số"), max_length=20)
    series = models.CharField(_("ký hiệu"), max_length=20)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField(_("số"))
    issued_at = models.DateTimeField(_("ngày lập"))
    organ_name = models.CharField(max_length=300)
    organ_code = models.CharField(max_length=40, blank=True)
    organ_address = models.CharField(max_length=300, blank=True)
    payer_name = models.CharField(_("người nộp"), max_length=300)
    payer_identifier = models.CharField(max_length=14)
    payer_address = models.CharField(max_length=300, blank=True)
    source_ref = models.CharField(_("hồ sơ"), max_length=60)
    procedure_name = models.CharField(max_length=500, blank=True)
    lines = models.JSONField(default=list)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    amount_words = models.CharField(max_length=300)
    gateway = models.CharField(max_length=20)
    gateway_label = models.CharField(max_length=100)
    txn_ref = models.CharField(max_length=40)
    gateway_txn_no = models.CharField(max_length=40, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    paid_at = models.DateTimeField()
    sign_state = models.CharField(
        _("chữ ký số"),
        max_length=10,
        choices=SignState.choices,
        default=SignState.PENDING,
        db_index=True,
    )
    sign_attempts = models.PositiveIntegerField(default=0)
    sign_error = models.CharField(_("lỗi ký số"), max_length=500, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signer = models.CharField(_("khóa ký"), max_length=300, blank=True)
    pdf = models.FileField(upload_to="payments/receipts/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("biên lai điện tử")
        verbose_name_plural = _("biên lai điện tử")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "year", "series", "number"], name="payment_receipt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.series} {self.number:07d}"
