from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tinhso.notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from tinhso.core import periodic
        from tinhso.notifications.services import notification_retry

        periodic.register(
            name="notifications.retry",
            every_seconds=15 * 60,
            run=lambda: f"{notification_retry()} notification(s) enqueued again",
        )
