from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tinhso.exchange"
    verbose_name = _("Liên thông văn bản")

    def ready(self) -> None:
        from tinhso.core import periodic
        from tinhso.exchange.tasks import send_due_summary

        periodic.register(name="exchange.send", every_seconds=10, run=send_due_summary)
