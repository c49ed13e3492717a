"""The electronic result of a dossier: the signed PDF, delivered to the applicant's account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models.dossier import Dossier
from tinhso.dossiers.models.files import Attachment


class ElectronicResult(models.Model):
    """One signed version of a dossier's result (append-only: a new signature is a new row).

    The file itself is the `attachment` (kind result), so that the national portal's push
    lists it with the other result papers; this row keeps how and by whom it was signed.
    `first_downloaded_at` is the one fact written later: when the applicant first took it.
    """

    class SignedAs(models.TextChoices):
        PERSONAL = "personal", _("Chữ ký số của người có thẩm quyền")
        ORGAN = "organ", _("Chữ ký số của cơ quan")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="electronic_results"
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    attachment = models.OneToOneField(
        Attachment, on_delete=models.PROTECT, related_name="electronic_result"
    )
    signed_as = models.CharField(_("ký với tư cách"), max_length=10, choices=SignedAs.choices)
    signer = models.CharField(_("khóa ký"), max_length=400)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("thời điểm ký"))
    first_downloaded_at = models.DateTimeField(_("người nộp tải lần đầu"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")
        ordering = ["dossier", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "version"], name="electronic_result_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("an electronic result is immutable: sign a new version")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
