"""Work records (hồ sơ công việc) and what is filed in them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Official, Organ
from tinhso.records.models.choices import (
    LANGUAGE_CHOICES,
    RECORD_STATE_LABELS,
    Access,
    RetentionFields,
)
from tinhso.records.models.plans import PlanEntry
from tinhso.records.states import RecordState

# Closed records go to the organ's archive within one year (Decree 30/2020 art. 31).
ARCHIVE_WITHIN_YEARS = 1


class WorkRecord(RetentionFields):
    """A work record of `organ` formed in `year`: opened from a planned record
    (`plan_entry`) or outside the plan (`plan_entry` empty, `outside_plan_reason` says why),
    filled while open, closed with its counts, dates and contents list fixed, then handed to
    the organ's archive.

    `code` is the record code (mã hồ sơ): the organ's identifier, the year and the record's
    notation joined by dots (`H33.2020.01.VP`), fixed when opened. `contents` is the contents
    list (mục lục văn bản) as computed at closing; `closing_note` the closing statement's
    remarks (chứng từ kết thúc)."""

    organ = models.ForeignKey(
        Organ, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="work_records"
    )
    year = models.PositiveSmallIntegerField(_("năm hình thành hồ sơ"))
    plan_entry = models.ForeignKey(
        PlanEntry,
        verbose_name=_("hồ sơ dự kiến trong danh mục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    outside_plan_reason = models.TextField(_("lý do lập ngoài danh mục"), blank=True)
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=30)
    code = models.CharField(_("mã hồ sơ"), max_length=100, unique=True)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    unit = models.ForeignKey(
        Organ,
        verbose_name=_("đơn vị lập hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    keeper = models.ForeignKey(
        Official, verbose_name=_("người lập hồ sơ"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(
        _("ngôn ngữ"), max_length=10, choices=LANGUAGE_CHOICES, default="vi"
    )
    keywords = models.CharField(_("từ khóa"), max_length=500, blank=True)
    access = models.CharField(
        _("chế độ sử dụng"), max_length=12, choices=Access.choices, default=Access.PUBLIC
    )
    access_note = models.CharField(_("điều kiện sử dụng"), max_length=500, blank=True)
    description = models.TextField(_("ghi chú"), blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=[(s.value, label) for s, label in RECORD_STATE_LABELS.items()],
        default=RecordState.OPEN,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(_("ngày mở hồ sơ"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("thời gian bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("thời gian kết thúc"), null=True, blank=True)
    doc_count = models.PositiveIntegerField(_("số văn bản, tài liệu"), default=0)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    contents = models.JSONField(_("mục lục văn bản"), default=list, blank=True)
    closing_note = models.TextField(_("chứng từ kết thúc"), blank=True)
    retention_ends_on = models.DateField(
        _("hết thời hạn bảo quản"), null=True, blank=True, db_index=True
    )
    archived_at = models.DateTimeField(_("ngày nộp lưu"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(RetentionFields.Meta):
        verbose_name = _("hồ sơ công việc")
        verbose_name_plural = _("hồ sơ công việc")
        ordering = ["organ", "-year", "notation"]
        indexes = [models.Index(fields=["organ", "state"])]
        constraints = [
            *RetentionFields.Meta.constraints,
            models.UniqueConstraint(
                fields=["organ", "year", "notation"], name="records_record_notation_unique"
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(closed_at__isnull=False, doc_count__gte=1),
                name="records_closed_has_contents",
            ),
            models.CheckConstraint(
                condition=~Q(state="archived") | Q(archived_at__isnull=False),
                name="records_archived_has_date",
            ),
            models.CheckConstraint(
                condition=Q(plan_entry__isnull=False) | ~Q(outside_plan_reason=""),
                name="records_outside_plan_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def state_label(self) -> str:
        return str(RECORD_STATE_LABELS[RecordState(self.state)])

    @property
    def in_plan(self) -> bool:
        return self.plan_entry_id is not None

    @property
    def archive_due_on(self) -> date | None:
        """The last day to hand a closed record to the archive (one year after closing)."""
        if self.closed_at is None:
            return None
        closed = timezone.localtime(self.closed_at).date()
        try:
            return closed.replace(year=closed.year + ARCHIVE_WITHIN_YEARS)
        except ValueError:  # 29 February
            return closed.replace(year=closed.year + ARCHIVE_WITHIN_YEARS, day=28)

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace(";", ",").split(",") if k.strip()]


def _attachment_path(instance: RecordItem, filename: str) -> str:
    # The stored name is the content hash: no name or path from the uploader reaches the disk.
    return f"records/{instance.record_id}/{instance.sha256}"


class RecordItem(models.Model):
    """One line of a record: an issued outgoing document or a registered incoming document
    of the record's organ (by reference: their files stay the documents'), a note, or an
    attachment (a DOCX or PDF stored here under its SHA-256). `order` is its place in the
    contents list; `pages` its page count when known."""

    class Kind(models.TextChoices):
        OUTGOING = "outgoing", _("Văn bản đi")
        INCOMING = "incoming", _("Văn bản đến")
        NOTE = "note", _("Ghi chú")
        ATTACHMENT = "attachment", _("Tài liệu đính kèm")

    record = models.ForeignKey(WorkRecord, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("thứ tự"))
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("văn bản đi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    incoming = models.ForeignKey(
        "documents.IncomingDocument",
        verbose_name=_("văn bản đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("tiêu đề"), max_length=500, blank=True)
    text = models.TextField(_("nội dung ghi chú"), blank=True)
    item_date = models.DateField(_("ngày tháng"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to=_attachment_path, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(_("định dạng"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    added_at = models.DateTimeField(_("thời điểm đưa vào"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản, tài liệu trong hồ sơ")
        verbose_name_plural = _("văn bản, tài liệu trong hồ sơ")
        ordering = ["record", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="outgoing", document__isnull=False, incoming__isnull=True)
                | Q(kind="incoming", document__isnull=True, incoming__isnull=False)
                | Q(kind="note", document__isnull=True, incoming__isnull=True) & ~Q(title="")
                | Q(kind="attachment", document__isnull=True, incoming__isnull=True)
                & ~Q(sha256="")
                & ~Q(title=""),
                name="records_item_kind_consistent",
            ),
            models.UniqueConstraint(
                fields=["record", "document"],
                condition=Q(document__isnull=False),
                name="records_item_document_once",
            ),
            models.UniqueConstraint(
                fields=["record", "incoming"],
                condition=Q(incoming__isnull=False),
                name="records_item_incoming_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}.{self.order} {self.get_kind_display()}"
