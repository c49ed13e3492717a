"""People: user accounts, officials with scoped roles, and applicants."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models.organs import Organ
from tinhso.directory.models.units import AdministrativeUnit


class User(AbstractUser):
    """A sign-in account: an official's or an applicant's. Vietnamese names are one field."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    CLERK = "clerk", _("Văn thư")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    ADMINISTRATOR = "administrator", _("Quản trị")


class Official(models.Model):
    """A civil servant (cán bộ, công chức, viên chức) working in one home organ."""

    user = models.OneToOneField(
        User, verbose_name=_("tài khoản"), on_delete=models.PROTECT, related_name="official"
    )
    organ = models.ForeignKey(
        Organ, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="officials"
    )
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang công tác"), default=True)

    class Meta:
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("cán bộ, công chức")

    def __str__(self) -> str:
        return str(self.user)


class RoleAssignment(models.Model):
    """A role that an official holds over an organ, optionally over its whole subtree.

    The organ is the official's own by default; an assignment over another organ is a grant.
    """

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    organ = models.ForeignKey(
        Organ, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    include_subtree = models.BooleanField(_("gồm cả đơn vị trực thuộc"), default=False)

    class Meta:
        verbose_name = _("phân vai trò")
        verbose_name_plural = _("phân vai trò")
        constraints = [
            models.UniqueConstraint(
                fields=["official", "role", "organ"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.official}: {self.get_role_display()} @ {self.organ.short_name}"


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class Applicant(models.Model):
    """A citizen or business that files dossiers.

    `identifier` is the one electronic identifier every service uses: the 12-digit CCCD
    (personal identification number) of a citizen, the tax code of a business. An applicant
    holds an electronic identity once it has been verified (`eid_verified_at`).
    """

    kind = models.CharField(_("loại"), max_length=10, choices=ApplicantKind.choices)
    identifier = models.CharField(_("mã định danh"), max_length=14, unique=True)
    name = models.CharField(_("họ tên / tên tổ chức"), max_length=300)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(
        _("giới tính"),
        max_length=6,
        blank=True,
        choices=[("male", _("Nam")), ("female", _("Nữ"))],
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính cư trú / trụ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.OneToOneField(
        User,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant",
    )
    eid_verified_at = models.DateTimeField(
        _("xác thực định danh điện tử lúc"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        indexes = [models.Index(fields=["kind", "eid_verified_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"
