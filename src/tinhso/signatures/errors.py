"""Why a PDF or a key is refused, with a Vietnamese message naming what is wrong."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "empty": _("Tệp PDF rỗng."),
    "too_large": _("Tệp PDF vượt quá %(mb)s MB."),
    "not_pdf": _("Tệp không phải PDF hoặc bị hỏng, không đọc được: %(detail)s."),
    "encrypted": _(
        "Tệp PDF được mã hóa (đặt mật khẩu), không kiểm tra được nội dung; "
        "hãy gỡ mã hóa trước khi ký hoặc gửi."
    ),
    "javascript": _("Tệp PDF chứa mã JavaScript (ở %(where)s), không được ký hoặc tiếp nhận."),
    "launch": _(
        "Tệp PDF chứa lệnh khởi chạy chương trình (ở %(where)s), không được ký hoặc tiếp nhận."
    ),
    "embedded_file": _(
        "Tệp PDF có tệp nhúng đính kèm (ở %(where)s), có thể là chương trình chạy được; "
        "không được ký hoặc tiếp nhận."
    ),
    "rich_media": _(
        "Tệp PDF chứa nội dung đa phương tiện chạy được (ở %(where)s), "
        "không được ký hoặc tiếp nhận."
    ),
    "xfa": _("Tệp PDF là biểu mẫu XFA (có thể chứa mã lệnh), không được ký hoặc tiếp nhận."),
    "active_content": _("Tệp PDF chứa mã lệnh (%(where)s), không được ký hoặc tiếp nhận."),
    "forbidden": _("Bạn không được dùng khóa ký «%(identity)s»."),
    "identity_inactive": _("Khóa ký «%(identity)s» đã ngừng sử dụng."),
    "identity_expired": _("Chứng thư số của «%(identity)s» đã hết hạn ngày %(date)s."),
    "identity_not_yet_valid": _("Chứng thư số của «%(identity)s» chỉ có hiệu lực từ %(date)s."),
    "wrong_passphrase": _("Mật khẩu của khóa ký «%(identity)s» không đúng."),
    "key_unavailable": _("Không mở được khóa ký «%(identity)s»: %(detail)s."),
    "unknown_key_storage": _("Nơi giữ khóa «%(storage)s» chưa được cấu hình."),
    "module_not_allowed": _(
        "Thư viện PKCS#11 «%(module)s» của khóa ký «%(identity)s» không nằm trong danh sách "
        "được phép nạp (SIGNATURE_PKCS11_MODULES)."
    ),
    "field_exists": _("Tệp PDF đã có ô chữ ký «%(field)s»."),
    "bad_pkcs12": _("Tệp PKCS#12 không đọc được hoặc sai mật khẩu."),
    "bad_certificate": _("Chứng thư số không đọc được: %(detail)s."),
    "unknown_issuer": _(
        "Chứng thư số «%(subject)s» không do CA nào được tin cậy cấp; "
        "hãy thêm CA đó vào danh sách CA tin cậy trước."
    ),
    "not_a_ca": _(
        "Chứng thư «%(subject)s» không phải chứng thư của tổ chức cung cấp dịch vụ (CA)."
    ),
    "bad_crl": _("Danh sách thu hồi (CRL) không đọc được: %(detail)s."),
    "crl_signature": _("Danh sách thu hồi (CRL) không do «%(issuer)s» ký."),
    "wrong_owner": _("Khóa ký cá nhân phải gắn với một cán bộ, khóa ký cơ quan với một cơ quan."),
    "sign_failed": _("Không ký được tệp PDF: %(detail)s."),
}


# The input each refusal is about, for forms and problem details: what the signer typed
# (the passphrase of a PKCS#12 file or the PIN of a token), the key chosen, or the file.
FIELDS = {
    "wrong_passphrase": "passphrase",
    "key_unavailable": "passphrase",
    "forbidden": "identity",
    "identity_inactive": "identity",
    "identity_expired": "identity",
    "identity_not_yet_valid": "identity",
    "unknown_key_storage": "identity",
    "module_not_allowed": "identity",
    "wrong_owner": "owner",
    "bad_pkcs12": "pkcs12",
    "bad_certificate": "certificate",
    "unknown_issuer": "certificate",
    "not_a_ca": "certificate",
    "bad_crl": "crl",
    "crl_signature": "crl",
    "field_exists": "field_name",
}


class SignatureError(ValueError):
    """A refused PDF, key or certificate. `code` names the reason (a key of `MESSAGES`);
    `params` fill its message; `message` is the Vietnamese text in the active language;
    `field` names the input it is about ("passphrase", "identity", … and "pdf" for the file)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params if self.params else str(MESSAGES[self.code])

    @property
    def field(self) -> str:
        return FIELDS.get(self.code, "pdf")

    def __str__(self) -> str:
        return self.message
