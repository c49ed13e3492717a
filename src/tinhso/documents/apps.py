from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "tinhso.documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        from tinhso.core import filesweep, periodic
        from tinhso.core.seeding import register
        from tinhso.documents import exchange_glue, hooks
        from tinhso.documents.deadlines import watch_deadlines
        from tinhso.documents.seeding import seed_documents
        from tinhso.documents.signing import PadesBackend

        hooks.register_signing_backend(PadesBackend())
        exchange_glue.connect()
        filesweep.register(model="documents.DocumentFile", field="file", prefix="documents/")
        # After the directory (demo accounts), the signing keys (25) and the dossiers (30).
        register(order=35, name="documents", load=seed_documents)

        periodic.register(
            name="documents.watch_deadlines",
            every_seconds=15 * 60,
            run=lambda: watch_deadlines().summary(),
        )
