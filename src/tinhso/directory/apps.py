from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "tinhso.directory"
    verbose_name = _("Danh mục hành chính")

    def ready(self) -> None:
        from tinhso.core.seeding import register
        from tinhso.directory.seeding import seed_directory

        register(order=10, name="directory", load=seed_directory)
