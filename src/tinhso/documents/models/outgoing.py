"""Outgoing documents (văn bản đi), their recipients (nơi nhận) and approval chains."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Official, Organ
from tinhso.documents.models.choices import (
    CONFIDENTIALITY_CHOICES,
    MARKER_CHOICES,
    OUTGOING_STATE_LABELS,
    TYPE_CHOICES,
    URGENCY_CHOICES,
    CorrectionKind,
)
from tinhso.documents.models.registers import Register
from tinhso.documents.states import OUTGOING_FINAL, OutgoingState
from tinhso.documents.types import Confidentiality, Urgency, document_type, is_classified


class ImmutableDocument(Exception):
    """An issued (or cancelled) document, its files or its recipient list were to change."""

    def __init__(self, what: str, fields: list[str] | None = None) -> None:
        self.fields = fields or []
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        super().__init__(f"{what} is issued or cancelled and can no longer change{detail}")


class ClassifiedContent(Exception):
    """Content (a file or a body) of a classified document was to be stored."""


# What may still change on a final document: the version counter and the distribution time.
MUTABLE_WHEN_FINAL = frozenset({"version", "distributed_at", "updated_at"})


def stored_state(model: type[models.Model], pk: Any) -> str | None:
    """The state of a document as the database holds it (not as an instance says)."""
    return model.objects.filter(pk=pk).values_list("state", flat=True).first()  # type: ignore[attr-defined]


class Document(models.Model):
    """An outgoing document of `organ`, drafted by `drafting_unit` (for a công văn, its
    abbreviation follows the organ's in the notation).

    It is numbered only at issue: `register`, `number`, `notation`, `issued_on` and
    `issued_at` are set together in the issue transaction. Once issued (or cancelled) the row
    never changes but for its version and distribution time (`save` refuses, and a database
    trigger refuses a bulk update); a correction is a new document pointing at it through
    `corrects` with a `correction_kind`, and `corrections` leads back.

    A classified document (`confidentiality` other than none) is a register entry only: no
    body, no file.
    """

    organ = models.ForeignKey(
        Organ,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
    )
    drafting_unit = models.ForeignKey(
        Organ,
        verbose_name=_("đơn vị soạn thảo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    doc_type = models.CharField(_("loại văn bản"), max_length=30, choices=TYPE_CHOICES)
    legal_normative = models.BooleanField(_("văn bản quy phạm pháp luật"), default=False)
    summary = models.CharField(_("trích yếu nội dung"), max_length=500)
    body = models.TextField(_("nội dung"), blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    urgency = models.CharField(
        _("độ khẩn"), max_length=12, choices=URGENCY_CHOICES, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("độ mật"), max_length=12, choices=CONFIDENTIALITY_CHOICES, default=Confidentiality.NONE
    )
    signer = models.ForeignKey(
        Official,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signing_marker = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=MARKER_CHOICES, blank=True
    )
    on_behalf_of = models.CharField(
        _("ký thay mặt / thay cho"),
        max_length=200,
        blank=True,
        help_text=_("Sau thẩm quyền ký, ví dụ «ỦY BAN NHÂN DÂN» hoặc «CHỦ TỊCH»."),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng bản"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=[(s.value, label) for s, label in OUTGOING_STATE_LABELS.items()],
        default=OutgoingState.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=0)
    register = models.ForeignKey(
        Register,
        verbose_name=_("sổ văn bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    notation = models.CharField(_("số, ký hiệu"), max_length=60, blank=True, db_index=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("thời điểm phát hành"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    signature_kind = models.CharField(
        _("hình thức ký"),
        max_length=10,
        blank=True,
        choices=[
            ("recorded", _("Ghi nhận người ký, không có chữ ký số")),
            ("pades", _("Chữ ký số PAdES")),
        ],
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("văn bản được đính chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_kind = models.CharField(
        _("hình thức"), max_length=10, choices=CorrectionKind.choices, blank=True
    )
    in_reply_to = models.ForeignKey(
        "documents.IncomingDocument",
        verbose_name=_("trả lời văn bản đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)
    distributed_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["organ", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="document_number_unique"),
            models.CheckConstraint(
                condition=~Q(state="issued")
                | (
                    Q(register__isnull=False, number__isnull=False, issued_on__isnull=False)
                    & ~Q(notation="")
                ),
                name="document_issued_is_numbered",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, correction_kind="")
                | Q(corrects__isnull=False) & ~Q(correction_kind=""),
                name="document_correction_has_kind",
            ),
            models.CheckConstraint(
                condition=Q(confidentiality="none") | Q(body=""),
                name="document_classified_has_no_body",
            ),
        ]

    def __str__(self) -> str:
        return self.notation or f"{self.type_name} #{self.pk} ({self.state_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuses to change a final document (ImmutableDocument) and to give a classified one
        a body (ClassifiedContent)."""
        if self.classified and self.body:
            raise ClassifiedContent("a classified document has no body on the platform")
        if self.pk is not None:
            fields = [
                f.attname
                for f in self._meta.concrete_fields
                if f.attname not in MUTABLE_WHEN_FINAL and f.attname != "id"
            ]
            stored = type(self).objects.filter(pk=self.pk).values(*fields).first()
            if stored is not None and stored["state"] in OUTGOING_FINAL:
                changed = [f for f in fields if stored[f] != getattr(self, f)]
                if changed:
                    raise ImmutableDocument(f"document {self.pk}", changed)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if stored_state(Document, self.pk) in OUTGOING_FINAL:
            raise ImmutableDocument(f"document {self.pk}")
        return super().delete(*args, **kwargs)

    @property
    def state_label(self) -> str:
        return str(OUTGOING_STATE_LABELS[OutgoingState(self.state)])

    @property
    def type_name(self) -> str:
        return document_type(self.doc_type).name

    @property
    def classified(self) -> bool:
        return is_classified(self.confidentiality)

    @property
    def is_final(self) -> bool:
        return self.state in OUTGOING_FINAL


TAKE_BACK_CHOICES = [
    ("13", _("Đã yêu cầu thu hồi")),
    ("15", _("Bên nhận đồng ý thu hồi / cập nhật")),
    ("16", _("Bên nhận từ chối thu hồi / cập nhật")),
]


class Recipient(models.Model):
    """One line of the document's "Nơi nhận": an organ of this platform (it receives the
    document as incoming at once on distribution), an outside organ reached through the
    exchange (queued for it, by QCVN 102 identifier), or a recipient on paper only.

    The line itself is content (fixed at issue); its delivery `status` and the receiver's last
    QCVN 102 status code (`status_code`, 01–06) move on afterwards.
    """

    class Channel(models.TextChoices):
        INTERNAL = "internal", _("Cơ quan trên nền tảng")
        EXCHANGE = "exchange", _("Qua trục liên thông")
        PAPER = "paper", _("Chỉ gửi bản giấy")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chưa gửi")
        DELIVERED = "delivered", _("Đã chuyển đến")
        QUEUED = "queued", _("Chờ gửi qua trục")
        SENT = "sent", _("Đã gửi qua trục")
        FAILED = "failed", _("Gửi lỗi")
        PAPER = "paper", _("Gửi bản giấy")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    channel = models.CharField(_("hình thức gửi"), max_length=10, choices=Channel.choices)
    organ = models.ForeignKey(
        Organ,
        verbose_name=_("cơ quan nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    identifier = models.CharField(_("mã định danh cơ quan nhận"), max_length=35, blank=True)
    name = models.CharField(_("nơi nhận"), max_length=300)
    status = models.CharField(
        _("tình trạng gửi"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_code = models.CharField(_("trạng thái bên nhận"), max_length=2, blank=True)
    # The receiver's description with its latest status: the reason of a refusal (02),
    # also of a package its node accepted and could not take (ADR 0017).
    status_note = models.TextField(_("ghi chú bên nhận"), blank=True)
    status_at = models.DateTimeField(_("cập nhật lúc"), null=True, blank=True)
    exchange_ref = models.CharField(_("mã gói tin"), max_length=100, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # Taking the document back (revoke, or replace by a newer one): 13 asked, then the
    # receiver's answer 15 agreed or 16 refused (QCVN 102 codes), when, and the reason or
    # the receiver's description. Delivery fields: they move on after issue.
    take_back_code = models.CharField(
        _("thu hồi / thay thế"), max_length=2, choices=TAKE_BACK_CHOICES, blank=True
    )
    take_back_at = models.DateTimeField(_("thu hồi cập nhật lúc"), null=True, blank=True)
    take_back_note = models.TextField(_("ghi chú thu hồi"), blank=True)

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["document", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="internal") | Q(organ__isnull=False),
                name="recipient_internal_has_organ",
            ),
            models.CheckConstraint(
                condition=~Q(channel="exchange") | ~Q(identifier=""),
                name="recipient_exchange_has_identifier",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    CONTENT_FIELDS = ("document_id", "order", "channel", "organ_id", "identifier", "name")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuses to add, move or rename a line of a final document (ImmutableDocument)."""
        if stored_state(Document, self.document_id) in OUTGOING_FINAL:
            stored = (
                Recipient.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
                if self.pk
                else None
            )
            if stored is None or any(stored[f] != getattr(self, f) for f in self.CONTENT_FIELDS):
                raise ImmutableDocument(f"recipients of document {self.document_id}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if stored_state(Document, self.document_id) in OUTGOING_FINAL:
            raise ImmutableDocument(f"recipients of document {self.document_id}")
        return super().delete(*args, **kwargs)


class ApprovalStep(models.Model):
    """One step of a document's review chain: reviewers (cho ý kiến) in order, the approver
    (phê duyệt) last. Each submission is a new `round`; sending back closes the round."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Cho ý kiến")
        APPROVE = "approve", _("Phê duyệt")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Chờ ý kiến")
        AGREED = "agreed", _("Đồng ý")
        SENT_BACK = "sent_back", _("Trả lại")
        CLOSED = "closed", _("Không còn hiệu lực")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="approval_steps")
    round = models.PositiveSmallIntegerField(_("lượt trình"))
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    official = models.ForeignKey(
        Official, verbose_name=_("người duyệt"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("vai trò"), max_length=10, choices=Kind.choices)
    decision = models.CharField(
        _("ý kiến"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.DateTimeField(_("thời điểm"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bước duyệt")
        verbose_name_plural = _("bước duyệt")
        ordering = ["document", "round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "order"], name="approval_step_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id}/{self.round}.{self.order} {self.official}"
