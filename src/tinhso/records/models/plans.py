"""File plans (danh mục hồ sơ): per organ and year, in versions; their headings and planned
records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import Official, Organ
from tinhso.records.models.choices import PLAN_STATE_LABELS, RetentionFields
from tinhso.records.states import PlanState


class FilePlan(models.Model):
    """The file plan of `organ` for `year` (Decree 30/2020 art. 28, Annex V), `version` 1 at
    first. The head of the organ approves it at the start of the year; from then on it is
    frozen: planned records are only added (each addition flagged and in the history), and
    a wider change is a new version (`revise`), which supersedes this one when approved.
    At most one approved and one draft version per organ and year."""

    organ = models.ForeignKey(
        Organ, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="file_plans"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    state = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=[(s.value, label) for s, label in PLAN_STATE_LABELS.items()],
        default=PlanState.DRAFT,
        db_index=True,
    )
    note = models.TextField(_("ghi chú"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("lập từ danh mục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày lập"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("danh mục hồ sơ")
        verbose_name_plural = _("danh mục hồ sơ")
        ordering = ["organ", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "year", "version"], name="records_plan_version_unique"
            ),
            models.UniqueConstraint(
                fields=["organ", "year"],
                condition=Q(state="approved"),
                name="records_plan_one_approved",
            ),
            models.UniqueConstraint(
                fields=["organ", "year"],
                condition=Q(state="draft"),
                name="records_plan_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(approved_at__isnull=False),
                name="records_plan_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return _("Danh mục hồ sơ năm %(y)s · %(o)s (phiên bản %(v)s)") % {
            "y": self.year,
            "o": self.organ.short_name,
            "v": self.version,
        }

    @property
    def state_label(self) -> str:
        return str(PLAN_STATE_LABELS[PlanState(self.state)])


class PlanHeading(models.Model):
    """A heading of the plan (đề mục): level 1 a large section (I, II, … by unit or field),
    level 2 a section under it (1, 2, …). `code` is the abbreviation planned records under it
    carry in their notation (01.VP)."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="headings")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    level = models.PositiveSmallIntegerField(_("cấp đề mục"), default=1)
    label = models.CharField(_("số đề mục"), max_length=10)
    title = models.CharField(_("tên đề mục"), max_length=300)
    code = models.CharField(_("ký hiệu"), max_length=20, blank=True)
    unit = models.ForeignKey(
        Organ,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_after_approval = models.BooleanField(_("bổ sung sau khi ban hành"), default=False)

    class Meta:
        verbose_name = _("đề mục")
        verbose_name_plural = _("đề mục")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=[1, 2]), name="records_heading_level_1_or_2"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}. {self.title}"


class PlanEntry(RetentionFields):
    """A planned record (hồ sơ dự kiến) under a heading: its number and notation (01.VP),
    title, retention, and the unit and official who will keep it (đơn vị, người lập hồ sơ)."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="entries")
    heading = models.ForeignKey(PlanHeading, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=30)
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
        Official,
        verbose_name=_("người lập hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    added_after_approval = models.BooleanField(_("bổ sung sau khi ban hành"), default=False)

    class Meta(RetentionFields.Meta):
        verbose_name = _("hồ sơ dự kiến")
        verbose_name_plural = _("hồ sơ dự kiến")
        ordering = ["plan", "order", "pk"]
        constraints = [
            *RetentionFields.Meta.constraints,
            models.UniqueConstraint(
                fields=["plan", "notation"], name="records_entry_notation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notation} {self.title}"
