"""Organs (cơ quan, đơn vị) and their identifiers in the two national schemes."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models.units import AdministrativeUnit


class OrganKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("UBND cấp tỉnh")
    COMMITTEE_OFFICE = "committee_office", _("Văn phòng UBND")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT_COMMITTEE = "district_committee", _("UBND cấp huyện")
    DISTRICT_OFFICE = "district_office", _("Phòng chuyên môn cấp huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")
    OTHER = "other", _("Khác")


class OrganScheme(models.TextChoices):
    QCVN102 = "qcvn102", _("QCVN 102:2016 (trao đổi văn bản)")
    DECISION20 = "decision20", _("Quyết định 20/2020/QĐ-TTg (chia sẻ dữ liệu)")


class OrganQuerySet(models.QuerySet["Organ"]):
    def subtree_of(self, organ: Organ) -> OrganQuerySet:
        """`organ` and every organ under it, through the materialised path."""
        return self.filter(tree_path__startswith=organ.tree_path)


class Organ(models.Model):
    """A state organ or unit: the subject of roles, documents, dossiers and exchange."""

    name = models.CharField(_("tên"), max_length=300)
    short_name = models.CharField(
        _("tên viết tắt"),
        max_length=30,
        help_text=_("Dùng trong ký hiệu văn bản, ví dụ UBND, SNV."),
    )
    kind = models.CharField(_("loại"), max_length=30, choices=OrganKind.choices)
    level = models.PositiveSmallIntegerField(_("cấp (QCVN 102)"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính phục vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organs",
    )
    # "/<id>/<id>/" from the root: a subtree is one indexed prefix query.
    tree_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)

    objects = OrganQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["tree_path"]

    def __str__(self) -> str:
        return self.name

    def identifier(self, scheme: str = OrganScheme.QCVN102, on: date | None = None) -> str:
        """The organ's identifier in `scheme` valid on `on` (today by default), or ""."""
        on = on or timezone.localdate()
        for ident in self.identifiers.all():
            if ident.scheme == scheme and ident.is_valid_on(on):
                return ident.value
        return ""


class OrganIdentifier(models.Model):
    """An identifier of an organ in one scheme, valid for a period."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("hệ mã"), max_length=12, choices=OrganScheme.choices)
    value = models.CharField(_("mã định danh"), max_length=35, db_index=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã định danh cơ quan")
        verbose_name_plural = _("mã định danh cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value", "valid_from"], name="organ_identifier_unique"
            ),
            models.UniqueConstraint(
                fields=["scheme", "value"],
                condition=Q(valid_from__isnull=True),
                name="organ_identifier_open_start_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.value

    def is_valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )
