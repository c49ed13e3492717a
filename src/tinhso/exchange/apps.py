from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tinhso.exchange"
    verbose_name = _("Liên thông văn bản")

    def ready(self) -> None:
        from tinhso.core import periodic
        from tinhso.exchange.tasks import apply_due_summary, prune_log_summary, send_due_summary

        periodic.register(name="exchange.apply", every_seconds=2, run=apply_due_summary)
        periodic.register(name="exchange.send", every_seconds=10, run=send_due_summary)
        periodic.register(name="exchange.log_retention", every_seconds=86400, run=prune_log_summary)

        from tinhso.exchange.national import admin as national_admin  # noqa: F401
        from tinhso.exchange.national import checks as national_checks  # noqa: F401
        from tinhso.exchange.national import queue as national_queue

        periodic.register(
            name="exchange.national_send", every_seconds=10, run=national_queue.send_due_summary
        )

        from django.conf import settings

        from tinhso.exchange.postal import checks  # noqa: F401 (registers the system check)

        if settings.POSTAL_SIMULATOR:  # the demo's postal clock (never a real carrier)
            from tinhso.exchange.postal.simulator.service import step_all

            periodic.register(name="exchange.postal_simulator", every_seconds=60, run=step_all)
