"""The search index of official documents: one entry per outgoing and per incoming document,
and the text extracted from stored files (ADR 0009)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Official, Organ
from tinhso.documents.models.incoming import IncomingDocument
from tinhso.documents.models.outgoing import Document


class ExtractedText(models.Model):
    """The text of one stored file, found by its SHA-256: files are stored by content, so one
    extraction serves every document that holds the same file (an internal delivery shares
    its origin's). `reason` says why the text is missing or partial (`textextract.Reason`),
    `ocr` that it was read from a scan."""

    sha256 = models.CharField(max_length=64, unique=True)
    text = models.TextField(blank=True)
    reason = models.CharField(max_length=20, blank=True)
    pages = models.PositiveIntegerField(default=0)
    ocr = models.BooleanField(default=False)
    extracted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nội dung tệp đã trích xuất")
        verbose_name_plural = _("nội dung tệp đã trích xuất")

    def __str__(self) -> str:
        return self.sha256


class SearchEntry(models.Model):
    """What search knows of one document, written in the transaction of every action on it.

    `meta` is the folded metadata (number and notation, summary, type, organs, sender),
    `signer` the folded signer's name, `content` the folded body and file text: never any for
    a classified document, whose entry is its register metadata only (a check constraint
    holds it). The filter columns copy the document's, and `organ`, `drafting_unit`,
    `confidentiality` and `assignee` carry the names the documents' visibility conditions use
    (`selectors.outgoing_visibility`, `incoming_visibility`), so those apply here unchanged.

    On PostgreSQL the table also has `vector`, a tsvector generated from the three texts
    (weights A, C, B) with a GIN index; on SQLite an FTS5 table kept by triggers (migration
    0003). Neither is a model field: `search.query` reaches them in SQL.
    """

    class Direction(models.TextChoices):
        OUTGOING = "out", _("Văn bản đi")
        INCOMING = "in", _("Văn bản đến")

    direction = models.CharField(_("loại"), max_length=3, choices=Direction.choices)
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    incoming = models.OneToOneField(
        IncomingDocument,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    organ = models.ForeignKey(
        Organ, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+"
    )
    drafting_unit = models.ForeignKey(
        Organ, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    assignee = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    doc_type = models.CharField(_("loại văn bản"), max_length=30, blank=True)
    type_name = models.CharField(_("tên loại"), max_length=100, blank=True)
    dated = models.DateField(_("ngày"))
    notation = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    summary = models.CharField(_("trích yếu nội dung"), max_length=500)
    sender_name = models.CharField(_("cơ quan gửi"), max_length=300, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12)
    urgency = models.CharField(_("độ khẩn"), max_length=12)
    confidentiality = models.CharField(_("độ mật"), max_length=12)
    meta = models.TextField()
    signer = models.CharField(max_length=200, blank=True)
    content = models.TextField(blank=True)
    notices = models.JSONField(default=list, blank=True)
    # The organ's and the drafting unit's `tree_path` when indexed (kept current when an
    # organ moves: `indexing.organ_moved`), facets of the vector on PostgreSQL (migration 0007).
    organ_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    unit_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("mục chỉ mục tìm kiếm")
        verbose_name_plural = _("chỉ mục tìm kiếm văn bản")
        indexes = [
            models.Index(fields=["organ", "dated"], name="documents_search_organ_dated"),
            models.Index(fields=["dated", "id"], name="documents_search_dated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="out", document__isnull=False, incoming__isnull=True)
                | Q(direction="in", document__isnull=True, incoming__isnull=False),
                name="search_entry_has_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(confidentiality="none") | Q(content=""),
                name="search_entry_classified_metadata_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.notation or self.pk}: {self.summary[:60]}"


# What the pages and the API say about a file whose text is missing or partial, by the
# reason code of `textextract.Reason` (the index entry's notices keep the code and the
# English log text).
NOTICE_LABELS = {
    "unsupported": _("Không trích được nội dung: tệp không phải PDF hoặc DOCX."),
    "too_large": _("Không trích nội dung: tệp vượt quá giới hạn dung lượng."),
    "encrypted": _("Không trích được nội dung: tệp được mã hóa."),
    "unreadable": _("Không đọc được nội dung tệp (tệp hỏng hoặc không đúng định dạng)."),
    "timeout": _("Hết thời gian trích nội dung: chỉ tìm được phần đầu của tệp."),
    "truncated": _("Tệp quá dài: chỉ tìm được phần đầu của nội dung."),
    "no_text": _("Bản quét chưa có lớp chữ: đang chờ nhận dạng chữ (OCR)."),
    "ocr_unavailable": _(
        "Chưa nhận dạng chữ (OCR) bản quét: máy chủ chưa cài Tesseract với tiếng Việt."
    ),
    "ocr_failed": _("Nhận dạng chữ (OCR) bản quét không thành công."),
}
