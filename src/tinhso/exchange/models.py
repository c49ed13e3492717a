"""The node's rows: peer nodes, the transactional outbox and the idempotent inbox."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The most packages one POST to /api/v1/exchange/inbox/batch may carry (a Tỉnh Số peer's
# batch_size is at most this).
BATCH_MAX_PACKAGES = 50


def hash_key(raw_key: str) -> str:
    """SHA-256 of an API key: keys are long random strings, so a fast hash is enough (as
    core's ApiKey)."""
    return hashlib.sha256(raw_key.strip().encode()).hexdigest()


class Peer(models.Model):
    """Another LGSP node: where to POST packages for the organs it serves, the certificate its
    packages are signed with, and the hash of the key it presents when it calls us. The key we
    present to it is not stored here: it comes from settings (`EXCHANGE_PEER_KEYS`, by name)."""

    name = models.SlugField(_("tên nút"), max_length=60, unique=True)
    title = models.CharField(_("mô tả"), max_length=200, blank=True)
    base_url = models.URLField(_("địa chỉ gốc"), max_length=300)
    organ_ids = models.JSONField(_("mã định danh các cơ quan phục vụ"), default=list)
    certificate_pem = models.TextField(_("chứng thư ký gói tin (PEM)"))
    key_hash = models.CharField(_("băm khóa API của nút"), max_length=64, unique=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    batch_size = models.PositiveSmallIntegerField(
        _("số gói tin mỗi lần gửi"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(BATCH_MAX_PACKAGES)],
        help_text=_(
            "1: mỗi gói tin một yêu cầu, như mọi nút LGSP. Lớn hơn 1: chỉ với nút Tỉnh Số, "
            "gửi nhiều gói tin trong một yêu cầu tới /api/v1/exchange/inbox/batch."
        ),
    )

    class Meta:
        verbose_name = _("nút liên thông")
        verbose_name_plural = _("nút liên thông")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def serves(self, organ_id: str) -> bool:
        return organ_id in (self.organ_ids or [])


class OutboxMessage(models.Model):
    """One signed package to one recipient organ, written in the transaction that caused it
    and sent by the worker. The bytes never change, so every attempt sends the same package."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Văn bản")
        STATUS = "status", _("Trạng thái")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi, sẽ thử lại")
        DEAD = "dead", _("Ngừng gửi")

    message_id = models.UUIDField(_("mã gói tin"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    sender_id = models.CharField(_("cơ quan gửi"), max_length=35)
    recipient_id = models.CharField(_("cơ quan nhận"), max_length=35, db_index=True)
    peer = models.ForeignKey(
        Peer,
        verbose_name=_("nút nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox",
    )
    source_ref = models.CharField(_("nguồn"), max_length=100, blank=True, db_index=True)
    document_id = models.CharField(_("DocumentId"), max_length=300, blank=True)
    data = models.BinaryField(_("gói tin đã ký"))
    sha256 = models.CharField(max_length=64)
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_code = models.IntegerField(_("mã lỗi gần nhất"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("gói tin gửi")
        verbose_name_plural = _("gói tin gửi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} → {self.recipient_id}"

    @property
    def local(self) -> bool:
        return self.peer_id is None


class InboxMessage(models.Model):
    """A package accepted once and applied once. The inbox verifies a package, logs it
    (its bytes stay in the message log entry `log_seq`) and writes this row, `accepted`, in
    one transaction before it answers; the apply worker then hands it to the registered
    handler (`exchange.applying`). The unique message id makes a repeat (or two deliveries
    at once) answer with the first row instead of accepting again."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Đã nhận, chờ xử lý")
        APPLIED = "applied", _("Đã xử lý")
        REFUSED = "refused", _("Từ chối khi xử lý")
        FAILED = "failed", _("Xử lý lỗi, sẽ thử lại")
        DEAD = "dead", _("Ngừng xử lý")

    message_id = models.UUIDField(_("mã gói tin"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=OutboxMessage.Kind.choices)
    sender_id = models.CharField(_("cơ quan gửi"), max_length=35)
    peer = models.ForeignKey(
        Peer,
        verbose_name=_("nút gửi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbox",
    )
    document_id = models.CharField(_("DocumentId"), max_length=300, blank=True)
    sha256 = models.CharField(max_length=64)
    recipient_id = models.CharField(_("cơ quan nhận"), max_length=400, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    log_seq = models.PositiveBigIntegerField(_("mục nhật ký (gói tin)"), null=True, blank=True)
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.ACCEPTED
    )
    attempts = models.PositiveIntegerField(_("số lần xử lý"), default=0)
    next_attempt_at = models.DateTimeField(_("xử lý lần tới lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    applied_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    result = models.JSONField(_("kết quả"), default=dict)

    class Meta:
        verbose_name = _("gói tin nhận")
        verbose_name_plural = _("gói tin nhận")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="inbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} ← {self.sender_id}"

    def answer(self) -> dict[str, Any]:
        return {"message_id": str(self.message_id), "state": self.state, **self.result}


GENESIS = "0" * 64  # the previous chain hash of the very first entry


class MessageLog(models.Model):
    """One entry of the node's message log (append-only): a package sent, received, received
    again (answered with the first result) or refused, with the SHA-256 of its bytes, in a
    hash chain: `chain_hash` = SHA-256 over the previous entry's chain hash, this entry's
    canonical fields and the package hash (`exchange.messagelog`), so that a changed field, a
    changed package or a missing entry is found by `tinhso exchange verify-log`.

    The bytes of a package sent stay on its OutboxMessage (`package_in` "outbox"); those of a
    package received or refused are kept here (`package_in` "log"), since the inbox row keeps
    none; a package never read (too large) or a duplicate keeps none ("")."""

    class Direction(models.TextChoices):
        SENT = "sent", _("Đã gửi")
        RECEIVED = "received", _("Đã nhận")
        DUPLICATE = "duplicate", _("Nhận trùng")
        REFUSED = "refused", _("Từ chối")

    class Where(models.TextChoices):
        NONE = "", _("Không lưu")
        LOG = "log", _("Trong nhật ký")
        OUTBOX = "outbox", _("Trong hộp thư đi")

    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    direction = models.CharField(_("chiều"), max_length=10, choices=Direction.choices)
    message_id = models.UUIDField(_("mã gói tin"), null=True, blank=True, db_index=True)
    kind = models.CharField(_("loại"), max_length=10, blank=True)
    sender_id = models.CharField(_("cơ quan gửi"), max_length=35, blank=True, db_index=True)
    recipient_id = models.CharField(_("cơ quan nhận"), max_length=400, blank=True, db_index=True)
    peer = models.CharField(_("nút liên thông"), max_length=60, blank=True)
    document_id = models.CharField(_("DocumentId"), max_length=300, blank=True, db_index=True)
    package_sha256 = models.CharField(_("băm gói tin (SHA-256)"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"), default=0)
    code = models.IntegerField(_("mã LGSP"), default=0)
    detail = models.TextField(_("kết quả, lý do"), blank=True)
    package_in = models.CharField(
        _("nơi lưu gói tin"), max_length=10, choices=Where.choices, blank=True
    )
    data = models.BinaryField(_("gói tin"), null=True, blank=True)
    prev_hash = models.CharField(_("băm mắt xích trước"), max_length=64)
    chain_hash = models.CharField(_("băm mắt xích"), max_length=64)

    class Meta:
        verbose_name = _("nhật ký gói tin")
        verbose_name_plural = _("nhật ký gói tin")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.direction} {self.message_id or ''}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("the message log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class MessageLogHead(models.Model):
    """The chain's head, one row (pk 1), locked by every append so that writers in several
    processes take turns and the chain never forks. It also keeps the anchor: the sequence
    number and chain hash of the last entry that retention deleted, where verification of
    the kept entries starts."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    anchor_seq = models.PositiveBigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS)
    pruned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký gói tin")
        verbose_name_plural = _("đầu chuỗi nhật ký gói tin")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


# The national adapters' rows live in their subpackage; importing them here makes them part
# of this app (migration 0003_national).
from tinhso.exchange.national.models import (  # noqa: E402, F401
    NationalPush,
    SimulatedPortalDossier,
    SimulatedPortalMessage,
)

# The postal simulator's rows live in their subpackage (migration 0004_postal).
from tinhso.exchange.postal.models import SimulatedShipment  # noqa: E402, F401
