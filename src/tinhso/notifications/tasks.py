"""Background work of notifications (Django Tasks)."""

from __future__ import annotations

from django_tasks import task

from tinhso.notifications.services import notification_deliver


@task()
def send_notification(notification_id: int) -> str:
    """Deliver one logged message. Idempotent: a sent message is never sent again."""
    return notification_deliver(notification_id=notification_id)
