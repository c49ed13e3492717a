from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "tinhso.signatures"
    verbose_name = _("Chữ ký số")

    def ready(self) -> None:
        from tinhso.core.seeding import register
        from tinhso.signatures.seeding import seed_signatures

        register(order=25, name="signatures", load=seed_signatures)
