from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "tinhso.signatures"
    verbose_name = _("Chữ ký số")

    def ready(self) -> None:
        from tinhso.core import filesweep
        from tinhso.core.seeding import register
        from tinhso.signatures.seeding import seed_signatures

        register(order=25, name="signatures", load=seed_signatures)
        # Only the keys' folder: the development CA's file (signatures/dev-ca/) has no row.
        filesweep.register(
            model="signatures.SigningIdentity", field="pkcs12_file", prefix="signatures/identities/"
        )
