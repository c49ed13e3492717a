"""Labels of file plan and work record actions and history entries, in Vietnamese."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "create": _("Lập danh mục"),
    "copy": _("Sao chép từ danh mục năm trước"),
    "add_heading": _("Thêm đề mục"),
    "add_entry": _("Thêm hồ sơ dự kiến"),
    "change_entry": _("Sửa hồ sơ dự kiến"),
    "remove_entry": _("Bỏ hồ sơ dự kiến"),
    "approve": _("Ban hành danh mục"),
    "revise": _("Lập phiên bản mới"),
    "supersede": _("Được thay bằng phiên bản mới"),
    "open_record": _("Mở hồ sơ"),
    "open": _("Mở hồ sơ"),
    "update": _("Cập nhật thông tin"),
    "file": _("Đưa văn bản vào hồ sơ"),
    "note": _("Thêm ghi chú"),
    "attach": _("Đính kèm tài liệu"),
    "reorder": _("Sắp xếp lại"),
    "remove": _("Rút khỏi hồ sơ"),
    "close": _("Kết thúc hồ sơ"),
    "reopen": _("Mở lại hồ sơ"),
    "archive": _("Nộp lưu"),
    "export": _("Xuất gói lưu trữ"),
}


@register.filter
def record_action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
