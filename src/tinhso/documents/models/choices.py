"""Choices shared by the document models: Vietnamese labels of the pure enums."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.documents.states import IncomingState, OutgoingState
from tinhso.documents.types import ADMINISTRATIVE_TYPES, Confidentiality, SigningMarker, Urgency

TYPE_CHOICES = [(t.key, t.name) for t in ADMINISTRATIVE_TYPES]

URGENCY_CHOICES = [
    (Urgency.NORMAL.value, _("Thường")),
    (Urgency.URGENT.value, _("Khẩn")),
    (Urgency.VERY_URGENT.value, _("Thượng khẩn")),
    (Urgency.EXPRESS.value, _("Hỏa tốc")),
]
CONFIDENTIALITY_CHOICES = [
    (Confidentiality.NONE.value, _("Không mật")),
    (Confidentiality.CONFIDENTIAL.value, _("Mật")),
    (Confidentiality.SECRET.value, _("Tối mật")),
    (Confidentiality.TOP_SECRET.value, _("Tuyệt mật")),
]
MARKER_CHOICES = [
    (SigningMarker.NONE.value, _("Người đứng đầu ký")),
    (SigningMarker.COLLECTIVE.value, "TM."),
    (SigningMarker.DEPUTY.value, "KT."),
    (SigningMarker.ACTING.value, "Q."),
    (SigningMarker.BY_ORDER.value, "TL."),
    (SigningMarker.BY_AUTHORISATION.value, "TUQ."),
]

OUTGOING_STATE_LABELS = {
    OutgoingState.DRAFT: _("Dự thảo"),
    OutgoingState.IN_REVIEW: _("Đang trình duyệt"),
    OutgoingState.APPROVED: _("Đã duyệt, chờ ký"),
    OutgoingState.SIGNED: _("Đã ký, chờ phát hành"),
    OutgoingState.ISSUED: _("Đã ban hành"),
    OutgoingState.CANCELLED: _("Đã hủy"),
}
INCOMING_STATE_LABELS = {
    IncomingState.ARRIVED: _("Đã đến"),
    IncomingState.REFUSED: _("Từ chối nhận"),
    IncomingState.REGISTERED: _("Đã vào sổ"),
    IncomingState.ASSIGNED: _("Đã phân công"),
    IncomingState.IN_HANDLING: _("Đang xử lý"),
    IncomingState.COMPLETED: _("Hoàn thành"),
}


class CorrectionKind(models.TextChoices):
    """How a new document corrects an issued one (Decree 30: sửa đổi, thay thế, thu hồi); the
    edXML `BussinessDocType` codes are 2, 3 and 1."""

    UPDATE = "update", _("Sửa đổi, bổ sung")
    REPLACE = "replace", _("Thay thế")
    REVOKE = "revoke", _("Thu hồi")
