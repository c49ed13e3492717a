"""Labels of document actions and history entries, in Vietnamese."""

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "create": _("Tạo dự thảo"),
    "edit": _("Sửa dự thảo"),
    "attach": _("Đính kèm tệp"),
    "compose": _("Soạn theo mẫu"),
    "submit": _("Trình duyệt"),
    "endorse": _("Cho ý kiến đồng ý"),
    "agree": _("Đồng ý"),
    "approve": _("Phê duyệt"),
    "send_back": _("Trả lại"),
    "return": _("Trả lại để sửa"),
    "sign": _("Ký"),
    "issue": _("Cấp số, phát hành"),
    "distribute": _("Gửi văn bản"),
    "cancel": _("Hủy"),
    "correct": _("Ban hành văn bản đính chính"),
    "arrive": _("Văn bản đến"),
    "register": _("Vào sổ văn bản đến"),
    "refuse": _("Từ chối nhận"),
    "assign": _("Phân công xử lý"),
    "start": _("Bắt đầu xử lý"),
    "reply": _("Soạn văn bản trả lời"),
    "complete": _("Hoàn thành xử lý"),
    "take_back": _("Thu hồi văn bản"),
    "revoked": _("Cơ quan gửi thu hồi"),
    "replaced": _("Cơ quan gửi thay thế"),
    "update_received": _("Cơ quan gửi cập nhật"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@register.inclusion_tag("documents/_index_notices.html")
def index_notices(obj: Any) -> dict[str, Any]:
    """What full-text search could not read in a document's files (a damaged file, a scan
    waiting for OCR or with OCR not installed), from its search index entry."""
    from tinhso.documents.models import Document, SearchEntry
    from tinhso.documents.models.search import NOTICE_LABELS

    owner = {"document": obj} if isinstance(obj, Document) else {"incoming": obj}
    entry = SearchEntry.objects.filter(**owner).only("notices").first()
    notices = entry.notices if entry is not None else []
    return {
        "notices": [
            {"file": n.get("file", ""), "text": NOTICE_LABELS.get(n.get("code", ""), "")}
            for n in notices
        ]
    }
