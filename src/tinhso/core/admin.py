from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.core.models import ApiClient, ApiKey, ApiRequestLog, AuditEntry
from tinhso.core.stamps import bump


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows rows and never adds, changes or deletes them (logs, append-only
    records: they change through their services only)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class BumpsStamp(admin.ModelAdmin):
    """An admin whose edits tell the per-process caches of `stamp` (core.stamps)."""

    stamp = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        bump(self.stamp)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        bump(self.stamp)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        bump(self.stamp)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        bump(self.stamp)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "object_type", "object_id", "actor_label")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label", "action")
    date_hierarchy = "at"


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created with `tinhso apiclient create|rotate` (the raw key is shown once)."""

    list_display = (
        "name",
        "client",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("client",)
    search_fields = ("name", "prefix", "client__organisation")
    readonly_fields = ("client", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ("prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Clients and keys are made with `tinhso apiclient`; the admin edits contact, limit and
    the active flag (a deactivated client's keys authenticate nothing)."""

    list_display = ("organisation", "contact", "active", "rate_limit_per_minute", "created_at")
    list_filter = ("active",)
    search_fields = ("organisation", "contact")
    inlines = [ApiKeyInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(ReadOnlyAdmin):
    """The request log, read-only and searchable by route, client and key prefix."""

    list_display = ("at", "client", "key", "method", "route", "status", "duration_ms", "bytes")
    list_filter = ("status", "method", "client")
    search_fields = ("route", "client__organisation", "key__prefix")
    date_hierarchy = "at"
    list_select_related = ("client", "key")
    show_full_result_count = False  # no COUNT(*) over millions of rows on each page
