"""Read-only admin views of file plans and work records: every write goes through the
services (states, history, checks), so the admin only looks."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.records.models import FilePlan, PlanEntry, RecordEvent, RecordItem, WorkRecord


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FilePlan)
class FilePlanAdmin(ReadOnly):
    list_display = ("organ", "year", "version", "state", "approved_at")
    list_filter = ("state", "year")


@admin.register(PlanEntry)
class PlanEntryAdmin(ReadOnly):
    list_display = ("notation", "title", "plan", "retention_label", "added_after_approval")
    search_fields = ("notation", "title")


@admin.register(WorkRecord)
class WorkRecordAdmin(ReadOnly):
    list_display = ("code", "title", "organ", "state", "doc_count", "retention_ends_on")
    list_filter = ("state", "year", "access")
    search_fields = ("code", "title", "keywords")


@admin.register(RecordItem)
class RecordItemAdmin(ReadOnly):
    list_display = ("record", "order", "kind", "document", "incoming", "title", "pages")
    list_filter = ("kind",)


@admin.register(RecordEvent)
class RecordEventAdmin(ReadOnly):
    list_display = ("at", "action", "plan", "record", "actor", "from_state", "to_state")
    list_filter = ("action",)
