from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "tinhso.payments"
    verbose_name = _("Thanh toán trực tuyến")

    def ready(self) -> None:
        from tinhso.core import filesweep, periodic
        from tinhso.payments import checks  # noqa: F401 (registers the system check)
        from tinhso.payments.receipts import sign_pending
        from tinhso.payments.services import reconcile_pending

        periodic.register(
            name="payments.reconcile",
            every_seconds=5 * 60,
            run=lambda: reconcile_pending().summary(),
        )
        periodic.register(
            name="payments.sign_receipts",
            every_seconds=5 * 60,
            run=lambda: (
                ", ".join(f"{k} {v}" for k, v in sorted(sign_pending().items()))
                or "no receipt waiting"
            ),
        )
        filesweep.register(model="payments.Receipt", field="pdf", prefix="payments/receipts/")
