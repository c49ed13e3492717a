from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tinhso.core"
    verbose_name = _("Nền tảng")

    def ready(self) -> None:
        from django.db import models

        from tinhso.core import filesweep, periodic
        from tinhso.core.lookups import AnyOf

        # `field__any_of=[…]`: a long list of ids as one array parameter (core/lookups.py).
        models.IntegerField.register_lookup(AnyOf)
        models.ForeignKey.register_lookup(AnyOf)

        # Orphan files in the folders the apps register (each in its own ready()).
        periodic.register(
            name="core.sweep_files", every_seconds=24 * 3600, run=filesweep.run_periodic
        )
        from tinhso.core.gateway.prune import prune_summary

        # The request log past its retention and the rate counters of ended minutes.
        periodic.register(name="core.gateway_prune", every_seconds=24 * 3600, run=prune_summary)
