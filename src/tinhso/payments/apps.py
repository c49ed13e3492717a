from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "tinhso.payments"
    verbose_name = _("Thanh toán trực tuyến")

    def ready(self) -> None:
        from tinhso.core import periodic
        from tinhso.payments.services import reconcile_pending

        periodic.register(
            name="payments.reconcile",
            every_seconds=5 * 60,
            run=lambda: reconcile_pending().summary(),
        )
