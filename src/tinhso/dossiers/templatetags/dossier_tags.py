from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "receive": _("Tiếp nhận"),
    "refuse_intake": _("Từ chối tiếp nhận"),
    "assign": _("Phân công"),
    "forward": _("Chuyển bước tiếp"),
    "send_back": _("Trả lại bước trước"),
    "approve": _("Phê duyệt"),
    "refuse": _("Từ chối giải quyết"),
    "request_supplement": _("Yêu cầu bổ sung"),
    "supplement": _("Bổ sung hồ sơ"),
    "suspend": _("Tạm dừng"),
    "resume": _("Tiếp tục"),
    "hand_over": _("Chuyển liên thông"),
    "hand_back": _("Hoàn trả liên thông"),
    "register_result": _("Vào sổ kết quả"),
    "return_result": _("Trả kết quả"),
    "withdraw": _("Rút hồ sơ"),
    "submit": _("Nộp hồ sơ"),
    "cancel": _("Hủy"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
