from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.exchange import applying, outbox
from tinhso.exchange.models import InboxMessage, MessageLog, OutboxMessage, Peer


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "base_url", "batch_size", "active"]
    list_filter = ["active"]
    search_fields = ["name", "title", "base_url"]
    readonly_fields = ["key_hash"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox; filtered on "Ngừng gửi" it is the dead-letter queue, replayed by action."""

    list_display = [
        "message_id",
        "kind",
        "recipient_id",
        "peer",
        "state",
        "attempts",
        "next_attempt_at",
        "last_code",
        "created_at",
    ]
    list_filter = ["state", "kind", "peer"]
    search_fields = ["message_id", "recipient_id", "sender_id", "document_id"]
    actions = ["replay"]
    exclude = ["data"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Gửi lại các gói tin đã chọn"))
    def replay(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = 0
        for message in queryset.filter(
            state__in=[OutboxMessage.State.DEAD, OutboxMessage.State.FAILED]
        ):
            outbox.replay(message=message, actor=request.user)
            done += 1
        _replayed(self, request, done)


def _replayed(model_admin: admin.ModelAdmin, request: HttpRequest, done: int) -> None:
    model_admin.message_user(
        request,
        ngettext(
            "Đã đưa %(count)d gói tin vào hàng chờ xử lý lại.",
            "Đã đưa %(count)d gói tin vào hàng chờ xử lý lại.",
            done,
        )
        % {"count": done},
        messages.SUCCESS,
    )


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    """The inbox; filtered on "Ngừng xử lý" it is the apply worker's dead letters, replayed by
    action (the package is applied again from the message log)."""

    list_display = [
        "message_id",
        "kind",
        "sender_id",
        "peer",
        "state",
        "attempts",
        "received_at",
        "applied_at",
    ]
    list_filter = ["state", "kind", "peer"]
    search_fields = ["message_id", "sender_id", "document_id"]
    actions = ["replay"]
    readonly_fields = [f.name for f in InboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Xử lý lại các gói tin đã chọn"))
    def replay(self, request: HttpRequest, queryset: QuerySet[InboxMessage]) -> None:
        done = 0
        for row in queryset.filter(state__in=[InboxMessage.State.DEAD, InboxMessage.State.FAILED]):
            applying.replay(row=row, actor=request.user)
            done += 1
        _replayed(self, request, done)


@admin.register(MessageLog)
class MessageLogAdmin(ReadOnlyAdmin):
    """The hash-chained message log, read only: no entry is added, changed or deleted here
    (retention deletes old ones; `tinhso exchange verify-log` checks the chain)."""

    list_display = [
        "seq",
        "at",
        "direction",
        "message_id",
        "kind",
        "sender_id",
        "recipient_id",
        "peer",
        "code",
    ]
    list_filter = ["direction", "kind", "code"]
    search_fields = ["message_id", "sender_id", "recipient_id", "document_id"]
    date_hierarchy = "at"
    exclude = ["data"]
    readonly_fields = [f.name for f in MessageLog._meta.fields if f.name != "data"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MessageLog]:
        return super().get_queryset(request).defer("data")
