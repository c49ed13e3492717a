from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "tinhso.dossiers"
    verbose_name = _("Hồ sơ một cửa")

    def ready(self) -> None:
        from tinhso.core import filesweep, periodic
        from tinhso.core.seeding import register
        from tinhso.dossiers import national_glue
        from tinhso.dossiers.deadlines import watch_deadlines
        from tinhso.dossiers.fees import SOURCE, on_paid
        from tinhso.dossiers.seeding import seed_dossiers
        from tinhso.dossiers.services.common import register_event_listener
        from tinhso.payments.hooks import register_paid_handler

        register(order=30, name="dossiers", load=seed_dossiers)
        register_paid_handler(SOURCE, national_glue.also_push_when_paid(on_paid))
        register_event_listener(national_glue.on_event)
        checks.register(national_glue.status_map_complete)
        filesweep.register(model="dossiers.Attachment", field="file", prefix="dossiers/")
        periodic.register(
            name="dossiers.watch_deadlines",
            every_seconds=15 * 60,
            run=lambda: watch_deadlines().summary(),
        )

        from tinhso.dossiers.services.postal import shipments_send_due

        periodic.register(name="dossiers.postal", every_seconds=60, run=shipments_send_due)
