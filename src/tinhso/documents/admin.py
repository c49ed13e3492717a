"""Read-only admin views of documents: every write goes through the services (numbering,
history, immutability), so the admin only looks."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.documents.models import (
    ApprovalChain,
    ApprovalChainStep,
    Document,
    DocumentEvent,
    IncomingDocument,
    Register,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Register)
class RegisterAdmin(ReadOnly):
    list_display = ("organ", "year", "kind", "classified", "last")
    list_filter = ("year", "kind", "classified")


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ("notation", "doc_type", "summary", "organ", "state", "issued_on")
    list_filter = ("state", "doc_type", "urgency")
    search_fields = ("notation", "summary")


@admin.register(IncomingDocument)
class IncomingDocumentAdmin(ReadOnly):
    list_display = ("number", "sender_notation", "sender_name", "organ", "state", "arrived_at")
    list_filter = ("state", "source", "urgency")
    search_fields = ("sender_notation", "summary", "sender_name")


@admin.register(DocumentEvent)
class DocumentEventAdmin(ReadOnly):
    list_display = ("at", "action", "document", "incoming", "actor", "from_state", "to_state")
    list_filter = ("action",)


class ApprovalChainStepInline(admin.TabularInline):
    model = ApprovalChainStep
    fields = ("order", "official")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalChain)
class ApprovalChainAdmin(ReadOnly):
    """Saved approval chains are kept on their back-office page (services.chains), which
    checks their steps; here they are only looked at."""

    list_display = ("name", "organ", "active", "version", "updated_at")
    list_filter = ("active",)
    search_fields = ("name", "organ__name")
    inlines = (ApprovalChainStepInline,)
