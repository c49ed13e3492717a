from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tinhso.core.admin import BumpsStamp
from tinhso.directory.imports import DIRECTORY_STAMP
from tinhso.directory.models import (
    AdministrativeUnit,
    Applicant,
    Official,
    Organ,
    OrganIdentifier,
    RoleAssignment,
    UnitSuccession,
    User,
)


class BumpsDirectoryStamp(BumpsStamp):
    """Edits of units and organs in the admin tell the lookup caches."""

    stamp = DIRECTORY_STAMP


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Thông tin bổ sung"), {"fields": ("full_name",)}),
    )


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    raw_id_fields = ("successor",)
    extra = 0


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(BumpsDirectoryStamp):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "valid_to")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    inlines = [SuccessionInline]


class OrganIdentifierInline(admin.TabularInline):
    model = OrganIdentifier
    extra = 0


@admin.register(Organ)
class OrganAdmin(BumpsDirectoryStamp):
    list_display = ("name", "short_name", "kind", "level", "parent")
    list_filter = ("kind", "level")
    search_fields = ("name", "short_name", "identifiers__value")
    raw_id_fields = ("parent", "unit")
    inlines = [OrganIdentifierInline]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    raw_id_fields = ("organ",)
    extra = 0


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ("user", "organ", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("user__username", "user__full_name")
    raw_id_fields = ("user", "organ")
    inlines = [RoleAssignmentInline]


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ("identifier", "name", "kind", "eid_verified_at")
    list_filter = ("kind",)
    search_fields = ("identifier", "name")
    raw_id_fields = ("unit", "user")
