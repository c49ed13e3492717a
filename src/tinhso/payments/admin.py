"""Admin of payments: the electronic receipts, read-only, with their signing state in the list
(an unsigned receipt is seen at once), and an action that signs the selected ones again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.payments.models import Receipt
from tinhso.payments.receipts import receipt_sign


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = (
        "display_number",
        "organ_name",
        "payer_name",
        "source_ref",
        "amount",
        "issued_at",
        "sign_state",
        "sign_error",
    )
    list_filter = ("sign_state", "year", "gateway")
    search_fields = ("series", "txn_ref", "source_ref", "payer_name", "payer_identifier")
    ordering = ("-issued_at",)
    actions = ["sign_again"]

    @admin.action(description=_("Ký số lại các biên lai đã chọn"))
    def sign_again(self, request: HttpRequest, queryset: QuerySet[Receipt]) -> None:
        states = [receipt_sign(receipt_id=pk) for pk in queryset.values_list("pk", flat=True)]
        signed = states.count(str(Receipt.SignState.SIGNED))
        level = messages.SUCCESS if signed == len(states) else messages.WARNING
        text = _("Đã ký %(signed)s trên %(total)s biên lai.")
        self.message_user(request, text % {"signed": signed, "total": len(states)}, level)
