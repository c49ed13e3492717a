"""The one exception of the edXML library and the LGSP error codes it carries."""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """Error codes of the provincial LGSPs in service (domain.md §9).

    This library raises INVALID_FILE, BAD_CREDENTIALS, FILE_PROCESSING and NOT_CONFORMANT;
    the other codes belong to the node (routing, registry, locking) and are listed here so
    that every layer answers with the same numbers.
    """

    OK = 0
    INVALID_FILE = 10  # empty, too large, not UTF-8, not well-formed, DOCTYPE, too deep
    BAD_CREDENTIALS = 15  # signature missing, broken, or made by another certificate
    UNKNOWN_RECEIVER = 18
    SENDER_NOT_REGISTERED = 19
    SYSTEM_ERROR = 20
    FILE_PROCESSING = 21  # an attachment that cannot be decoded, unzipped or matched
    NOT_CONFORMANT = 22  # well-formed XML that is not edXML: namespace, prefix, schema, rules
    RECEIVER_LOCKED = 23


# Vietnamese titles for answers to peers and for the back office (the pure core has no gettext).
TITLES: dict[ErrorCode, str] = {
    ErrorCode.OK: "Thành công",
    ErrorCode.INVALID_FILE: "Tệp không hợp lệ",
    ErrorCode.BAD_CREDENTIALS: "Thông tin xác thực của hệ thống không đúng",
    ErrorCode.UNKNOWN_RECEIVER: "Không xác định được đơn vị nhận",
    ErrorCode.SENDER_NOT_REGISTERED: "Đơn vị gửi chưa được đăng ký",
    ErrorCode.SYSTEM_ERROR: "Lỗi hệ thống",
    ErrorCode.FILE_PROCESSING: "Lỗi xử lý tệp",
    ErrorCode.NOT_CONFORMANT: "Gói tin không đúng chuẩn edXML",
    ErrorCode.RECEIVER_LOCKED: "Đơn vị nhận đang bị khóa",
}


class EdxmlError(Exception):
    """A package refused. `code` is the LGSP error code to answer with, `element` the path of
    the element at fault (``edXML:MessageHeader/edXML:From/edXML:OrganId``; empty when the
    fault is the file as a whole), `reason` a short machine word for tests and logs."""

    def __init__(self, code: ErrorCode, reason: str, message: str, *, element: str = "") -> None:
        self.code = code
        self.reason = reason
        self.element = element
        self.message = message
        where = f" at {element}" if element else ""
        super().__init__(f"{int(code)} {reason}{where}: {message}")

    @property
    def title(self) -> str:
        """The Vietnamese title of the error code."""
        return TITLES[self.code]
