from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.notifications.models import Notification
from tinhso.notifications.services import notification_retry


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The message log: read-only; failed messages can be sent again."""

    list_display = ("created_at", "event", "channel", "recipient", "status", "attempts", "ref")
    list_filter = ("status", "channel", "event")
    search_fields = ("recipient", "recipient_name", "ref", "key", "subject")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry"]

    @admin.action(description=_("Gửi lại các thông báo lỗi đã chọn"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notification_retry(notifications=queryset)
        self.message_user(
            request,
            ngettext(
                "Đã xếp lại %(count)d thông báo để gửi.",
                "Đã xếp lại %(count)d thông báo để gửi.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
