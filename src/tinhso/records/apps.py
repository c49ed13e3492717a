from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "tinhso.records"
    verbose_name = _("Hồ sơ công việc")

    def ready(self) -> None:
        from tinhso.core import filesweep
        from tinhso.core.seeding import register
        from tinhso.records.seeding import seed_records

        # After the demo documents (35): the records are filled with them.
        register(order=40, name="records", load=seed_records)
        filesweep.register(model="records.RecordItem", field="file", prefix="records/")
