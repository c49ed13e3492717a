from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "tinhso.procedures"
    verbose_name = _("Thủ tục hành chính")

    def ready(self) -> None:
        from tinhso.core.seeding import register
        from tinhso.procedures.seeding import seed_procedures

        register(order=20, name="procedures", load=seed_procedures)
