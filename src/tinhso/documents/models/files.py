"""Files of documents: stored under their SHA-256 through Django's storage, never changed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.documents.models.incoming import IncomingDocument
from tinhso.documents.models.outgoing import (
    ClassifiedContent,
    Document,
    ImmutableDocument,
    stored_state,
)
from tinhso.documents.states import OUTGOING_FINAL
from tinhso.documents.types import is_classified


def _upload_to(instance: DocumentFile, filename: str) -> str:
    # The stored name is the content hash: no name or path from the uploader reaches the disk.
    owner = f"di/{instance.document_id}" if instance.document_id else f"den/{instance.incoming_id}"
    return f"documents/{owner}/{instance.sha256}"


class DocumentFile(models.Model):
    """A file of an outgoing document (draft, the signer's signed copy, the issued copy, an
    appendix) or of an incoming one (as received). Append-only: a new version is a new row;
    nothing is added to or removed from an issued document; a classified document has none.
    """

    class Kind(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SIGNED = "signed", _("Bản đã ký")
        ISSUED = "issued", _("Bản phát hành")
        APPENDIX = "appendix", _("Phụ lục")
        RECEIVED = "received", _("Văn bản đến")

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to=_upload_to)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("định dạng"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False, incoming__isnull=True)
                | Q(document__isnull=True, incoming__isnull=False),
                name="document_file_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuses a file of a classified document (ClassifiedContent), any change to a stored
        file and any new file on an issued or cancelled document (ImmutableDocument)."""
        if self._owner_classified():
            raise ClassifiedContent("a classified document has no file on the platform")
        if self.pk is not None:
            raise ImmutableDocument(f"file {self.pk}")
        if self.document_id and stored_state(Document, self.document_id) in OUTGOING_FINAL:
            raise ImmutableDocument(f"files of document {self.document_id}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.document_id and stored_state(Document, self.document_id) in OUTGOING_FINAL:
            raise ImmutableDocument(f"files of document {self.document_id}")
        return super().delete(*args, **kwargs)

    def _owner_classified(self) -> bool:
        owner = self.document or self.incoming
        return owner is not None and is_classified(owner.confidentiality)
