from django.contrib import admin

from tinhso.core.admin import BumpsStamp
from tinhso.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcessStep,
    RequiredDocument,
    ServiceLevel,
)
from tinhso.procedures.selectors import CATALOGUE_STAMP


@admin.register(Field)
class FieldAdmin(BumpsStamp):
    stamp = CATALOGUE_STAMP

    list_display = ("code", "name")
    search_fields = ("code", "name")


class ServiceLevelInline(admin.TabularInline):
    model = ServiceLevel
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class ProcessStepInline(admin.StackedInline):
    model = ProcessStep
    extra = 0
    raw_id_fields = ("organ",)


@admin.register(Procedure)
class ProcedureAdmin(BumpsStamp):
    stamp = CATALOGUE_STAMP

    list_display = (
        "code",
        "name",
        "field",
        "competent_level",
        "time_limit",
        "time_unit",
        "is_active",
        "electronic_result_required",
    )
    list_filter = ("competent_level", "field", "is_active", "electronic_result_required")
    search_fields = ("code", "name", "search_name")
    filter_horizontal = ("organs",)
    inlines = [ServiceLevelInline, RequiredDocumentInline, FeeInline, ProcessStepInline]
