from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "tinhso.dossiers"
    verbose_name = _("Hồ sơ một cửa")

    def ready(self) -> None:
        from tinhso.core.seeding import register
        from tinhso.dossiers.seeding import seed_dossiers

        register(order=30, name="dossiers", load=seed_dossiers)
