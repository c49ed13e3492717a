"""The queue of pushes to the national portal in the admin: read-only, filtered on "Ngừng
gửi" it is the dead-letter queue, replayed by action. Imported by `ExchangeConfig.ready`."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tinhso.exchange.national import queue
from tinhso.exchange.national.models import NationalPush


@admin.register(NationalPush)
class NationalPushAdmin(admin.ModelAdmin):
    list_display = [
        "message_id",
        "kind",
        "dossier_code",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["message_id", "dossier_code"]
    actions = ["replay"]
    readonly_fields = [f.name for f in NationalPush._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Gửi lại các thông điệp đã chọn"))
    def replay(self, request: HttpRequest, queryset: QuerySet[NationalPush]) -> None:
        done = 0
        for push in queryset.filter(state__in=[NationalPush.State.DEAD, NationalPush.State.FAILED]):
            queue.replay(push=push, actor=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(count)d thông điệp vào hàng chờ gửi lại.",
                "Đã đưa %(count)d thông điệp vào hàng chờ gửi lại.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )
