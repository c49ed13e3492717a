"""The back office's filter form of the message log: every error names its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.exchange.models import MessageLog
from tinhso.exchange.selectors import LogFilter


class LogFilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Chiều"),
        required=False,
        choices=[("", _("Tất cả")), *MessageLog.Direction.choices],
    )
    organ_id = forms.CharField(label=_("Mã định danh cơ quan"), required=False, max_length=35)
    message_id = forms.UUIDField(
        label=_("Mã gói tin"),
        required=False,
        error_messages={"invalid": _("Mã gói tin: không đúng dạng UUID.")},
    )
    document_id = forms.CharField(label=_("DocumentId"), required=False, max_length=300)
    date_from = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Từ ngày: không đúng dạng ngày.")},
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Đến ngày: không đúng dạng ngày.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Đến ngày: phải từ ngày %(day)s trở đi.") % {"day": start})
        return data

    def filters(self) -> LogFilter:
        """The filters of a valid form (call after is_valid())."""
        data = self.cleaned_data
        return LogFilter(
            direction=data.get("direction") or "",
            organ_id=data.get("organ_id") or "",
            message_id=data.get("message_id"),
            document_id=data.get("document_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
