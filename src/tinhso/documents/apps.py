from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
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
        post_save.connect(_organ_saved, sender="directory.Organ", dispatch_uid="documents.organ")
        exchange_glue.connect()
        filesweep.register(model="documents.DocumentFile", field="file", prefix="documents/")
        # After the directory (demo accounts), the signing keys (25) and the dossiers (30).
        register(order=35, name="documents", load=seed_documents)

        periodic.register(
            name="documents.watch_deadlines",
            every_seconds=15 * 60,
            run=lambda: watch_deadlines().summary(),
        )


def _organ_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """An organ that moved in the tree (a new `tree_path`): its documents' search entries
    follow (the search asks them by the organs above them)."""
    if created:
        return
    fields = kwargs.get("update_fields")
    if fields is None or "tree_path" in fields:
        from tinhso.documents.search.indexing import organ_moved

        organ_moved(instance)
