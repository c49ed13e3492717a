"""The catalogue of administrative procedures (thủ tục hành chính, TTHC)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Decree 42/2022 replaced levels 1–4 of Decree 43/2011 on this day.
DECREE_42_FROM = date(2022, 8, 15)


class Field(models.Model):
    """A field of procedures (lĩnh vực), e.g. Hộ tịch, Đất đai."""

    code = models.CharField(_("mã lĩnh vực"), max_length=30, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetentLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")


class Procedure(models.Model):
    """One procedure as published in the national database of procedures.

    `code` is `<national code>.<organ code>` (e.g. `1.001612.000.00.00.H48`); the national part
    is opaque. `form_schema` is a JSON Schema of the declaration form (see `forms.py`).
    """

    code = models.CharField(_("mã thủ tục"), max_length=60, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    search_name = models.CharField(max_length=500, db_index=True, editable=False, default="")
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    competent_level = models.CharField(
        _("cấp thực hiện"), max_length=10, choices=CompetentLevel.choices
    )
    organs = models.ManyToManyField(
        "directory.Organ", verbose_name=_("cơ quan thực hiện"), related_name="procedures"
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    time_limit = models.PositiveIntegerField(_("thời hạn giải quyết"))
    time_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    cutoff = models.TimeField(
        _("giờ chốt tiếp nhận"),
        null=True,
        blank=True,
        help_text=_("Hồ sơ nhận từ giờ này được tính từ ngày làm việc tiếp theo."),
    )
    result_type = models.CharField(_("kết quả"), max_length=300)
    # Decision 766/QĐ-TTg, indicator 3.3: an online dossier of such a procedure counts as
    # online only once its electronic result was issued (dossiers/statistics/definitions.py).
    electronic_result_required = models.BooleanField(
        _("phải trả kết quả điện tử"),
        default=False,
        help_text=_(
            "Hồ sơ trực tuyến của thủ tục này chỉ được tính là trực tuyến (chỉ số 3.3) "
            "khi đã cấp kết quả điện tử."
        ),
    )
    applicant_kinds = models.JSONField(
        _("đối tượng thực hiện"), default=list, help_text=_('["citizen"], ["business"] hoặc cả hai')
    )
    form_schema = models.JSONField(_("biểu mẫu (JSON Schema)"), default=dict, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: object, **kwargs: object) -> None:
        from tinhso.procedures.search import fold

        self.search_name = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_offered_by(self, organ: Any) -> bool:
        """Whether `organ` settles this procedure (in memory when the organs were prefetched,
        as `selectors.procedure_for_filing` does)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("organs")
        if prefetched is not None:
            return any(o.pk == organ.pk for o in prefetched)
        return self.organs.filter(pk=organ.pk).exists()

    def level_on(self, on: date) -> ServiceLevel | None:
        for level in self.service_levels.all():
            if level.is_valid_on(on):
                return level
        return None


class ServiceLevelKind(models.TextChoices):
    """Online service levels: Decree 43/2011 levels 1–4 until 14/08/2022, then Decree 42/2022."""

    LEVEL_1 = "1", _("Mức độ 1")
    LEVEL_2 = "2", _("Mức độ 2")
    LEVEL_3 = "3", _("Mức độ 3")
    LEVEL_4 = "4", _("Mức độ 4")
    PARTIAL = "partial", _("Dịch vụ công trực tuyến một phần")
    FULL = "full", _("Dịch vụ công trực tuyến toàn trình")
    NONE = "none", _("Chỉ cung cấp thông tin")


ONLINE_FILING_KINDS = frozenset({"3", "4", "partial", "full"})
ONLINE_PAYMENT_KINDS = frozenset({"4", "full"})


class ServiceLevel(models.Model):
    """The service level of a procedure for a period; records keep the level of their date."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="service_levels"
    )
    kind = models.CharField(_("mức độ"), max_length=10, choices=ServiceLevelKind.choices)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("mức độ dịch vụ công")
        verbose_name_plural = _("mức độ dịch vụ công")
        ordering = ["procedure", models.F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="service_level_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def is_valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    @property
    def online_filing(self) -> bool:
        return self.kind in ONLINE_FILING_KINDS


class RequiredDocument(models.Model):
    """A document of the dossier (thành phần hồ sơ): how many originals and copies."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="required_documents"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    optional = models.BooleanField(_("không bắt buộc"), default=False)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="required_document_order")
        ]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee (phí) or charge (lệ phí), in đồng."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Phí")
        CHARGE = "charge", _("Lệ phí")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("loại"), max_length=6, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=300)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    legal_basis = models.CharField(_("căn cứ thu"), max_length=300, blank=True)
    # A fee charged per unit (copy, page) names the form field that holds the quantity;
    # `tiers` change the unit price from the n-th unit on ([{"from": 3, "amount": 1000}]).
    quantity_field = models.CharField(_("trường số lượng trong tờ khai"), max_length=60, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)
    tiers = models.JSONField(_("bậc giá theo số lượng"), default=list, blank=True)
    maximum = models.PositiveBigIntegerField(_("mức thu tối đa (đồng)"), null=True, blank=True)
    # Reductions by applicant category: [{"category": "nguoi_co_cong", "label": "...",
    # "reduction": 50}], 100 meaning exempt (see tinhso.payments.fees).
    exemptions = models.JSONField(_("miễn, giảm theo đối tượng"), default=list, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"
