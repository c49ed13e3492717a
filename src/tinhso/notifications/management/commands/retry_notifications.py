"""`tinhso retry_notifications`: enqueue again the failed messages that have attempts left."""

from typing import Any

from django.core.management.base import BaseCommand

from tinhso.notifications.services import MAX_ATTEMPTS, notification_retry


class Command(BaseCommand):
    help = (
        f"Enqueue again failed notifications with fewer than {MAX_ATTEMPTS} attempts, and those "
        "stuck while sending; meant for cron next to watch_deadlines."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = notification_retry()
        self.stdout.write(f"{count} notification(s) enqueued again.")
